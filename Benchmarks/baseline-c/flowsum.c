/*
 * flowsum: the "straightforward C program" of issue 4, the reference point for vpcflow's speed.
 *
 * It does the job of the Python peers in scripts/peers/: services.csv with all-attribution, one row per
 * side (src/dst) x region x service with flows, packets and bytes, where an address counts once for
 * every ip-ranges.json entry that contains it, else as "-,PRIVATE" or "-,INTERNET". The CSV is meant
 * to be byte-identical to `vpcflow summarize --attribution all --output DIR FILE`'s DIR/services.csv.
 *
 *   cc -O2 -pthread -o flowsum flowsum.c
 *   python3 ranges_to_text.py ip-ranges.json ranges.txt          (JSON -> text, see below)
 *   ./flowsum --ranges ranges.txt --jobs 2 --output services.csv FILE
 *
 * What it does, in order:
 *   1. Reads the ranges as text, one `cidr<TAB>region<TAB>service` line per entry in ip-ranges.json's
 *      order (IPv4 list, then IPv6 list). Parsing JSON in C is not the point of this program, so
 *      ranges_to_text.py (python3, stdlib json) converts the file beforehand; that step is NOT part
 *      of this program's time (scripts/bench-peers.sh times it separately and says so), whereas the
 *      Python peers and vpcflow read and parse ip-ranges.json inside their own time.
 *   2. Cuts every family's prefixes (the entries and the private networks) into sorted, disjoint
 *      elementary intervals, each with the list of entries that contain it (a sweep over the prefix
 *      boundaries). IPv4: the interval starts, binary-searched within a 65,536-slot table indexed by
 *      the address's top 16 bits. IPv6: a plain binary search over unsigned __int128 starts.
 *   3. mmaps FILE, splits it into J pieces at line boundaries, one pthread per piece. Each thread
 *      splits every line into fields with a simple byte loop (one pass, the line's LF as the
 *      sentinel that ends every scan), judges the record, parses both addresses and the counters,
 *      looks both addresses up and adds flows, packets and bytes to its own counters per (side,
 *      interval). No locks, no shared writes.
 *   4. Sums the threads' counters, expands every interval that was hit to its entries (or PRIVATE /
 *      INTERNET), sums per (side, region, service), sorts as vpcflow does (bytes descending, then
 *      side, region, service as byte strings) and writes the CSV.
 *
 * Input it supports: AWS VPC flow logs in the default format (version 2: version account-id
 * interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status),
 * plain text, whose first non-blank line is that header (in AWS's or Athena's spelling, any case,
 * optionally ${...}-wrapped, but in that order). Refused (exit 65): gzip, CSV, a headerless file, any
 * other field order or version. Those are what vpcflow reads and this program does not.
 *
 * Which lines count, as vpcflow judges them (RecordReader.read; README "Decisions"):
 *   - a line ends at LF; one CR just before the LF (or at the end of the file) is the line end's, any
 *     other CR is part of a field;
 *   - fields are separated by runs of spaces and tabs; leading and trailing ones are ignored;
 *   - a record counts only if it has exactly 14 fields, log-status is exactly "OK", both addresses
 *     parse (strictly: IPv4 without leading zeros; IPv6 in every RFC 4291 form, with an IPv4 tail;
 *     no zone ids, no brackets), packets, bytes, start and end are "-" or an unsigned decimal that
 *     fits in 64 bits, and action is ACCEPT, REJECT or "-". A "-" counter counts as 0.
 *   - everything else is not counted: NODATA and SKIPDATA records, header lines (the first and any
 *     repeated ones), blank lines and malformed lines. vpcflow tells these apart in summary.json;
 *     this program only needs to know they are not OK records (no header line or blank line can
 *     be an OK record), so it does not tell them apart.
 *   - an IPv6 address inside ::ffff:0:0/96 (IPv4-mapped, however it is written: ::ffff:1.2.3.4,
 *     ::ffff:102:304, 0:0:0:0:0:ffff:1.2.3.4) is looked up as its IPv4 address, as vpcflow does.
 *   - counters add with 64-bit wrap-around, as vpcflow's &+= does.
 *
 * What it does not do: no SIMD or SWAR, no hand-unrolled parsing, no per-format fast path, no
 * batching of lookups, no huge pages, no prefetching: plain byte loops, compiled with -O2. It writes
 * only services.csv (vpcflow also writes paths.csv and summary.json), and reports no malformed lines.
 * The whole file stays mapped until the end, so peak RSS counts its pages (vpcflow gives back the
 * regions it has read); those are page-cache pages, shared, not memory the program allocates.
 * --info PATH writes a JSON line {"tool", "version" (the compiler), "cores"} for run_bench.py.
 *
 * C11, libc and pthreads only. Exit codes: 0 done, 64 usage, 65 unusable input or ranges,
 * 66 a file cannot be opened, 70 out of memory, 71 a thread cannot be started, 74 a map or write error.
 */
