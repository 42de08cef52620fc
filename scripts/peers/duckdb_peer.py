#!/usr/bin/env python3
"""DuckDB peer: services.csv with all-attribution, in SQL.

read_csv of the flow log (space delimiter, header), addresses parsed to integers in SQL (IPv4 in the low
32 bits, IPv6 as UHUGEINT, family kept apart), ip-ranges.json read with read_json, and a range join of
the addresses against the prefixes' [first, last] intervals.

--method asof (default, the faster): the prefixes (plus the private networks) are cut into disjoint
  elementary intervals in SQL; every address finds its interval with an ASOF join (fam equal, ip >= lo),
  counts are grouped per interval, and only then expanded to every entry containing that interval.
--method between: the textbook range join, addresses LEFT JOIN entries ON ip BETWEEN lo AND hi
  (DuckDB plans an IEJoin); unmatched addresses classified PRIVATE/INTERNET in SQL.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

import duckdb  # noqa: E402

MACROS = r"""
CREATE MACRO v4int(s) AS
      (split_part(s, '.', 1)::UBIGINT << 24) | (split_part(s, '.', 2)::UBIGINT << 16)
    | (split_part(s, '.', 3)::UBIGINT << 8) | split_part(s, '.', 4)::UBIGINT;
CREATE MACRO hexgroups(part) AS CASE WHEN part = '' THEN []::VARCHAR[] ELSE string_split(part, ':') END;
CREATE MACRO groupsval(l) AS list_reduce(l, lambda acc, g: (acc << 16) | ('0x' || g)::UHUGEINT, 0::UHUGEINT);
CREATE MACRO v6int(s) AS CASE
    WHEN NOT contains(s, '::') THEN groupsval(string_split(s, ':'))
    WHEN starts_with(s, '::') THEN groupsval(hexgroups(split_part(s, '::', 2)))
    ELSE (groupsval(hexgroups(split_part(s, '::', 1))) << (16 * (8 - len(hexgroups(split_part(s, '::', 1)))))::UHUGEINT)
         | groupsval(hexgroups(split_part(s, '::', 2)))
    END;
