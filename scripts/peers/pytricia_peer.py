#!/usr/bin/env python3
"""pytricia peer: services.csv with all-attribution, a Patricia trie in a Python loop.

One trie per family holds every CIDR of ip-ranges.json (all its entries kept, in file order) and the
private networks. pytricia returns the longest match only, so for every CIDR in the trie the entries
of all matching prefixes are gathered once by walking parent() up to the root: the match set of an
address is the gathered list of its longest matching CIDR. Per record: split the line, one get_key
per address, and the counts added per (side, longest matching CIDR); the CIDRs are expanded to their
entries (or PRIVATE / INTERNET) at the end. --jobs N splits the file into N byte ranges on line
boundaries, one process each (the GIL keeps one Python loop on one core).
"""

import os
import sys
from multiprocessing import get_context

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

import pytricia  # noqa: E402

SIDES = ("src", "dst")


def build(ranges):
    """(trie4, trie6, classes): classes maps each CIDR key of the tries to the list of
    (region, service) rows an address whose longest match is that CIDR counts in."""
    t4, t6 = pytricia.PyTricia(32), pytricia.PyTricia(128)
    own = {}       # cidr -> entries listed for exactly that cidr, in file order (duplicates kept)
    private = set()
    for cidr, region, service in common.load_ranges(ranges):
        own.setdefault(cidr, []).append((region, service))
    for cidr in common.PRIVATE_V4 + common.PRIVATE_V6:
        own.setdefault(cidr, [])
        private.add(cidr)
    for cidr in own:
        (t6 if ":" in cidr else t4)[cidr] = cidr
    classes = {}
    for cidr in own:
        t = t6 if ":" in cidr else t4
        rows, is_private, p = [], False, cidr
        while p is not None:  # this CIDR and every prefix containing it (values: our own CIDR text)
            mine = t[p]
            rows.extend(own[mine])
            is_private = is_private or mine in private
            p = t.parent(p)
        classes[cidr] = rows if rows else [("-", "PRIVATE" if is_private else "INTERNET")]
    return t4, t6, classes


def count_range(job):
    """Counts of the lines that start in [start, end): {(side, cidr or None): [flows, packets, bytes]}."""
    path, ranges, start, end = job
    t4, t6, _ = build(ranges)
    get4, get6 = t4.get, t6.get  # the value is the longest matching CIDR, as we wrote it
    acc = {}
    with open(path, "rb") as f:
        if start:
            f.seek(start - 1)
            f.readline()  # lines belong to the range their first byte is in
        pos = f.tell()
        for line in f:
            pos += len(line)
            parts = line.split(b" ")
            if len(parts) == 14 and (parts[13] == b"OK\n" or parts[13] == b"OK"):
                packets = int(parts[8]) if parts[8] != b"-" else 0
                nbytes = int(parts[9]) if parts[9] != b"-" else 0
                for side, raw in ((0, parts[3]), (1, parts[4])):
                    a = raw.decode()
                    if ":" not in a:
                        key = get4(a)
                    elif "." in a and a.lower().startswith("::ffff:"):
                        key = get4(a[7:])  # IPv4-mapped: looked up as IPv4
                    else:
                        key = get6(a)
                    k = (side, key)
                    c = acc.get(k)
                    if c is None:
                        acc[k] = [1, packets, nbytes]
                    else:
                        c[0] += 1
                        c[1] += packets
                        c[2] += nbytes
            if pos >= end:
                break
    return acc


def main():
    args = common.parse_args(__doc__.splitlines()[0])
    sw = common.Stopwatch()
    jobs = max(1, args.jobs or 1)
    size = os.path.getsize(args.file)
    cuts = [size * i // jobs for i in range(jobs + 1)]
    work = [(args.file, args.ranges, cuts[i], cuts[i + 1]) for i in range(jobs) if cuts[i] < cuts[i + 1]]
    if len(work) <= 1:
        parts = [count_range(w) for w in work]
    else:
        with get_context("fork").Pool(len(work)) as pool:
            parts = pool.map(count_range, work)
    sw.lap("records counted")
    _, _, classes = build(args.ranges)
    rows = []
    for part in parts:
        for (side, key), (flows, packets, nbytes) in part.items():
            for region, service in classes[key] if key is not None else [("-", "INTERNET")]:
                rows.append((SIDES[side], region, service, flows, packets, nbytes))
    common.write_services(rows, args.output)
    common.write_info(args, "pytricia", pytricia_version(), len(work))
    sw.lap("written")


def pytricia_version():
    try:
        from importlib.metadata import version
        return version("pytricia")
    except Exception:
        return "?"


if __name__ == "__main__":
    main()