#define _DEFAULT_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

__extension__ typedef unsigned __int128 u128;
typedef uint64_t u64;
typedef uint32_t u32;

#if defined(__clang__)
#define COMPILER "clang " __clang_version__
#elif defined(__GNUC__)
#define COMPILER "gcc " __VERSION__
#else
#define COMPILER "unknown compiler"
#endif

static void die(int code, const char *fmt, const char *arg) {
    fprintf(stderr, "flowsum: ");
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    exit(code);
}

static void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) die(70, "out of memory%s", "");
    return p;
}

static void *xrealloc(void *p, size_t n) {
    p = realloc(p, n ? n : 1);
    if (!p) die(70, "out of memory%s", "");
    return p;
}

/* ---- addresses ------------------------------------------------------------------------------- */

/* A dotted quad, strictly: four parts 0-255 of 1-3 digits, no leading zeros, nothing else. */
static int parse_v4(const unsigned char *s, size_t n, u32 *out) {
    if (n < 7 || n > 15) return 0;
    u32 result = 0, part = 0;
    int digits = 0, dots = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned c = s[i];
        if (c >= '0' && c <= '9') {
            if (digits > 0 && (part == 0 || digits >= 3)) return 0; /* leading zero, or 4 digits */
            part = part * 10 + (c - '0');
            digits++;
        } else if (c == '.' && digits > 0 && part <= 255 && dots < 3) {
            result = result << 8 | part;
            part = 0;
            digits = 0;
            dots++;
        } else {
            return 0;
        }
    }
    if (dots != 3 || digits == 0 || part > 255) return 0;
    *out = result << 8 | part;
    return 1;
}

static int hex_value(unsigned c) {
    if (c >= '0' && c <= '9') return (int)(c - '0');
    c |= 0x20;
    if (c >= 'a' && c <= 'f') return (int)(c - 'a' + 10);
    return 16;
}

/* IPv6, every RFC 4291 section 2.2 form: eight groups of 1-4 hex digits, or fewer with one "::"
 * standing for at least one zero group, optionally ending in a dotted quad. No zone, no brackets. */
static int parse_v6(const unsigned char *s, size_t n, u128 *out) {
    u128 head = 0, tail = 0;
    int count = 0, comp = -1; /* groups read; groups before "::" or -1 */
    size_t i = 0;
    if (n == 0) return 0;
    if (s[0] == ':') {
        if (n < 2 || s[1] != ':') return 0;
        comp = 0;
        i = 2;
        if (i == n) goto done;
    }
    for (;;) {
        size_t start = i;
        u32 group = 0;
        int digits = 0;
        while (i < n) {
            int d = hex_value(s[i]);
            if (d >= 16) break;
            if (digits >= 4) return 0;
            group = group << 4 | (u32)d;
            digits++;
            i++;
        }
        if (digits == 0) return 0;
        if (i < n && s[i] == '.') { /* an IPv4 tail: the group just read was its first part */
            u32 v4;
            if (count > 6 || !parse_v4(s + start, n - start, &v4)) return 0;
            if (comp < 0) head = head << 32 | v4; else tail = tail << 32 | v4;
            count += 2;
            goto done;
        }
        if (count >= 8) return 0;
        if (comp < 0) head = head << 16 | group; else tail = tail << 16 | group;
        count++;
        if (i == n) goto done;
        if (s[i] != ':') return 0;
        i++;
        if (i == n) return 0; /* a single trailing ':' */
        if (s[i] == ':') {
            if (comp >= 0) return 0; /* a second "::" */
            comp = count;
            i++;
            if (i == n) goto done;
        }
    }
done:
    if (comp < 0) {
        if (count != 8) return 0;
        *out = head;
    } else {
        if (count > 7) return 0;
        *out = comp == 0 ? tail : head << (16 * (8 - comp)) | tail;
    }
    return 1;
}

