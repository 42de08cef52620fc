#!/usr/bin/env python3
"""vpcflow on Apache Spark: each task summarizes its share of the inputs into a partial, the driver
merges the partials into the reports one `vpcflow summarize` over all of them would have written.

    spark-submit scripts/spark/vpcflow_spark.py --vpcflow ./vpcflow --ranges ip-ranges.json \\
        --partitions 64 --output report/ s3://bucket/AWSLogs/
    python scripts/spark/vpcflow_spark.py --master 'local[2]' --vpcflow .build/release/vpcflow \\
        --ranges ip-ranges.json --output report/ logs/

Inputs are files, folders, or URIs, on the command line or in a manifest (`--manifest FILE`, one
per line; blank lines and lines starting with `#` skipped):

- A local path is read by the task where it is, so it must be at the same path on every executor
  (local Spark, a shared file system). A folder is every file
  below it, as `vpcflow summarize` expands it (hidden names skipped at every level, links to
  folders not followed), so the logical names are the same as one `summarize` over the same
  arguments would record.
- A URI with a scheme (`s3://`, `s3a://`, `hdfs://`, `gs://`, `file:`) is read through Spark's
  own file systems (`binaryFiles`: EMRFS on EMR), spooled by the task to a local temporary file and
  passed to vpcflow as `LOCAL<TAB>URI`, so the partial names the URI. A folder URI is read
  recursively; Hadoop skips names starting with `_` or `.` there.

Local inputs are dealt to `--partitions` tasks by size (largest first, each to the lightest task);
remote ones are split by `binaryFiles`, for which `--partitions` is a lower bound that Spark may not
reach with small objects (it packs them by `spark.files.maxPartitionBytes` and
`spark.files.openCostInBytes`, 128 MB and 4 MB by default). Each task runs `vpcflow summarize --files-from - --partial -` and
returns the partial and vpcflow's standard error, which the driver prints prefixed with the task.
A task whose vpcflow ended without a partial (a crash, a signal, exit 64 or 70) raises, with the
exit code and the standard error, so Spark logs it and retries the task; an input that could not be
read or held malformed lines is not a task failure (vpcflow exits 65, 66 or 74 with a complete
partial that records it), and the merge exits with the code one run would have had.

The binary and the ranges and labels files are shipped to the executors with `SparkContext.addFile`
unless `--executor-vpcflow PATH` names a binary already there (an `--archives` folder, an image).
The binary must run on the executors: build it with `swift build -c release --static-swift-stdlib`
on a glibc no newer than theirs (RECIPES.md).

Exit status: vpcflow merge's (0, or 65/66/74 as one run), 64 for a usage error here, 66 when the
binary or the ranges file is missing, 74 for a local folder that cannot be read, 70 when the Spark
job failed (a task failed on every attempt, or Spark could not list a URI). Needs PySpark (3.5 or 4) and nothing else.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

PARTIAL_MAGIC = b"vpcflow-partial\n"
# vpcflow's exit codes that come with a complete partial: bad data (a malformed or unreadable
# input), no input (a missing one), I/O error (a failed read). The partial records each.
EXIT_WITH_PARTIAL = (0, 65, 66, 74)


def is_uri(text):
    """A URI with a scheme (`s3://...`, `hdfs://...`, `file:/...`), not a local path: a local name may
    hold a colon (`logs:2026/x.log`), so a scheme counts only before `://`, or as `file:`."""
    return re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", text) is not None or text.startswith("file:")


def walk(root):
    """Every file below `root` as `vpcflow summarize` lists a folder (FlowIO's DirectoryWalk): regular
    files and links to files (and dangling links, which vpcflow then reports as unreadable), hidden
    names skipped at every level, links to folders not followed, sorted by bytes."""
    files = []
    pending = [root]
    while pending:
        directory = pending.pop()
        try:
            entries = list(os.scandir(directory))
        except OSError as error:
            print(f"vpcflow-spark: cannot read directory \"{directory}\": {error.strerror}", file=sys.stderr)
            raise SystemExit(74)
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = directory + entry.name if directory.endswith("/") else directory + "/" + entry.name
            if not os.path.exists(path):
                files.append(path)  # dangling or a loop: vpcflow names it as unreadable
            elif os.path.isdir(path):
                if not os.path.islink(path):
                    pending.append(path)
            elif os.path.isfile(path):
                files.append(path)
    return sorted(files, key=lambda p: p.encode("utf-8", "surrogateescape"))


def local_inputs(arguments):
    """(name, absolute path, size) of every local input, in argument order, folders expanded."""
    result = []
    for argument in arguments:
        if os.path.isdir(argument):
            paths = walk(argument)
            if not paths:
                print(f"vpcflow-spark: no input files found in \"{argument}\" (hidden files are skipped)", file=sys.stderr)
        else:
            paths = [argument]  # a missing file is vpcflow's to report, as in one run
        for path in paths:
            try:
                size = os.path.getsize(path)
            except OSError:
                size = 0
            result.append((path, os.path.abspath(path), size))
    return result


def deal(inputs, count):
    """Deals (name, path, size) inputs to `count` groups: largest first, each to the lightest group
    (ties to the lower index), so the groups' bytes are close; empty groups are dropped."""
    groups = [[] for _ in range(count)]
    loads = [0] * count
    for item in sorted(inputs, key=lambda i: (-i[2], i[0])):
        lightest = min(range(count), key=lambda g: (loads[g], g))
        groups[lightest].append(item)
        loads[lightest] += item[2]
    return [g for g in groups if g]


def check_name(name):
    if "\n" in name or "\r" in name or "\t" in name:
        print(f"vpcflow-spark: an input name cannot hold a tab or a line end: {name!r}", file=sys.stderr)
        raise SystemExit(64)


class TaskSetup:
    """What every task needs: how to find the binary and the files, and the counting options."""

    def __init__(self, vpcflow, shipped_vpcflow, ranges, labels, fields):
        self.vpcflow = vpcflow  # a path on the executors, or None to use the shipped copy
        self.shipped_vpcflow = shipped_vpcflow  # basename given to addFile
        self.ranges = ranges  # basename given to addFile
        self.labels = labels
        self.fields = fields

    def command(self):
        from pyspark import SparkFiles

        binary = self.vpcflow
        if binary is None:
            binary = SparkFiles.get(self.shipped_vpcflow)
            if not os.access(binary, os.X_OK):
                os.chmod(binary, 0o755)
        command = [binary, "summarize", "--quiet", "--files-from", "-", "--partial", "-",
                   "--ranges", SparkFiles.get(self.ranges)]
        if self.labels:
            command += ["--labels", SparkFiles.get(self.labels)]
        if self.fields:
            command += ["--fields", self.fields]
        return command


def run_vpcflow(setup, lines, task):
    """Runs vpcflow on `lines` (LOCAL<TAB>NAME); returns (task, partial, stderr) or raises."""
    command = setup.command()
    done = subprocess.run(command, input="".join(line + "\n" for line in lines).encode(),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    stderr = done.stderr.decode("utf-8", "replace")
    if done.returncode not in EXIT_WITH_PARTIAL or not done.stdout.startswith(PARTIAL_MAGIC):
        how = f"exit code {done.returncode}" if done.returncode >= 0 else f"signal {-done.returncode}"
        raise RuntimeError(f"vpcflow-spark: task {task}: vpcflow summarize ended with {how} and no partial "
                           f"({len(lines)} inputs, first {lines[0].split(chr(9))[-1] if lines else '-'}); "
                           f"its standard error:\n{stderr}")
    return (task, done.stdout, stderr)


def local_task(setup):
    def run(index, groups):
        from pyspark import TaskContext

        context = TaskContext.get()
        task = f"local-{index} (attempt {context.attemptNumber() if context else 0})"
        for group in groups:
            lines = [f"{path}\t{name}" for name, path, _ in group]
            yield run_vpcflow(setup, lines, task)
    return run


def remote_task(setup):
    def run(index, records):
        from pyspark import TaskContext

        context = TaskContext.get()
        task = f"remote-{index} (attempt {context.attemptNumber() if context else 0})"
        spool = tempfile.mkdtemp(prefix="vpcflow-spark-")
        try:
            lines = []
            for number, (uri, content) in enumerate(records):
                check_name(uri)
                # Keep the object's suffix: vpcflow tells gzip by its bytes, people by `.gz`.
                local = os.path.join(spool, f"{number:06d}-{os.path.basename(uri)[-80:]}")
                with open(local, "wb") as out:
                    out.write(content)
                lines.append(f"{local}\t{uri}")
            if lines:
                yield run_vpcflow(setup, lines, task)
        finally:
            shutil.rmtree(spool, ignore_errors=True)
    return run


def parse_arguments(argv):
    parser = argparse.ArgumentParser(
        prog="vpcflow_spark.py", description="vpcflow summarize on Spark: partials per task, one vpcflow merge.")
    parser.add_argument("inputs", nargs="*", metavar="INPUT", help="files, folders or URIs (s3://, file:, ...)")
    parser.add_argument("--manifest", help="a file of inputs, one per line")
    parser.add_argument("--vpcflow", default=shutil.which("vpcflow") or "vpcflow",
                        help="the vpcflow binary on the driver (default: vpcflow on PATH); shipped to the executors")
    parser.add_argument("--executor-vpcflow", help="the binary's path on the executors (not shipped then)")
    parser.add_argument("--ranges", required=True, help="AWS ip-ranges.json (shipped to the executors)")
    parser.add_argument("--labels", help="labels file (shipped to the executors)")
    parser.add_argument("--fields", help="as vpcflow summarize --fields")
    parser.add_argument("--max-malformed", help="as vpcflow merge --max-malformed")
    parser.add_argument("--partitions", type=int, help="tasks (default: Spark's default parallelism)")
    parser.add_argument("--output", default="vpcflow-report", help="report folder on the driver")
    parser.add_argument("--attribution", choices=["primary", "all"], help="as vpcflow merge --attribution")
    parser.add_argument("--partial", help="write one merged partial here instead of the reports")
    parser.add_argument("--keep-partials", help="also keep every task's partial in this folder")
    parser.add_argument("--master", help="Spark master when not run by spark-submit (local[2], ...)")
    parser.add_argument("--conf", action="append", default=[], metavar="KEY=VALUE",
                        help="a Spark setting when not run by spark-submit (repeatable)")
    parser.add_argument("--quiet", action="store_true", help="as vpcflow merge --quiet")
    arguments = parser.parse_args(argv)
    if arguments.partitions is not None and arguments.partitions < 1:
        parser.error("--partitions must be at least 1")
    return arguments


def main(argv):
    arguments = parse_arguments(argv)
    inputs = list(arguments.inputs)
    if arguments.manifest:
        with open(arguments.manifest, encoding="utf-8") as manifest:
            inputs += [line.rstrip("\r\n") for line in manifest
                       if line.strip() and not line.lstrip().startswith("#")]
    if not inputs:
        print("vpcflow-spark: no inputs (give files, folders, URIs or --manifest)", file=sys.stderr)
        return 64
    for path in [arguments.ranges] + ([arguments.labels] if arguments.labels else []):
        if not os.path.isfile(path):
            print(f"vpcflow-spark: cannot open \"{path}\"", file=sys.stderr)
            return 66
    if arguments.labels and os.path.basename(arguments.labels) == os.path.basename(arguments.ranges):
        print("vpcflow-spark: --ranges and --labels need different file names (both are shipped by name)", file=sys.stderr)
        return 64
    if shutil.which(arguments.vpcflow) is None:
        print(f"vpcflow-spark: cannot run the vpcflow binary \"{arguments.vpcflow}\" (give --vpcflow PATH)", file=sys.stderr)
        return 66

    remote = [i for i in inputs if is_uri(i)]
    local = local_inputs([i for i in inputs if not is_uri(i)])
    for name, _, _ in local:
        check_name(name)

    from pyspark import SparkConf, SparkContext

    conf = SparkConf().setAppName("vpcflow")
    if arguments.master:
        conf.setMaster(arguments.master)
    for setting in arguments.conf:
        key, sep, value = setting.partition("=")
        if not sep:
            print(f"vpcflow-spark: --conf {setting}: expected KEY=VALUE", file=sys.stderr)
            return 64
        conf.set(key, value)
    context = SparkContext.getOrCreate(conf)
    context.setLogLevel("WARN")
    # Folders given as URIs are read whole, as vpcflow reads a local folder.
    context._jsc.hadoopConfiguration().set("mapreduce.input.fileinputformat.input.dir.recursive", "true")
    partitions = arguments.partitions or context.defaultParallelism

    shipped = None
    if arguments.executor_vpcflow is None:
        context.addFile(os.path.abspath(shutil.which(arguments.vpcflow)))
        shipped = os.path.basename(arguments.vpcflow)
    context.addFile(os.path.abspath(arguments.ranges))
    if arguments.labels:
        context.addFile(os.path.abspath(arguments.labels))
    setup = TaskSetup(arguments.executor_vpcflow, shipped, os.path.basename(arguments.ranges),
                      os.path.basename(arguments.labels) if arguments.labels else None,
                      arguments.fields)

    jobs = []
    if local:
        groups = deal(local, partitions)
        jobs.append(context.parallelize(groups, len(groups)).mapPartitionsWithIndex(local_task(setup)))
    if remote:
        jobs.append(context.binaryFiles(",".join(remote), minPartitions=partitions)
                    .mapPartitionsWithIndex(remote_task(setup)))
    job = jobs[0] if len(jobs) == 1 else context.union(jobs)
    try:
        results = job.collect()
    except Exception as error:  # Spark gave up on a task after its retries: say why, not a traceback
        print(f"vpcflow-spark: the Spark job failed: {str(error).strip().splitlines()[-1] if str(error).strip() else error}",
              file=sys.stderr)
        context.stop()
        return 70
    context.stop()

    for task, _, stderr in sorted(results, key=lambda r: r[0]):
        for line in stderr.splitlines():
            print(f"[{task}] {line}", file=sys.stderr)

    folder = arguments.keep_partials or tempfile.mkdtemp(prefix="vpcflow-partials-")
    os.makedirs(folder, exist_ok=True)
    try:
        for number, (_, partial, _) in enumerate(sorted(results, key=lambda r: r[1])):
            with open(os.path.join(folder, f"part-{number:05d}.partial"), "wb") as out:
                out.write(partial)
        command = [arguments.vpcflow, "merge", "--ranges", arguments.ranges]
        if arguments.labels:
            command += ["--labels", arguments.labels]
        if arguments.attribution:
            command += ["--attribution", arguments.attribution]
        if arguments.max_malformed:
            command += ["--max-malformed", arguments.max_malformed]
        if arguments.quiet:
            command.append("--quiet")
        command += ["--partial", arguments.partial] if arguments.partial else ["--output", arguments.output]
        # An empty run (every input missing) still merges: the partials record the failures.
        return subprocess.run(command + [folder]).returncode
    finally:
        if not arguments.keep_partials:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
