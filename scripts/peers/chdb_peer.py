#!/usr/bin/env python3
"""ClickHouse in-process (chdb) peer: services.csv with all-attribution, in ClickHouse SQL.

The flow log is read with file(..., 'LineAsString') and splitByChar(' ') (ClickHouse's CSV and
CustomSeparated readers do not take a space delimiter with raw strings); every address is parsed with
toIPv6 (an IPv4 address becomes ::ffff:a.b.c.d, so a written ::ffff:a.b.c.d is IPv4 too, as in vpcflow)
and used as a UInt128, with the family kept apart. ip-ranges.json is read with JSONExtract,
IPv4CIDRToRange / IPv6CIDRToRange give each entry's [first, last].

The range join: the prefixes and the private networks are cut into disjoint elementary intervals;
each interval's entries are found with an equality join on (family, prefix length, masked start);
every address finds its interval with an ASOF JOIN (family equal, ip >= start); counts are grouped
per interval and only then expanded to every entry that contains it (duplicates counted, as the
all-attribution range join does). An ip_trie dictionary was not used: it returns one (longest) match,
and all-attribution needs every match.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

import chdb  # noqa: E402

U128_MAX = "toUInt128('340282366920938463463374607431768211455')"
V4_BASE = "toUInt128(281470681743360)"  # 0xffff << 32: start of ::ffff:0:0/96


def sql_str(s):
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


def setup_sql(ranges):
    priv = ", ".join(f"({4 if ':' not in c else 6}, {sql_str(c)}, '-', '-')"
                     for c in common.PRIVATE_V4 + common.PRIVATE_V6)
    return [
        # Every entry in file order; (fam, pl, lo, hi) in the one UInt128 space of toIPv6 (IPv4 mapped).
        f"""
CREATE TABLE e ENGINE = Memory AS
SELECT fam, cidr, region, service FROM (
    SELECT 4 AS fam, p.1 AS cidr, p.2 AS region, p.3 AS service
    FROM file({sql_str(ranges)}, 'JSONAsString')
    ARRAY JOIN JSONExtract(json, 'prefixes', 'Array(Tuple(ip_prefix String, region String, service String))') AS p
    UNION ALL
    SELECT 6, lower(p.1), p.2, p.3
    FROM file({sql_str(ranges)}, 'JSONAsString')
    ARRAY JOIN JSONExtract(json, 'ipv6_prefixes', 'Array(Tuple(ipv6_prefix String, region String, service String))') AS p)
""",
        f"""
CREATE TABLE r ENGINE = Memory AS
SELECT fam, pl, lo, hi, region, service, is_private FROM (
    SELECT fam, region, service, is_private,
           toUInt8(splitByChar('/', cidr)[2]) AS len,
           if(fam = 4, 96 + len, len) AS pl,
           if(fam = 4,
              bitOr({V4_BASE}, toUInt128(toUInt32(IPv4CIDRToRange(toIPv4(splitByChar('/', cidr)[1]), len).1))),
              toUInt128(IPv6CIDRToRange(toIPv6(splitByChar('/', cidr)[1]), len).1)) AS lo,
           if(fam = 4,
              bitOr({V4_BASE}, toUInt128(toUInt32(IPv4CIDRToRange(toIPv4(splitByChar('/', cidr)[1]), len).2))),
              toUInt128(IPv6CIDRToRange(toIPv6(splitByChar('/', cidr)[1]), len).2)) AS hi
    FROM (SELECT fam, cidr, region, service, 0 AS is_private FROM e
          UNION ALL
          SELECT c.1, c.2, c.3, c.4, 1 FROM (SELECT arrayJoin([{priv}]) AS c)))
""",
        # Elementary intervals: every start and every end + 1 of every prefix (0 for wrap-around).
        f"""