/* ---- the ranges and the index ------------------------------------------------------------------ */

typedef struct {
    char *region, *service;
} Entry;

typedef struct {
    u128 pos;
    int opens;
    int entry; /* index into the entries, or -1 for a private network */
} Event;

/* One family's elementary intervals: interval i covers [start[i], start[i + 1]) and is contained in
 * exactly the entries list[first[i] .. first[i + 1]) (ascending: file order); private[i] says whether
 * a private network covers it (used only when the list is empty). */
typedef struct {
    int n;
    u128 *start;
    u32 *start4; /* IPv4: the starts as 32-bit values */
    int *first;
    int *list;
    unsigned char *private;
    Event *events;
    int nevents, cap;
    int bucket[65537]; /* IPv4: interval containing (h << 16), for h = 0 .. 65535; [65536] = n - 1 */
} Family;

static Entry *entries;
static int nentries, capentries;
static Family fam4, fam6;

static void add_block(Family *f, u128 first, u128 last, u128 max, int entry) {
    if (f->nevents + 2 > f->cap) {
        f->cap = f->cap ? 2 * f->cap : 1024;
        f->events = xrealloc(f->events, (size_t)f->cap * sizeof(Event));
    }
    f->events[f->nevents++] = (Event){first, 1, entry};
    if (last != max) f->events[f->nevents++] = (Event){last + 1, 0, entry};
}

/* A CIDR: address "/" length, host bits clear. Returns 4 or 6, or 0 when it is not one. */
static int parse_cidr(const char *text, u128 *first, u128 *last) {
    const char *slash = strchr(text, '/');
    if (!slash || slash[1] == 0) return 0;
    int len = 0;
    for (const char *p = slash + 1; *p; p++) {
        if (*p < '0' || *p > '9' || len > 128) return 0;
        len = len * 10 + (*p - '0');
    }
    size_t n = (size_t)(slash - text);
    u32 v4;
    u128 v6;
    if (parse_v4((const unsigned char *)text, n, &v4)) {
        if (len > 32) return 0;
        u32 host = len == 0 ? 0xFFFFFFFFu : len == 32 ? 0 : 0xFFFFFFFFu >> len;
        if (v4 & host) return 0;
        *first = v4;
        *last = v4 | host;
        return 4;
    }
    if (parse_v6((const unsigned char *)text, n, &v6)) {
        if (len > 128) return 0;
        u128 host = len == 0 ? ~(u128)0 : len == 128 ? 0 : ~(u128)0 >> len;
        if (v6 & host) return 0;
        *first = v6;
        *last = v6 | host;
        return 6;
    }
    return 0;
}

static const char *private_networks[] = {"10.0.0.0/8",     "172.16.0.0/12", "192.168.0.0/16",
                                         "100.64.0.0/10",  "169.254.0.0/16", "127.0.0.0/8",
                                         "fc00::/7",       "fe80::/10",      "::1/128"};

