import Foundation
import Testing

/// The Spark driver (`scripts/spark/vpcflow_spark.py`) on a real, local Spark (`local[2]`): on a
/// generated S3-layout tree of 200 gzip files (plus an input that does not exist), its reports are
/// byte-identical to those of one `vpcflow summarize` over the same inputs (summary.json but its
/// `run` object), with the same exit code; also when a task fails once and Spark retries it, and
/// when the inputs are URIs read through Spark's file systems (`file:` here, `s3://` on EMR) and
/// spooled by the tasks. A task that always fails ends the driver with 70 and its exit code and
/// standard error in the driver's log.
///
/// Needs a Java runtime and PySpark: `scripts/spark-venv.sh` makes `.venv-spark` (or set
/// `VPCFLOW_SPARK_PYTHON` to a python that imports pyspark); `.ci/run` installs both.
@Suite(
    "Spark driver on local Spark", .serialized,
    .enabled(if: SparkSetup.python != nil && Fixtures.executable(named: "java") != nil, SparkSetup.skip))
struct SparkDriverTests {
    static var python: String? { SparkSetup.python }
    static let driver = "\(Fixtures.packageRoot)/scripts/spark/vpcflow_spark.py"
    static let ranges = Fixtures.absolute(MergeCLITests.nested)
    static let labels = Fixtures.absolute("\(MergeCLITests.fixtures)/labels.csv")
    static let timeout: Duration = .seconds(600)

    /// 200 gzip files in the S3 layout, 150 records each, some malformed lines.
    static func makeTree(in directory: String) async throws -> String {
        let bench = try #require(BenchGeneratorTests.path, "vpcflow-bench was not found next to the test bundle")
        let tree = "\(directory)/logs"
        let made = try await ProcessRunner.run(
            bench,
            ["generate", "--output", tree, "--ranges", ranges, "--records", "30000", "--files", "200", "--gzip",
             "--malformed-share", "0.002", "--seed", "12"])
        #expect(made.exited(0), "\(made)")
        return tree
    }

    /// Runs the driver on `local[2]` (retries as `master` says) and returns its output.
    static func spark(_ arguments: [String], master: String = "local[2]", in directory: String) async throws -> ProcessOutput {
        let python = try #require(python)
        let vpcflow = try #require(Vpcflow.path)
        return try await ProcessRunner.run(
            python,
            [driver, "--master", master, "--vpcflow", vpcflow, "--ranges", ranges, "--labels", labels, "--quiet"] + arguments,
            environment: ["SPARK_LOCAL_IP": "127.0.0.1", "PYSPARK_PYTHON": python, "VPCFLOW_RANGES": nil],
            directory: directory, timeout: timeout)
    }

    /// A stand-in for the binary on the executors: fails (exit 70, a message on standard error) the
    /// first time it runs, or every time, and runs the real vpcflow otherwise.
    static func failingBinary(in directory: String, always: Bool) throws -> String {
        let vpcflow = try #require(Vpcflow.path)
        let path = "\(directory)/vpcflow-\(always ? "broken" : "flaky")"
        let script = """
            #!/bin/sh
            if \(always ? "true" : "mkdir '\(directory)/failed-once' 2>/dev/null"); then
                echo "vpcflow-test: injected failure" >&2
                exit 70
            fi
            exec '\(vpcflow)' "$@"

            """
        try Fixtures.write(Array(script.utf8), to: path)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return path
    }

