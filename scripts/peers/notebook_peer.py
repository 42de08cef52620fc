#!/usr/bin/env python3
"""The original notebook's method: services.csv with all-attribution on a small sample.

pandas reads ip-ranges.json (every entry of prefixes[] and ipv6_prefixes[]) and the first --sample
data lines of the flow log; every source and destination address is compared with every prefix of
the list, `ipaddress.ip_address(a) in ipaddress.ip_network(p)`, as the notebook did; the matches are
counted per side, region and service with pandas. Its speed is reported as records per second of the
comparison loop, to be extrapolated to a whole file (it cannot run on one: about 17,000 comparisons
per address).

--variant literal (default): the expression exactly as above, both objects built for every comparison.
--variant prebuilt: the ip_network objects built once and the address parsed once per address, the
  comparison loop unchanged: the most a careful notebook author gets from the same method.
"""

import ipaddress
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

import pandas as pd  # noqa: E402

PRIVATE = [ipaddress.ip_network(c) for c in common.PRIVATE_V4 + common.PRIVATE_V6]


def main():
    def extra(p):
        p.add_argument("--sample", type=int, default=200, help="data lines to read from the start of the file")
        p.add_argument("--variant", choices=["literal", "prebuilt"], default="literal")
    args = common.parse_args(__doc__.splitlines()[0], jobs=False, extra=extra)
    with open(args.ranges) as f:
        doc = json.load(f)
    v4 = pd.json_normalize(doc["prefixes"]).rename(columns={"ip_prefix": "prefix"})
    v6 = pd.json_normalize(doc["ipv6_prefixes"]).rename(columns={"ipv6_prefix": "prefix"})
    prefixes = pd.concat([v4, v6], ignore_index=True)[["prefix", "region", "service"]]
    flows = pd.read_csv(args.file, sep=" ", nrows=args.sample, dtype=str)
    ok = flows[flows["log-status"] == "OK"]

    networks = [ipaddress.ip_network(p) for p in prefixes["prefix"]] if args.variant == "prebuilt" else None

    t0 = time.perf_counter()
    hits = []  # (side, region, service, packets, bytes), one per matching entry
    for rec in ok.itertuples(index=False):
        packets = int(rec.packets) if rec.packets != "-" else 0
        nbytes = int(rec.bytes) if rec.bytes != "-" else 0
        for side, a in (("src", rec.srcaddr), ("dst", rec.dstaddr)):
            ip = ipaddress.ip_address(a)
            if ip.version == 6 and ip.ipv4_mapped is not None:
                a = str(ip.ipv4_mapped)  # ::ffff:a.b.c.d is looked up as IPv4
            if networks is None:
                matched = prefixes[[ipaddress.ip_address(a) in ipaddress.ip_network(p) for p in prefixes["prefix"]]]
            else:
                addr = ipaddress.ip_address(a)
                matched = prefixes[[addr in n for n in networks]]
            if len(matched):
                for region, service in zip(matched["region"], matched["service"]):
                    hits.append((side, region, service, packets, nbytes))
            else:
                cls = "PRIVATE" if any(ipaddress.ip_address(a) in n for n in PRIVATE) else "INTERNET"
                hits.append((side, "-", cls, packets, nbytes))
    loop_seconds = time.perf_counter() - t0

    df = pd.DataFrame(hits, columns=["side", "region", "service", "packets", "bytes"])
    g = df.groupby(["side", "region", "service"], as_index=False).agg(
        flows=("packets", "size"), packets=("packets", "sum"), bytes=("bytes", "sum"))
    common.write_services(g[["side", "region", "service", "flows", "packets", "bytes"]].itertuples(index=False),
                          args.output)
    data_lines = len(flows)
    common.write_info(args, f"notebook-{args.variant}", "pandas " + pd.__version__, 1,
                      sample_lines=data_lines, ok_records=len(ok), loop_seconds=loop_seconds,
                      records_per_second=data_lines / loop_seconds if loop_seconds > 0 else None)
    print(f"notebook method ({args.variant}): {data_lines} lines ({len(ok)} OK) in {loop_seconds:.2f} s: "
          f"{data_lines / loop_seconds:.1f} records/s", file=sys.stderr)


if __name__ == "__main__":
    main()
