#!/usr/bin/env python3
"""polars peer: services.csv with all-attribution, vectorised.

scan_csv of the flow log (space separator, header), unpivot to one row per (side, address), addresses
parsed with string expressions (IPv4 split_exact into UInt32; IPv6 '::' expanded, eight hex groups
into UInt128). The prefixes and the private networks are cut into sorted, disjoint elementary
intervals per family; each address finds its interval with search_sorted (a vectorised binary search
over the interval starts); counts are grouped per interval, and each interval is expanded to every
entry that contains it (found with join_where, an inequality join, on the small interval table).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402


def parse_args():
    args = common.parse_args(__doc__.splitlines()[0])
    if args.jobs:
        os.environ["POLARS_MAX_THREADS"] = str(int(args.jobs))  # read once, at import
    return args


ARGS = parse_args() if __name__ == "__main__" else None

import polars as pl  # noqa: E402

def with_v4(lf, col):
    """Adds ip: UInt32 parsed from col, in stages so that the string is split once."""
    fields = [f"field_{i}" for i in range(4)]
    return (lf.with_columns(_p=pl.col(col).str.split_exact(".", 3)).unnest("_p")
            .with_columns([pl.col(c).cast(pl.UInt32) for c in fields])
            .with_columns(ip=pl.col("field_0") * 16777216 + pl.col("field_1") * 65536
                          + pl.col("field_2") * 256 + pl.col("field_3"))
            .drop(fields))


def with_v6(lf, col):
    """Adds ip: UInt128 parsed from col (hex groups, at most one '::', no embedded dotted quad), in
    stages so that each step runs once per address."""
    s = pl.col("_s")
    expanded = pl.when(~s.str.contains("::", literal=True)).then(s)
    for missing in range(1, 8):  # with '::', the groups present are as many as the colons
        expanded = expanded.when(pl.col("_colons") == 8 - missing).then(
            s.str.replace("::", ":" + "0:" * missing, literal=True))
    fields = [f"field_{i}" for i in range(8)]
    total = None
    for i, c in enumerate(fields):
        part = pl.col(c) * pl.lit(2 ** (16 * (7 - i)), dtype=pl.UInt128)
        total = part if total is None else total + part
    return (lf.with_columns(_s=pl.col(col).str.to_lowercase())
            .with_columns(_s=pl.when(s.str.starts_with("::")).then(pl.lit("0") + s).otherwise(s))
            .with_columns(_s=pl.when(s.str.ends_with("::")).then(s + pl.lit("0")).otherwise(s))
            .with_columns(_colons=s.str.count_matches(":", literal=True))
            .with_columns(_p=expanded.otherwise(s).str.split_exact(":", 7)).unnest("_p")
            .with_columns([pl.col(c).str.to_integer(base=16).cast(pl.UInt128) for c in fields])
            .with_columns(ip=total)
            .drop(fields + ["_s", "_colons"]))


def split_families(lf, col):
    """(IPv4 frame with ip: UInt32, IPv6 frame with ip: UInt128); ::ffff:a.b.c.d counts as IPv4."""
    a = pl.col(col)
    lf = lf.with_columns(_mapped=(a.str.slice(0, 7).str.to_lowercase() == "::ffff:") & a.str.contains(".", literal=True),
                         _colon=a.str.contains(":", literal=True))
    v4 = lf.filter(~pl.col("_colon") | pl.col("_mapped")).with_columns(
        pl.when(pl.col("_mapped")).then(a.str.slice(7)).otherwise(a).alias(col))
    v4 = with_v4(v4, col).drop(col, "_mapped", "_colon")
    v6 = with_v6(lf.filter(pl.col("_colon") & ~pl.col("_mapped")), col).drop(col, "_mapped", "_colon")
    return v4, v6


def entries_frame(ranges):
    """Every entry (fam, lo, hi, region, service, private=False) plus the private networks (private=True)."""
    rows = common.load_ranges(ranges)
    rows = [(c, r, s, False) for c, r, s in rows]
    rows += [(c, "-", "-", True) for c in common.PRIVATE_V4 + common.PRIVATE_V6]
    df = pl.DataFrame({"cidr": [r[0] for r in rows], "region": [r[1] for r in rows],
                       "service": [r[2] for r in rows], "private": [r[3] for r in rows]})
    df = df.with_columns(
        addr=pl.col("cidr").str.split("/").list.get(0),
        len=pl.col("cidr").str.split("/").list.get(1).cast(pl.UInt32),
        fam=pl.when(pl.col("cidr").str.contains(":", literal=True)).then(6).otherwise(4))
    out = {}
    for fam, width, dtype, parse in ((4, 32, pl.UInt32, with_v4), (6, 128, pl.UInt128, with_v6)):
        d = parse(df.filter(pl.col("fam") == fam), "addr").with_columns(lo=pl.col("ip").cast(pl.UInt128))
        size = pl.lit(2, dtype=pl.UInt128).pow(pl.lit(width) - pl.col("len"))  # 2^(width - len)
        d = d.with_columns(hi=pl.col("lo") + (size - pl.lit(1, dtype=pl.UInt128)))
        out[fam] = (d.select("lo", "hi", "region", "service", "private"), width, dtype)
    return out


def intervals(entries, width, dtype):
    """Sorted elementary interval starts (dtype) and one row per (interval, containing entry),
    an interval in no entry getting one row '-', PRIVATE|INTERNET."""
    top = 2**width - 1
    bounds = pl.concat([
        entries.select(b=pl.col("lo")),
        entries.filter(pl.col("hi") < pl.lit(top, dtype=pl.UInt128)).select(
            b=pl.col("hi") + pl.lit(1, dtype=pl.UInt128)),
        pl.DataFrame({"b": [0]}, schema={"b": pl.UInt128})]).unique().sort("b")
    iv = bounds.with_row_index("id").rename({"b": "start"})
    hits = iv.join_where(entries, pl.col("start") >= pl.col("lo"), pl.col("start") <= pl.col("hi"))
    aws = hits.filter(~pl.col("private")).select("id", "region", "service")
    private_ids = hits.filter(pl.col("private")).select("id").unique()
    rest = (iv.join(aws.select("id").unique(), on="id", how="anti")
            .join(private_ids.with_columns(p=pl.lit(True)), on="id", how="left")
            .select("id", region=pl.lit("-"),
                    service=pl.when(pl.col("p")).then(pl.lit("PRIVATE")).otherwise(pl.lit("INTERNET"))))
    rows = pl.concat([aws, rest]).with_columns(pl.col("id").cast(pl.UInt32))
    return iv["start"].cast(dtype), rows


def main():
    args = ARGS
    sw = common.Stopwatch()
    ents = entries_frame(args.ranges)
    ivs = {fam: intervals(e, width, dtype) for fam, (e, width, dtype) in ents.items()}
    sw.lap("ranges and intervals")

    schema = {c: pl.String for c in common.V2_COLUMNS}
    schema["packets"] = pl.Int64
    schema["bytes"] = pl.Int64
    lf = (pl.scan_csv(args.file, separator=" ", has_header=True, schema=schema, quote_char=None,
                      null_values="-")
          .filter(pl.col("log-status") == "OK")
          .select("srcaddr", "dstaddr", pl.col("packets").fill_null(0), pl.col("bytes").fill_null(0))
          .unpivot(index=["packets", "bytes"], on=["srcaddr", "dstaddr"], variable_name="side",
                   value_name="a")
          .with_columns(pl.col("side").replace_strict({"srcaddr": "src", "dstaddr": "dst"})))
    v4, v6 = split_families(lf, "a")
    parts = []
    for fam, frame in ((4, v4), (6, v6)):
        starts, rows = ivs[fam]
        g = (frame.with_columns(id=(pl.lit(starts).search_sorted(pl.col("ip"), side="right")
                                    .cast(pl.Int64) - 1).cast(pl.UInt32))
             .group_by("side", "id")
             .agg(flows=pl.len(), packets=pl.col("packets").sum(), bytes=pl.col("bytes").sum()))
        parts.append(g.join(rows.lazy(), on="id").group_by("side", "region", "service").agg(
            pl.col("flows").sum(), pl.col("packets").sum(), pl.col("bytes").sum()))
    result = pl.concat(pl.collect_all(parts))
    sw.lap("query done")
    common.write_services(result.select("side", "region", "service", "flows", "packets", "bytes").iter_rows(),
                          args.output)
    common.write_info(args, "polars", pl.__version__, pl.thread_pool_size())
    sw.lap("written")


if __name__ == "__main__":
    main()