static void load_ranges(const char *path) {
    FILE *in = fopen(path, "r");
    if (!in) die(66, "cannot open the ranges file %s", path);
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    while ((got = getline(&line, &cap, in)) > 0) {
        if (line[got - 1] == '\n') line[--got] = 0;
        if (got == 0) continue;
        char *tab1 = strchr(line, '\t');
        char *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
        if (!tab2 || strchr(tab2 + 1, '\t')) die(65, "ranges line is not cidr<TAB>region<TAB>service: %s", line);
        *tab1 = 0;
        *tab2 = 0;
        u128 first, last;
        int family = parse_cidr(line, &first, &last);
        if (!family) die(65, "not a CIDR with host bits clear: %s", line);
        if (nentries == capentries) {
            capentries = capentries ? 2 * capentries : 4096;
            entries = xrealloc(entries, (size_t)capentries * sizeof(Entry));
        }
        entries[nentries] = (Entry){strdup(tab1 + 1), strdup(tab2 + 1)};
        if (family == 4) add_block(&fam4, first, last, 0xFFFFFFFFu, nentries);
        else add_block(&fam6, first, last, ~(u128)0, nentries);
        nentries++;
    }
    free(line);
    fclose(in);
    for (size_t i = 0; i < sizeof private_networks / sizeof *private_networks; i++) {
        u128 first, last;
        if (parse_cidr(private_networks[i], &first, &last) == 4) add_block(&fam4, first, last, 0xFFFFFFFFu, -1);
        else add_block(&fam6, first, last, ~(u128)0, -1);
    }
}

static int by_position(const void *a, const void *b) {
    u128 x = ((const Event *)a)->pos, y = ((const Event *)b)->pos;
    return x < y ? -1 : x > y;
}

/* The sweep: events sorted by position; at each position where something opens or closes, a new
 * interval starts with the entries open there. The first interval starts at 0. */
static void build(Family *f, int is_v4) {
    qsort(f->events, (size_t)f->nevents, sizeof(Event), by_position);
    int *active = xmalloc((size_t)(nentries + 1) * sizeof(int));
    int nactive = 0, private_depth = 0, capn = 1024, capl = 4096, nlist = 0;
    f->n = 0;
    f->start = xmalloc((size_t)capn * sizeof(u128));
    f->first = xmalloc((size_t)(capn + 1) * sizeof(int));
    f->private = xmalloc((size_t)capn);
    f->list = xmalloc((size_t)capl * sizeof(int));
    int e = 0;
    u128 pos = 0;
    for (;;) {
        while (e < f->nevents && f->events[e].pos == pos) {
            Event ev = f->events[e++];
            if (ev.entry < 0) {
                private_depth += ev.opens ? 1 : -1;
            } else if (ev.opens) { /* insert, keeping file order */
                int k = nactive++;
                while (k > 0 && active[k - 1] > ev.entry) { active[k] = active[k - 1]; k--; }
                active[k] = ev.entry;
            } else {
                int k = 0;
                while (k < nactive && active[k] != ev.entry) k++;
                if (k < nactive) {
                    memmove(active + k, active + k + 1, (size_t)(nactive - k - 1) * sizeof(int));
                    nactive--;
                }
            }
        }
        if (f->n + 1 >= capn) {
            capn *= 2;
            f->start = xrealloc(f->start, (size_t)capn * sizeof(u128));
            f->first = xrealloc(f->first, (size_t)(capn + 1) * sizeof(int));
            f->private = xrealloc(f->private, (size_t)capn);
        }
        if (nlist + nactive > capl) {
            while (nlist + nactive > capl) capl *= 2;
            f->list = xrealloc(f->list, (size_t)capl * sizeof(int));
        }
        f->start[f->n] = pos;
        f->first[f->n] = nlist;
        f->private[f->n] = private_depth > 0;
        memcpy(f->list + nlist, active, (size_t)nactive * sizeof(int));
        nlist += nactive;
        f->n++;
        if (e >= f->nevents) break;
        pos = f->events[e].pos;
    }
    f->first[f->n] = nlist;
    free(active);
    free(f->events);
    f->events = NULL;
    if (is_v4) {
        f->start4 = xmalloc((size_t)f->n * sizeof(u32));
        for (int i = 0; i < f->n; i++) f->start4[i] = (u32)f->start[i];
        int i = 0;
        for (u32 h = 0; h < 65536; h++) {
            while (i + 1 < f->n && f->start4[i + 1] <= h << 16) i++;
            f->bucket[h] = i;
        }
        f->bucket[65536] = f->n - 1;
    }
}