CREATE TABLE iv ENGINE = Memory AS
SELECT fam, lo, toUInt32(row_number() OVER (ORDER BY fam, lo)) AS id FROM (
    SELECT DISTINCT fam, b AS lo FROM (
        SELECT fam, lo AS b FROM r
        UNION ALL SELECT fam, hi + 1 FROM r WHERE hi < {U128_MAX}
        UNION ALL SELECT 4, toUInt128(0) UNION ALL SELECT 6, toUInt128(0)))
""",
        # An interval lies inside an entry iff its start does: an equality join on the start masked to
        # each prefix length that occurs in the family.
        f"""
CREATE TABLE ivr ENGINE = Memory AS
SELECT m.id AS id, r.region AS region, r.service AS service, r.is_private AS is_private
FROM (
    SELECT iv.id AS id, iv.fam AS fam, L.pl AS pl,
           if(L.pl >= 128, iv.lo, bitAnd(iv.lo, bitNot(bitShiftRight({U128_MAX}, L.pl)))) AS net
    FROM iv AS iv INNER JOIN (SELECT DISTINCT fam, pl FROM r) AS L ON iv.fam = L.fam) AS m
INNER JOIN r ON m.fam = r.fam AND m.pl = r.pl AND m.net = r.lo
""",
        # One row per (interval, entry containing it); an interval in no entry: one row, '-' and its class.
        """
CREATE TABLE iv_rows ENGINE = Memory AS
SELECT id, region, service FROM ivr WHERE is_private = 0
UNION ALL
SELECT id, '-', if(id IN (SELECT id FROM ivr WHERE is_private = 1), 'PRIVATE', 'INTERNET')
FROM iv WHERE id NOT IN (SELECT id FROM ivr WHERE is_private = 0)
""",
    ]


def query_sql(path):
    return f"""
WITH g AS (
    SELECT a.side AS side, iv.id AS id, count() AS flows, sum(a.packets) AS packets, sum(a.bytes) AS bytes
    FROM (
        SELECT s.1 AS side, toUInt128(toIPv6(s.2)) AS ip,
               if(bitShiftRight(ip, 32) = 65535, 4, 6) AS fam, packets, bytes
        FROM (
            SELECT splitByChar(' ', line) AS f, toUInt64OrZero(f[9]) AS packets, toUInt64OrZero(f[10]) AS bytes
            FROM file({sql_str(path)}, 'LineAsString')
            WHERE f[14] = 'OK')
        ARRAY JOIN [('src', f[4]), ('dst', f[5])] AS s) AS a
    ASOF INNER JOIN iv ON a.fam = iv.fam AND a.ip >= iv.lo
    GROUP BY side, id)
SELECT g.side, e.region, e.service, sum(g.flows), sum(g.packets), sum(g.bytes)
FROM g INNER JOIN iv_rows AS e ON g.id = e.id GROUP BY g.side, e.region, e.service
"""


def main():
    args = common.parse_args(__doc__.splitlines()[0])
    sw = common.Stopwatch()
    conn = chdb.connect(":memory:")
    settings = f" SETTINGS max_threads = {int(args.jobs)}" if args.jobs else ""
    if args.jobs:
        conn.query(f"SET max_threads = {int(args.jobs)}")
    threads = int(conn.query("SELECT getSetting('max_threads')", "CSV").bytes().decode().strip().strip('"'))
    for stmt in setup_sql(os.path.abspath(args.ranges)):
        conn.query(stmt + settings)
    sw.lap("ranges and intervals")
    res = conn.query(query_sql(os.path.abspath(args.file)) + settings, "TabSeparated")
    sw.lap("query done")
    rows = [line.split("\t") for line in res.bytes().decode().splitlines() if line]
    common.write_services(rows, args.output)
    version = chdb.__version__ + " (ClickHouse " + conn.query("SELECT version()", "CSV").bytes().decode().strip().strip('"') + ")"
    common.write_info(args, "chdb", version, threads)
    sw.lap("written")


if __name__ == "__main__":
    main()
