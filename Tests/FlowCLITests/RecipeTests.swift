import Foundation
import Testing

/// RECIPES.md, run as written: every shell block marked `<!-- tested: MODE -->`, section by section,
/// in one working folder, with `vpcflow` and `shard-worker.sh` on `PATH`, `VPCFLOW_RANGES` set and an
/// `aws` stand-in serving `s3://my-bucket/` from a local folder. MODE `once` runs the block once;
/// `each VAR N` runs it N times with VAR = 0..N-1 (an array job's children); `spark` runs it once
/// when PySpark and java are here. After each section that wrote `report/`, its services.csv,
/// paths.csv and record counts must be those of one `summarize` over the same files.
struct RecipeTests {
    struct Block {
        let section: String
        let mode: [String]
        let script: String
    }

    static func blocks() throws -> [Block] {
        let text = String(decoding: try Fixtures.read("RECIPES.md"), as: UTF8.self)
        var blocks: [Block] = []
        var section = ""
        var mode: [String]?
        var script: [Substring]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if var lines = script {
                if line == "```" {
                    blocks.append(Block(section: section, mode: mode ?? [], script: lines.joined(separator: "\n") + "\n"))
                    script = nil
                    mode = nil
                } else {
                    lines.append(line)
                    script = lines
                }
            } else if line.hasPrefix("## ") {
                section = String(line.dropFirst(3))
            } else if line.hasPrefix("<!-- tested: "), line.hasSuffix(" -->") {
                mode = line.dropFirst("<!-- tested: ".count).dropLast(" -->".count).split(separator: " ").map(String.init)
            } else if line == "```sh", mode != nil {
                script = []
            }
        }
        return blocks
    }

    /// `aws s3 ls --recursive`, `aws s3 cp [--recursive]` over `$FAKE_S3/BUCKET/KEY`.
    static let fakeAWS = #"""
        #!/usr/bin/env bash
        set -euo pipefail
        [ "${1:-}" = s3 ] || { echo "aws stand-in: only 's3 ls' and 's3 cp'" >&2; exit 2; }
        command=$2; shift 2
        recursive=0; args=()
        for a in "$@"; do case "$a" in --recursive) recursive=1 ;; --quiet) ;; *) args+=("$a") ;; esac; done
        local_path() { printf '%s/%s' "$FAKE_S3" "${1#s3://}"; }
        case "$command" in
        ls)
            bucket="${args[0]#s3://}"; bucket="${bucket%%/*}"
            find "$(local_path "${args[0]}")" -type f | LC_ALL=C sort | while IFS= read -r f; do
                printf '2026-12-04 00:00:00 %10d %s\n' "$(stat -c %s "$f")" "${f#"$FAKE_S3/$bucket/"}"
            done ;;
        cp)
            src=${args[0]}; dst=${args[1]}
            if [ "$recursive" = 1 ]; then
                if [[ $src == s3://* ]]; then mkdir -p "$dst"; cp -r "$(local_path "$src")/." "$dst/"
                else mkdir -p "$(local_path "$dst")"; cp -r "$src/." "$(local_path "$dst")/"; fi
            elif [[ $src == s3://* ]]; then cp "$(local_path "$src")" "$dst"
            else mkdir -p "$(dirname "$(local_path "$dst")")"; cp "$src" "$(local_path "$dst")"; fi ;;
        *) echo "aws stand-in: no 's3 $command'" >&2; exit 2 ;;
        esac
        """#

    static func counts(_ folder: String) throws -> [String: String] {
        let summary = try JSON.object(try Fixtures.read("\(folder)/summary.json"))
        var result: [String: String] = [:]
        for key in ["records", "totals", "time_span"] {
            let data = try JSONSerialization.data(withJSONObject: summary[key] ?? NSNull(), options: [.sortedKeys, .fragmentsAllowed])
            result[key] = String(decoding: data, as: UTF8.self)
        }
        return result
    }

    @Test("every tested block of RECIPES.md runs and writes the reports of one summarize")
    func recipesRunAsWritten() async throws {
        let blocks = try Self.blocks()
        let sections = Set(blocks.map(\.section))
        #expect(blocks.count >= 8 && sections.count >= 5, "the recipes' tested blocks were found: \(blocks.map(\.section))")
        let vpcflow = try #require(Vpcflow.path)
        let bash = try #require(Fixtures.executable(named: "bash"))
        let spark = SparkSetup.python.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path }
        let hasSpark = spark != nil && Fixtures.executable(named: "java") != nil
        let hasParallel = Fixtures.executable(named: "parallel") != nil
        try await withTemporaryDirectory { dir in
            let work = "\(dir)/work"
            let bin = "\(dir)/bin"
            let ranges = Fixtures.absolute(MergeCLITests.nested)
            // vpcflow as the recipes name it, the worker script, and the aws stand-in.
            try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: "\(bin)/vpcflow", withDestinationPath: vpcflow)
            try FileManager.default.createSymbolicLink(
                atPath: "\(bin)/shard-worker.sh", withDestinationPath: Fixtures.absolute("scripts/recipes/shard-worker.sh"))
            try Fixtures.write(Array(Self.fakeAWS.utf8), to: "\(bin)/aws")
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: "\(bin)/aws")
            // 200 gzip files, in the fake bucket and as the local tree the Spark recipe reads.
            let tree = try await SparkDriverTests.makeTree(in: work)
            try FileManager.default.createSymbolicLink(atPath: "\(work)/scripts", withDestinationPath: Fixtures.absolute("scripts"))
            try FileManager.default.createDirectory(atPath: "\(dir)/s3/my-bucket", withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: "\(tree)/AWSLogs", toPath: "\(dir)/s3/my-bucket/AWSLogs")
            let reference = try await Vpcflow.run(
                ["summarize", "--quiet", "--ranges", ranges, "--output", "\(dir)/reference", tree])
            #expect(reference.exited(0), "\(reference)")

            var path = [bin, ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
            if let spark { path.insert(spark, at: 1) }
            let environment: [String: String?] = [
                "PATH": path.joined(separator: ":"), "VPCFLOW_RANGES": ranges, "FAKE_S3": "\(dir)/s3", "TMPDIR": "\(dir)/tmp",
                "SPARK_LOCAL_IP": "127.0.0.1", "PYSPARK_PYTHON": SparkSetup.python,
            ]
            try FileManager.default.createDirectory(atPath: "\(dir)/tmp", withIntermediateDirectories: true)
            var checked: [String] = []
            for section in blocks.map(\.section).reduce(into: [String](), { if !$0.contains($1) { $0.append($1) } }) {
                for block in blocks where block.section == section {
                    if block.mode == ["spark"] && !hasSpark { continue }
                    if block.script.contains("parallel ") && !hasParallel {
                        Issue.record("GNU parallel is not on PATH (apt-get install parallel; .ci/run does)")
                        continue
                    }
                    let runs: [[String: String?]] =
                        block.mode.first == "each"
                        ? (0..<Int(block.mode[2])!).map { [block.mode[1]: String($0)] } : [[:]]
                    for extra in runs {
                        let out = try await ProcessRunner.run(
                            bash, ["-euo", "pipefail", "-c", block.script], environment: environment.merging(extra) { $1 },
                            directory: work, timeout: .seconds(600))
                        #expect(out.exited(0), "\(section), \(extra): \(block.script)\(out)")
                        if block.script.hasPrefix("objdump") {
                            #expect(out.stdoutText.hasPrefix("GLIBC_2."), "\(out.stdoutText)")
                        }
                    }
                }
                let report = "\(work)/report"
                guard FileManager.default.fileExists(atPath: "\(report)/summary.json") else { continue }
                for file in ["services.csv", "paths.csv"] {
                    #expect(try Fixtures.read("\(report)/\(file)") == Fixtures.read("\(dir)/reference/\(file)"), "\(section): \(file)")
                }
                #expect(try Self.counts(report) == Self.counts("\(dir)/reference"), "\(section): records, totals, time span")
                checked.append(section)
                try FileManager.default.removeItem(atPath: report)
            }
            var expected = ["One host, or a few: GNU parallel", "AWS Batch: an array job", "Kubernetes: an Indexed Job"]
            if hasSpark { expected.append("Apache Spark: an EMR step") }
            #expect(checked == expected, "the sections that wrote reports")
        }
    }
}