/* The interval containing an IPv4 address: the last start <= a, searched between the intervals
 * containing a's /16 and the next /16. */
static inline int lookup4(u32 a) {
    const u32 *start = fam4.start4;
    int lo = fam4.bucket[a >> 16], hi = fam4.bucket[(a >> 16) + 1]; /* answer in [lo, hi] */
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (start[mid] <= a) lo = mid; else hi = mid - 1;
    }
    return lo;
}

static inline int lookup6(u128 a) {
    const u128 *start = fam6.start;
    int lo = 0, hi = fam6.n - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (start[mid] <= a) lo = mid; else hi = mid - 1;
    }
    return lo;
}

/* ---- the records ------------------------------------------------------------------------------- */

typedef struct {
    u64 flows, packets, bytes;
} Counter;

typedef struct {
    const unsigned char *begin, *end; /* whole lines */
    Counter *counts;                  /* [2][fam4.n + fam6.n]: side 0 src, 1 dst */
    pthread_t thread;
} Piece;

static int nclasses; /* fam4.n + fam6.n: IPv6 intervals come after the IPv4 ones */

/* "-" (0) or an unsigned decimal that fits in 64 bits. */
static inline int parse_count(const unsigned char *s, size_t n, u64 *out) {
    if (n == 1 && s[0] == '-') { *out = 0; return 1; }
    size_t i = 0;
    while (i + 1 < n && s[i] == '0') i++; /* leading zeros do not count towards the 20 digits */
    if (n - i > 20) return 0;
    u64 v = 0;
    for (; i < n; i++) {
        unsigned d = s[i] - '0';
        if (d > 9) return 0;
        if (v > UINT64_MAX / 10 || (v == UINT64_MAX / 10 && d > UINT64_MAX % 10)) return 0; /* > 2^64 - 1 */
        v = v * 10 + d;
    }
    *out = v;
    return 1;
}

static inline int is_missing_or_decimal(const unsigned char *s, size_t n) {
    u64 ignored;
    return parse_count(s, n, &ignored);
}

static inline int address_class(const unsigned char *s, size_t n, int *cls) {
    u32 v4;
    u128 v6;
    if (parse_v4(s, n, &v4)) { *cls = lookup4(v4); return 1; }
    if (!parse_v6(s, n, &v6)) return 0;
    if ((v6 >> 32) == 0xFFFF) *cls = lookup4((u32)v6); /* IPv4-mapped: looked up as IPv4 */
    else *cls = fam4.n + lookup6(v6);
    return 1;
}

/* The default format's columns that are read, and how many there are. */
enum {
    F_SRC = 3, F_DST = 4, F_PACKETS = 8, F_BYTES = 9, F_START = 10, F_END = 11, F_ACTION = 12, F_STATUS = 13,
    NFIELDS = 14
};

/* Counts the line at p, which ends with an LF (the caller guarantees one: it is the sentinel that
 * ends every scan). Returns the start of the next line.
 *
 * One pass: runs of spaces and tabs separate fields; a field runs to the next space, tab or LF (any
 * other byte, CR and control bytes included, is part of it, except one CR just before the LF). */