-- ::ffff:a.b.c.d is looked up as IPv4 (vpcflow's rule)
CREATE MACRO ismapped(s) AS contains(s, '.') AND lower(s) LIKE '::ffff:%';
CREATE MACRO addrfam(s) AS CASE WHEN contains(s, ':') AND NOT ismapped(s) THEN 6 ELSE 4 END;
CREATE MACRO addrint(s) AS CASE
    WHEN NOT contains(s, ':') THEN v4int(s)::UHUGEINT
    WHEN ismapped(s) THEN v4int(substr(s, 8))::UHUGEINT
    ELSE v6int(lower(s)) END;
CREATE MACRO hostmask(fam, len) AS CASE
    WHEN fam = 4 THEN ((1::UHUGEINT << (32 - len)::UHUGEINT) - 1)
    WHEN len = 0 THEN ~(0::UHUGEINT)
    ELSE (~(0::UHUGEINT)) >> len::UHUGEINT END;
CREATE MACRO isprivate(fam, ip) AS CASE WHEN fam = 4 THEN
        (ip >> 24) = 10 OR (ip >> 20) = 2753 OR (ip >> 16) = 49320 OR (ip >> 22) = 401
        OR (ip >> 16) = 43518 OR (ip >> 24) = 127
    ELSE (ip >> 121) = 126 OR (ip >> 118) = 1018 OR ip = 1 END;
"""

# 172.16/12 -> 0xAC1 = 2753; 192.168/16 -> 0xC0A8 = 49320; 100.64/10 -> 100*4+1 = 401;
# 169.254/16 -> 0xA9FE = 43518; fc00::/7 -> 0x7E = 126; fe80::/10 -> 0x3FA = 1018.

PRIVATE_SQL = " UNION ALL ".join(
    f"SELECT {4 if ':' not in c else 6} AS fam, '{c}' AS cidr" for c in common.PRIVATE_V4 + common.PRIVATE_V6)


def ranges_sql(path):
    p = path.replace("'", "''")
    return f"""
CREATE TEMP TABLE r AS
WITH doc AS (SELECT prefixes, ipv6_prefixes FROM read_json('{p}', maximum_object_size = 1000000000)),
e AS (
    SELECT 4 AS fam, x.ip_prefix AS cidr, x.region, x.service FROM (SELECT unnest(prefixes) AS x FROM doc)
    UNION ALL
    SELECT 6, lower(x.ipv6_prefix), x.region, x.service FROM (SELECT unnest(ipv6_prefixes) AS x FROM doc)),
p AS (SELECT fam, addrint(split_part(cidr, '/', 1)) AS net, split_part(cidr, '/', 2)::INTEGER AS len,
             region, service FROM e)
SELECT fam, len, net AS lo, net | hostmask(fam, len) AS hi, region, service FROM p;
CREATE TEMP TABLE priv AS
WITH p AS (SELECT fam, addrint(split_part(cidr, '/', 1)) AS net, split_part(cidr, '/', 2)::INTEGER AS len
           FROM ({PRIVATE_SQL}))
SELECT fam, net AS lo, net | hostmask(fam, len) AS hi FROM p;
"""


# Elementary intervals: every boundary of every prefix and private network; each interval either lies
# inside a prefix entirely or not at all, so "lo in prefix" decides for the whole interval.
INTERVALS_SQL = """
CREATE TEMP TABLE iv AS
WITH b AS (
    SELECT fam, lo AS b FROM r UNION SELECT fam, hi + 1 FROM r WHERE hi < CASE WHEN fam = 4 THEN 4294967295::UHUGEINT ELSE ~(0::UHUGEINT) END
    UNION SELECT fam, lo FROM priv UNION SELECT fam, hi + 1 FROM priv WHERE hi < CASE WHEN fam = 4 THEN 4294967295::UHUGEINT ELSE ~(0::UHUGEINT) END
    UNION SELECT 4, 0::UHUGEINT UNION SELECT 6, 0::UHUGEINT)
SELECT fam, b AS lo, row_number() OVER (ORDER BY fam, b) AS id FROM b;
-- An interval lies inside an entry iff its start does: an equality join on the start masked to each
-- prefix length that occurs in the family. One row per (interval, entry containing it), duplicates
-- kept; an interval in no entry gets one row, '-' and PRIVATE or INTERNET.
CREATE TEMP TABLE ivr AS
WITH m AS (
    SELECT iv.id, iv.fam, L.len, iv.lo & ~hostmask(iv.fam, L.len) AS net
    FROM iv JOIN (SELECT DISTINCT fam, len FROM r) AS L ON iv.fam = L.fam)
SELECT m.id, r.region, r.service FROM m JOIN r ON m.fam = r.fam AND m.len = r.len AND m.net = r.lo;
CREATE TEMP TABLE iv_rows AS
SELECT id, region, service FROM ivr
UNION ALL
SELECT id, '-', CASE WHEN isprivate(fam, lo) THEN 'PRIVATE' ELSE 'INTERNET' END FROM iv
WHERE id NOT IN (SELECT id FROM ivr);
"""


def records_sql(path):
    p = path.replace("'", "''")
    cols = ", ".join(f"'{c.replace('-', '_')}': '{t}'" for c, t in zip(
        common.V2_COLUMNS,
        ["VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR",
         "BIGINT", "BIGINT", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR"]))
    return f"""
rec AS (
    SELECT srcaddr, dstaddr, coalesce(packets, 0) AS packets, coalesce(bytes, 0) AS bytes
    FROM read_csv('{p}', delim = ' ', header = true, auto_detect = false, nullstr = '-',
                  quote = '', escape = '', columns = {{{cols}}})
    WHERE log_status = 'OK'),
sides AS (
    SELECT unnest(['src', 'dst']) AS side, unnest([srcaddr, dstaddr]) AS a, packets, bytes FROM rec),
-- IPv4 split once (string_split is about twice as fast as four split_part calls); IPv6 by the macro
pre AS (
    SELECT side, a, addrfam(a) AS fam,
           string_split(CASE WHEN ismapped(a) THEN substr(a, 8) ELSE a END, '.') AS l, packets, bytes
    FROM sides),
addrs AS (
    SELECT side, fam,
           CASE WHEN fam = 4 THEN ((l[1]::UBIGINT << 24) | (l[2]::UBIGINT << 16) | (l[3]::UBIGINT << 8)
                                   | l[4]::UBIGINT)::UHUGEINT
                ELSE v6int(lower(a)) END AS ip,
           packets, bytes
    FROM pre)
"""


def query_asof(path):
    return f"""
WITH {records_sql(path)},
g AS (
    SELECT a.side, iv.id, count(*) AS flows, sum(a.packets) AS packets, sum(a.bytes) AS bytes
    FROM addrs a ASOF JOIN iv ON a.fam = iv.fam AND a.ip >= iv.lo
    GROUP BY ALL)
SELECT g.side, e.region, e.service, sum(g.flows), sum(g.packets), sum(g.bytes)
FROM g JOIN iv_rows e ON g.id = e.id GROUP BY ALL
"""


def query_between(path):
    return f"""
WITH {records_sql(path)}
SELECT a.side,
       coalesce(r.region, '-') AS region,
       coalesce(r.service, CASE WHEN isprivate(a.fam, a.ip) THEN 'PRIVATE' ELSE 'INTERNET' END) AS service,
       count(*), sum(a.packets), sum(a.bytes)
FROM addrs a LEFT JOIN r ON a.fam = r.fam AND a.ip BETWEEN r.lo AND r.hi
GROUP BY ALL
"""


def main():
    args = common.parse_args(__doc__.splitlines()[0], extra=lambda p: p.add_argument(
        "--method", choices=["asof", "between"], default="asof"))
    sw = common.Stopwatch()
    con = duckdb.connect()
    if args.jobs:
        con.execute(f"SET threads = {int(args.jobs)}")
    # Without this, DuckDB may run the ASOF join as a nested loop (it misjudges the unnested side as tiny).
    con.execute("SET asof_loop_join_threshold = 0")
    threads = int(con.sql("SELECT current_setting('threads')").fetchall()[0][0])
    con.execute(MACROS)
    con.execute(ranges_sql(args.ranges))
    sw.lap("ranges loaded")
    if args.method == "asof":
        con.execute(INTERVALS_SQL)
        sw.lap("intervals built")
        rows = con.sql(query_asof(args.file)).fetchall()
    else:
        rows = con.sql(query_between(args.file)).fetchall()
    sw.lap("query done")
    common.write_services(rows, args.output)
    common.write_info(args, "duckdb", duckdb.__version__, threads, method=args.method)
    sw.lap("written")


if __name__ == "__main__":
    main()