    @Test("local[2]: the reports and exit code of one summarize; also with a task that fails once and is retried")
    func sparkRunEqualsOneSummarize() async throws {
        try await withTemporaryDirectory { dir in
            let tree = try await Self.makeTree(in: dir)
            let inputs = ["logs", "missing.log.gz"]
            let whole = try await Vpcflow.run(
                ["summarize", "--quiet", "--ranges", Self.ranges, "--labels", Self.labels, "--output", "\(dir)/whole"] + inputs,
                directory: dir)
            #expect(whole.exited(66), "a missing input: \(whole)")
            let files = try FileManager.default.subpathsOfDirectory(atPath: tree).filter { $0.hasSuffix(".log.gz") }
            #expect(files.count == 200)

            let run = try await Self.spark(["--partitions", "8", "--output", "\(dir)/spark", "--keep-partials", "\(dir)/parts"] + inputs, in: dir)
            #expect(run.exited(66), "the exit code of one run: \(run)")
            #expect(run.stderrText.contains("missing.log.gz"), "the missing input is named")
            try MergeCLITests.expectSameReports("\(dir)/whole", "\(dir)/spark")
            let parts = try FileManager.default.contentsOfDirectory(atPath: "\(dir)/parts")
            #expect(parts.count == 8, "one partial per task: \(parts)")

            // One task fails once (exit 70); with two attempts per task, Spark retries it.
            let flaky = try Self.failingBinary(in: dir, always: false)
            let retried = try await Self.spark(
                ["--executor-vpcflow", flaky, "--partitions", "5", "--output", "\(dir)/retried"] + inputs,
                master: "local[2,2]", in: dir)
            #expect(retried.exited(66), "\(retried)")
            #expect(FileManager.default.fileExists(atPath: "\(dir)/failed-once"), "the injected failure happened")
            #expect(retried.stderrText.contains("exit code 70") && retried.stderrText.contains("vpcflow-test: injected failure"),
                "the failed attempt's exit code and standard error are in the driver's log")
            try MergeCLITests.expectSameReports("\(dir)/whole", "\(dir)/retried")
        }
    }

    @Test("inputs as URIs are read through Spark, spooled, and named by their URI")
    func urisAreSpooledAndNamed() async throws {
        try await withTemporaryDirectory { dir in
            let tree = try await Self.makeTree(in: dir)
            // The reference: one summarize that reads each local file as its URI.
            let files = try FileManager.default.subpathsOfDirectory(atPath: tree).filter { $0.hasSuffix(".log.gz") }.sorted()
            let list = files.map { "\(tree)/\($0)\tfile:\(tree)/\($0)\n" }.joined()
            let whole = try await Vpcflow.run(
                ["summarize", "--quiet", "--ranges", Self.ranges, "--labels", Self.labels, "--output", "\(dir)/whole",
                 "--files-from", "-"],
                stdin: Array(list.utf8), directory: dir)
            #expect(whole.exited(0), "\(whole)")
            // Small objects: let binaryFiles cut several partitions.
            let run = try await Self.spark(
                ["--partitions", "4", "--conf", "spark.files.openCostInBytes=1", "--output", "\(dir)/spark", "--keep-partials",
                 "\(dir)/parts", "file://\(tree)"], in: dir)
            #expect(run.exited(0), "\(run)")
            try MergeCLITests.expectSameReports("\(dir)/whole", "\(dir)/spark")
            let summary = try JSON.object(try Fixtures.read("\(dir)/spark/summary.json"))
            let samples = try #require(summary["malformed_samples"] as? [[String: Any]])
            #expect(!samples.isEmpty && samples.allSatisfy { ($0["file"] as? String)?.hasPrefix("file:\(tree)/") == true },
                "named by URI, not the spool file: \(samples.prefix(2))")
            let parts = try FileManager.default.contentsOfDirectory(atPath: "\(dir)/parts")
            #expect(parts.count > 1, "more than one task: \(parts)")
        }
    }

    @Test("a task that always fails: exit 70, its exit code and standard error in the log, no reports")
    func failingTaskEndsTheJob() async throws {
        try await withTemporaryDirectory { dir in
            let tree = "\(dir)/logs"
            try Fixtures.write(try Fixtures.read(MergeCLITests.inputs[0]), to: "\(tree)/a.log")
            let broken = try Self.failingBinary(in: dir, always: true)
            let run = try await Self.spark(
                ["--executor-vpcflow", broken, "--output", "\(dir)/out", "logs"], master: "local[2,2]", in: dir)
            #expect(run.exited(70), "\(run)")
            #expect(run.stderrText.contains("exit code 70") && run.stderrText.contains("vpcflow-test: injected failure"), "\(run)")
            #expect(run.stderrText.contains("vpcflow-spark: the Spark job failed"), "\(run)")
            #expect(!FileManager.default.fileExists(atPath: "\(dir)/out/services.csv"))
        }
    }
}

/// Where the Spark tests find PySpark.
enum SparkSetup {
    static let python: String? = {
        if let given = ProcessInfo.processInfo.environment["VPCFLOW_SPARK_PYTHON"], !given.isEmpty { return given }
        let venv = "\(Fixtures.packageRoot)/.venv-spark/bin/python"
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
    }()
    static let skip: Comment =
        "no PySpark or no java: run scripts/spark-venv.sh and install a Java runtime (openjdk-17-jre-headless) to run the Spark tests; skipped"
}

/// The driver's own pieces that need no Spark (plain python3): which inputs are URIs, how a folder
/// is listed (vpcflow's rule: hidden names skipped, links to files and dangling links listed, links
/// to folders not followed), and how files are dealt to tasks.
@Suite(.enabled(if: LocalHTTPServer.python3 != nil, LocalHTTPServer.skipNoPython))
struct SparkDriverPartsTests {
    @Test func urisWalkAndDeal() async throws {
        try await withTemporaryDirectory { dir in
            let fm = FileManager.default
            for file in ["t/a/b.log", "t/.hidden/x.log", "t/a/.h.log", "t/c:d.log"] { try Fixtures.write(Array("x\n".utf8), to: "\(dir)/\(file)") }
            try fm.createSymbolicLink(atPath: "\(dir)/t/dirlink", withDestinationPath: "\(dir)/t/a")
            try fm.createSymbolicLink(atPath: "\(dir)/t/filelink", withDestinationPath: "\(dir)/t/a/b.log")
            try fm.createSymbolicLink(atPath: "\(dir)/t/dangling", withDestinationPath: "\(dir)/nowhere")
            let script = """
                import sys
                sys.path.insert(0, sys.argv[1])
                import vpcflow_spark as v
                print([t for t in ["s3://b/k", "file:/x", "file:///x", "hdfs://n/p", "c:d.log", "logs/x", "t/c:d.log"] if v.is_uri(t)])
                print(v.walk(sys.argv[2]))
                print(v.deal([("a", "a", 5), ("b", "b", 3), ("c", "c", 3), ("d", "d", 1), ("e", "e", 0)], 2))
                print(v.deal([("a", "a", 5)], 4))
                """
            let out = try await ProcessRunner.run(
                try #require(LocalHTTPServer.python3), ["-c", script, Fixtures.absolute("scripts/spark"), "t"], directory: dir)
            #expect(out.exited(0), "\(out)")
            let lines = out.stdoutText.split(separator: "\n").map(String.init)
            #expect(lines.count == 4, "\(out)")
            guard lines.count == 4 else { return }
            #expect(lines[0] == "['s3://b/k', 'file:/x', 'file:///x', 'hdfs://n/p']")
            #expect(lines[1] == "['t/a/b.log', 't/c:d.log', 't/dangling', 't/filelink']")
            // Largest first, each to the lightest task (ties to the lower index); no empty task.
            #expect(lines[2] == "[[('a', 'a', 5), ('d', 'd', 1), ('e', 'e', 0)], [('b', 'b', 3), ('c', 'c', 3)]]")
            #expect(lines[3] == "[[('a', 'a', 5)]]")
        }
    }
}