static inline const unsigned char *count_line(const unsigned char *p, Counter *counts) {
    const unsigned char *fs[NFIELDS];
    size_t fl[NFIELDS];
    int nf = 0;
    for (;;) {
        while (*p == ' ' || *p == '\t') p++;
        if (*p == '\n') break;
        const unsigned char *start = p;
        for (;;) {
            while (*p > ' ') p++;
            if (*p == ' ' || *p == '\t' || *p == '\n') break;
            p++; /* a control byte inside the field */
        }
        const unsigned char *field_end = p;
        if (*p == '\n' && field_end[-1] == '\r') field_end--; /* CRLF: the CR is the line end's */
        if (field_end == start) continue;                      /* only that CR */
        if (nf < NFIELDS) {
            fs[nf] = start;
            fl[nf] = (size_t)(field_end - start);
        }
        nf++;
    }
    const unsigned char *next = p + 1;
    if (nf != NFIELDS) return next; /* blank, too few or too many fields */
    if (fl[F_STATUS] != 2 || fs[F_STATUS][0] != 'O' || fs[F_STATUS][1] != 'K') return next; /* NODATA, SKIPDATA, junk */
    int src, dst;
    u64 packets, bytes;
    if (!address_class(fs[F_SRC], fl[F_SRC], &src) || !address_class(fs[F_DST], fl[F_DST], &dst)) return next;
    if (!parse_count(fs[F_PACKETS], fl[F_PACKETS], &packets) || !parse_count(fs[F_BYTES], fl[F_BYTES], &bytes))
        return next;
    if (!is_missing_or_decimal(fs[F_START], fl[F_START]) || !is_missing_or_decimal(fs[F_END], fl[F_END])) return next;
    const unsigned char *a = fs[F_ACTION];
    size_t an = fl[F_ACTION];
    if (!((an == 6 && (memcmp(a, "ACCEPT", 6) == 0 || memcmp(a, "REJECT", 6) == 0)) || (an == 1 && a[0] == '-')))
        return next;
    Counter *c = &counts[src];
    c->flows += 1;
    c->packets += packets;
    c->bytes += bytes;
    c = &counts[nclasses + dst];
    c->flows += 1;
    c->packets += packets;
    c->bytes += bytes;
    return next;
}

/* A piece is whole lines. Every line but possibly the file's last ends with an LF; that last one
 * (no LF at the end of the file) is copied and given one, so that every scan stops at an LF. */
static void *count_piece(void *arg) {
    Piece *piece = arg;
    const unsigned char *p = piece->begin, *end = piece->end;
    const unsigned char *last = end;
    while (last > p && last[-1] != '\n') last--; /* just after the piece's last LF */
    while (p < last) p = count_line(p, piece->counts);
    if (last < end) {
        size_t n = (size_t)(end - last);
        unsigned char *copy = xmalloc(n + 1);
        memcpy(copy, last, n);
        copy[n] = '\n';
        count_line(copy, piece->counts);
        free(copy);
    }
    return NULL;
}

/* ---- the header -------------------------------------------------------------------------------- */

static const char *v2_fields[NFIELDS] = {"version", "account-id", "interface-id", "srcaddr", "dstaddr",
                                         "srcport", "dstport",    "protocol",     "packets", "bytes",
                                         "start",   "end",        "action",       "log-status"};

/* Whether the line is the default-format header: the 14 names in order, any case, '_' for '-',
 * optionally ${...}-wrapped, separated by spaces or tabs. */
static int is_v2_header(const unsigned char *p, const unsigned char *end) {
    int nf = 0;
    while (p < end) {
        while (p < end && (*p == ' ' || *p == '\t')) p++;
        if (p == end) break;
        const unsigned char *q = p;
        while (q < end && *q != ' ' && *q != '\t') q++;
        const unsigned char *a = p, *b = q;
        if (b - a > 3 && a[0] == '$' && a[1] == '{' && b[-1] == '}') { a += 2; b--; }
        if (nf >= NFIELDS || (size_t)(b - a) != strlen(v2_fields[nf])) return 0;
        for (size_t i = 0; a + i < b; i++) {
            unsigned c = a[i] == '_' ? '-' : a[i];
            if (c >= 'A' && c <= 'Z') c |= 0x20;
            if (c != (unsigned char)v2_fields[nf][i]) return 0;
        }
        nf++;
        p = q;
    }
    return nf == NFIELDS;
}

/* ---- the report -------------------------------------------------------------------------------- */

typedef struct {
    const char *side, *region, *service;
    u64 flows, packets, bytes;
} Row;

static int by_key(const void *a, const void *b) {
    const Row *x = a, *y = b;
    int c = strcmp(x->side, y->side);
    if (!c) c = strcmp(x->region, y->region);
    if (!c) c = strcmp(x->service, y->service);
    return c;
}

