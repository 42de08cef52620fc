#!/usr/bin/env python3
"""ip-ranges.json -> the text flowsum reads: one `cidr<TAB>region<TAB>service` line per entry, in the
file's order (every `prefixes` entry, then every `ipv6_prefixes` entry), duplicates kept.

    python3 ranges_to_text.py ip-ranges.json ranges.txt

Standard library only. flowsum.c leaves JSON to this step on purpose (parsing JSON in C is not what
the baseline measures); scripts/bench-peers.sh runs it once before the timed runs and reports its
time separately, so c-baseline's time does NOT include reading ip-ranges.json, whereas vpcflow's and
the Python peers' times do. flowsum validates the CIDRs itself (host bits set: refused).
"""

import json
import sys


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: ranges_to_text.py IP-RANGES.json OUT.txt")
    with open(sys.argv[1], "rb") as f:
        doc = json.load(f)
    lines = []
    for key, lst in (("ip_prefix", "prefixes"), ("ipv6_prefix", "ipv6_prefixes")):
        for p in doc.get(lst, []):
            fields = (p[key], p["region"], p["service"])
            for x in fields:
                if not x or any(c in x for c in "\t\n\r"):
                    sys.exit(f"{sys.argv[1]}: {lst} entry {p!r}: empty, or a tab or line break in {x!r}")
            lines.append("\t".join(fields) + "\n")
    with open(sys.argv[2], "w", encoding="utf-8", newline="") as f:
        f.writelines(lines)


if __name__ == "__main__":
    main()
