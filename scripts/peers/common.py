"""Shared by the peer scripts: command line, the expected input header, the private networks, and the
services.csv writer (vpcflow's exact format and order). The per-record work is never done here: each
peer does it with its own engine."""

import argparse
import json
import os
import sys
import time

# The only input layout the peers read: AWS's default (version 2) format with its header line.
V2_HEADER = ("version account-id interface-id srcaddr dstaddr srcport dstport protocol "
             "packets bytes start end action log-status")
V2_COLUMNS = V2_HEADER.split(" ")

# Unmatched addresses in these are PRIVATE, every other unmatched address is INTERNET (DESIGN.md).
PRIVATE_V4 = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
              "169.254.0.0/16", "127.0.0.0/8"]
PRIVATE_V6 = ["fc00::/7", "fe80::/10", "::1/128"]

CSV_HEADER = "side,region,service,flows,packets,bytes\n"


def parse_args(description, jobs=True, extra=None):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("file", help="flow-log file (default v2 format, header line)")
    p.add_argument("--ranges", required=True, help="AWS ip-ranges.json")
    p.add_argument("--output", required=True, help="path of the services.csv to write")
    if jobs:
        p.add_argument("--jobs", type=int, default=0,
                       help="threads/processes to use (0: the engine's default)")
    p.add_argument("--info", help="write a JSON line with the tool's version and cores used here")
    if extra:
        extra(p)
    args = p.parse_args()
    check_header(args.file)
    return args


def check_header(path):
    with open(path, "rb") as f:
        first = f.readline().decode("ascii", "replace").rstrip("\r\n")
    if first != V2_HEADER:
        sys.exit(f"{path}: first line is not the default version-2 header; the peers read only that format")


def load_ranges(path):
    """Every entry of ip-ranges.json in file order (IPv4, then IPv6): (cidr, region, service)."""
    with open(path, "rb") as f:
        doc = json.load(f)
    out = [(p["ip_prefix"], p["region"], p["service"]) for p in doc.get("prefixes", [])]
    out += [(p["ipv6_prefix"].lower(), p["region"], p["service"]) for p in doc.get("ipv6_prefixes", [])]
    return out


def write_services(rows, path):
    """rows: iterable of (side, region, service, flows, packets, bytes). Rows with the same key are
    summed. Sorted as vpcflow sorts: bytes descending, then side, region, service as plain strings."""
    acc = {}
    for side, region, service, flows, packets, nbytes in rows:
        key = (side, region, service)
        a = acc.get(key)
        if a is None:
            acc[key] = [int(flows), int(packets), int(nbytes)]
        else:
            a[0] += int(flows); a[1] += int(packets); a[2] += int(nbytes)
    items = sorted(acc.items(), key=lambda kv: (-kv[1][2], kv[0][0].encode(), kv[0][1].encode(), kv[0][2].encode()))
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        f.write(CSV_HEADER)
        for (side, region, service), (flows, packets, nbytes) in items:
            f.write(f"{side},{region},{service},{flows},{packets},{nbytes}\n")
    os.replace(tmp, path)


def write_info(args, tool, version, cores, **more):
    if not getattr(args, "info", None):
        return
    d = {"tool": tool, "version": version, "cores": cores}
    d.update(more)
    with open(args.info, "w") as f:
        json.dump(d, f)
        f.write("\n")


class Stopwatch:
    """Phase timings on stderr when PEERS_VERBOSE=1 (never part of the measured output)."""

    def __init__(self):
        self.t0 = time.perf_counter()
        self.verbose = os.environ.get("PEERS_VERBOSE") == "1"

    def lap(self, what):
        if self.verbose:
            print(f"  [{time.perf_counter() - self.t0:8.3f} s] {what}", file=sys.stderr)