static int by_report_order(const void *a, const void *b) {
    const Row *x = a, *y = b;
    if (x->bytes != y->bytes) return x->bytes > y->bytes ? -1 : 1;
    return by_key(a, b);
}

/* A CSV field as vpcflow writes it: quoted (with doubled quotes) if it holds , " CR or LF. */
static void put_field(FILE *out, const char *s) {
    if (!strpbrk(s, ",\"\r\n")) { fputs(s, out); return; }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"') fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static void write_report(const Counter *counts, const char *path) {
    static const char *sides[2] = {"src", "dst"};
    size_t nrows = 0, caprows = 4096;
    Row *rows = xmalloc(caprows * sizeof(Row));
    for (int side = 0; side < 2; side++) {
        for (int c = 0; c < nclasses; c++) {
            const Counter *k = &counts[side * nclasses + c];
            if (k->flows == 0) continue;
            const Family *f = c < fam4.n ? &fam4 : &fam6;
            int i = c < fam4.n ? c : c - fam4.n;
            int from = f->first[i], to = f->first[i + 1];
            int nkeys = to > from ? to - from : 1;
            if (nrows + (size_t)nkeys > caprows) {
                while (nrows + (size_t)nkeys > caprows) caprows *= 2;
                rows = xrealloc(rows, caprows * sizeof(Row));
            }
            if (to == from) {
                const char *service = f->private[i] ? "PRIVATE" : "INTERNET";
                rows[nrows++] = (Row){sides[side], "-", service, k->flows, k->packets, k->bytes};
            } else {
                for (int j = from; j < to; j++) {
                    const Entry *e = &entries[f->list[j]];
                    rows[nrows++] = (Row){sides[side], e->region, e->service, k->flows, k->packets, k->bytes};
                }
            }
        }
    }
    qsort(rows, nrows, sizeof(Row), by_key);
    size_t n = 0;
    for (size_t i = 0; i < nrows; i++) {
        if (n > 0 && by_key(&rows[n - 1], &rows[i]) == 0) {
            rows[n - 1].flows += rows[i].flows;
            rows[n - 1].packets += rows[i].packets;
            rows[n - 1].bytes += rows[i].bytes;
        } else {
            rows[n++] = rows[i];
        }
    }
    qsort(rows, n, sizeof(Row), by_report_order);
    FILE *out = fopen(path, "w");
    if (!out) die(74, "cannot write %s", path);
    fputs("side,region,service,flows,packets,bytes\n", out);
    for (size_t i = 0; i < n; i++) {
        put_field(out, rows[i].side);
        fputc(',', out);
        put_field(out, rows[i].region);
        fputc(',', out);
        put_field(out, rows[i].service);
        fprintf(out, ",%llu,%llu,%llu\n", (unsigned long long)rows[i].flows, (unsigned long long)rows[i].packets,
                (unsigned long long)rows[i].bytes);
    }
    if (ferror(out) | fclose(out)) die(74, "error writing %s", path);
    free(rows);
}

/* ---- main -------------------------------------------------------------------------------------- */

static void usage(void) {
    fprintf(stderr, "usage: flowsum --ranges RANGES.txt --output SERVICES.csv [--jobs J] [--info INFO.json] FILE\n"
                    "  RANGES.txt: cidr<TAB>region<TAB>service per line (ranges_to_text.py ip-ranges.json RANGES.txt)\n"
                    "  FILE: a default-format (version 2) flow log with its header line, plain text\n"
                    "  --jobs J: threads (default: the online processors)\n");
    exit(64);
}

int main(int argc, char **argv) {
    const char *ranges = NULL, *output = NULL, *info = NULL, *file = NULL;
    long jobs = 0;
    for (int i = 1; i < argc; i++) {
        if (i + 1 < argc && strcmp(argv[i], "--ranges") == 0) ranges = argv[++i];
        else if (i + 1 < argc && strcmp(argv[i], "--output") == 0) output = argv[++i];
        else if (i + 1 < argc && strcmp(argv[i], "--info") == 0) info = argv[++i];
        else if (i + 1 < argc && strcmp(argv[i], "--jobs") == 0) {
            char *rest;
            jobs = strtol(argv[++i], &rest, 10);
            if (*rest || jobs < 0 || jobs > 1024) usage();
        } else if (argv[i][0] == '-' && argv[i][1] != 0) usage();
        else if (!file) file = argv[i];
        else usage();
    }
    if (!ranges || !output || !file) usage();
    if (jobs == 0) jobs = sysconf(_SC_NPROCESSORS_ONLN);
    if (jobs < 1) jobs = 1;

    load_ranges(ranges);
    build(&fam4, 1);
    build(&fam6, 0);
    nclasses = fam4.n + fam6.n;

    int fd = open(file, O_RDONLY);
    if (fd < 0) die(66, "cannot open %s", file);
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) die(66, "%s is not a regular file", file);
    size_t size = (size_t)st.st_size;
    const unsigned char *data = NULL;
    if (size > 0) {
        void *m = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m == MAP_FAILED) die(74, "cannot map %s", file);
        madvise(m, size, MADV_SEQUENTIAL);
        data = m;
    }
    close(fd);
    const unsigned char *end = data + size;

    /* The first non-blank line must be the default-format header. */
    const unsigned char *p = data;
    if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b)
        die(65, "%s is gzip; this program reads plain text only", file);
    for (;;) {
        if (p >= end) break; /* no lines: an empty report */
        const unsigned char *nl = memchr(p, '\n', (size_t)(end - p));
        const unsigned char *line_end = nl ? nl : end;
        const unsigned char *content_end = line_end > p && line_end[-1] == '\r' ? line_end - 1 : line_end;
        const unsigned char *q = p;
        while (q < content_end && (*q == ' ' || *q == '\t')) q++;
        if (q == content_end) { p = nl ? nl + 1 : end; continue; } /* a blank line */
        if (!is_v2_header(p, content_end))
            die(65, "%s: the first line is not the default (version 2) header; only that format is supported", file);
        break;
    }

    /* J pieces at line boundaries: a line belongs to the piece its first byte is in. */
    Piece *pieces = xmalloc((size_t)jobs * sizeof(Piece));
    const unsigned char *cut = data;
    for (long j = 0; j < jobs; j++) {
        const unsigned char *next = end;
        if (j + 1 < jobs) {
            next = data + (size_t)((u128)size * (u64)(j + 1) / (u64)jobs);
            if (next < cut) next = cut;
            if (next > data && next < end) { /* to the start of the next line at or after `next` */
                const unsigned char *nl = memchr(next - 1, '\n', (size_t)(end - (next - 1)));
                next = nl ? nl + 1 : end;
            }
        }
        pieces[j].begin = cut;
        pieces[j].end = next;
        pieces[j].counts = calloc((size_t)nclasses * 2, sizeof(Counter));
        if (!pieces[j].counts) die(70, "out of memory%s", "");
        cut = next;
    }
    for (long j = 1; j < jobs; j++)
        if (pthread_create(&pieces[j].thread, NULL, count_piece, &pieces[j]) != 0)
            die(71, "cannot start a thread%s", "");
    count_piece(&pieces[0]);
    for (long j = 1; j < jobs; j++) pthread_join(pieces[j].thread, NULL);

    Counter *total = pieces[0].counts;
    for (long j = 1; j < jobs; j++) {
        for (int c = 0; c < 2 * nclasses; c++) {
            total[c].flows += pieces[j].counts[c].flows;
            total[c].packets += pieces[j].counts[c].packets;
            total[c].bytes += pieces[j].counts[c].bytes;
        }
    }
    write_report(total, output);

    if (info) {
        FILE *f = fopen(info, "w");
        if (!f) die(74, "cannot write %s", info);
        fprintf(f, "{\"tool\": \"c-baseline\", \"version\": \"%s\", \"cores\": %ld}\n", COMPILER, jobs);
        if (ferror(f) | fclose(f)) die(74, "error writing %s", info);
    }
    return 0;
}
