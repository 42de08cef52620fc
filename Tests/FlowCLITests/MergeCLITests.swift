import Foundation
import Testing

/// `summarize --partial`, `merge`, `--files-from` and `--shard` through the binary: the law on real
/// files (reports of merge = reports of one summarize, except summary.json's `run`), every refusal
/// with its exit code and the file it names, and logical names that never leak a local path.
struct MergeCLITests {
    static let fixtures = "Tests/FlowEngineTests/Fixtures/summarize"
    static let nested = "\(fixtures)/ranges-nested.json"
    /// Inputs of several formats, one with malformed lines, one that does not exist.
    static let inputs = [
        "\(fixtures)/v2-header/input.log", "\(fixtures)/malformed/input.log", "\(fixtures)/ipv4-ipv6/input.log",
        "\(fixtures)/v5-order/input.log", "\(fixtures)/tgw-v6/input.log", "\(fixtures)/missing.log",
    ]

    static func withoutRun(_ path: String) throws -> [String: Any] {
        var summary = try JSON.object(try Fixtures.read(path))
        summary.removeValue(forKey: "run")
        return summary
    }

    static func expectSameReports(_ a: String, _ b: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        for file in ["services.csv", "paths.csv", "ports.csv"] {
            #expect(try Fixtures.read("\(a)/\(file)") == Fixtures.read("\(b)/\(file)"), "\(file)", sourceLocation: sourceLocation)
        }
        for file in ["interfaces.csv", "timeline.csv"] {
            let present = ["\(a)/\(file)", "\(b)/\(file)"].map { FileManager.default.fileExists(atPath: $0) }
            #expect(present[0] == present[1], "\(file) in one folder only", sourceLocation: sourceLocation)
            if present[0] && present[1] {
                #expect(try Fixtures.read("\(a)/\(file)") == Fixtures.read("\(b)/\(file)"), "\(file)", sourceLocation: sourceLocation)
            }
        }
        let left = try JSONSerialization.data(withJSONObject: withoutRun("\(a)/summary.json"), options: [.sortedKeys])
        let right = try JSONSerialization.data(withJSONObject: withoutRun("\(b)/summary.json"), options: [.sortedKeys])
        #expect(left == right, "summary.json without run", sourceLocation: sourceLocation)
    }

    @Test func mergeOfGroupsWritesTheReportsOfOneRun() async throws {
        try await withTemporaryDirectory { dir in
            let whole = try await Vpcflow.run(["summarize", "--quiet", "--ranges", Self.nested, "--output", "\(dir)/whole"] + Self.inputs)
            #expect(whole.status == 66, "\(whole)")
            // Three groups, one of them the missing file alone; the second written to standard output.
            let groups = [Array(Self.inputs[0..<2]), Array(Self.inputs[2..<5]), [Self.inputs[5]]]
            for (i, group) in groups.enumerated() {
                if i == 1 {
                    let out = try await Vpcflow.run(["summarize", "--ranges", Self.nested, "--jobs", "1", "--partial", "-"] + group)
                    #expect(out.status == 0, "\(out)")
                    try Fixtures.write(out.stdout, to: "\(dir)/p\(i)")
                } else {
                    let out = try await Vpcflow.run(["summarize", "--ranges", Self.nested, "--partial", "\(dir)/p\(i)"] + group)
                    #expect(out.status == (i == 2 ? 66 : 0), "\(out)")
                }
            }
            // A tree: p0 + p2 first, then with p1 read from standard input.
            let inner = try await Vpcflow.run(["merge", "--partial", "\(dir)/inner", "\(dir)/p2", "\(dir)/p0"])
            #expect(inner.status == 0, "\(inner)")
            let merged = try await Vpcflow.run(
                ["merge", "--quiet", "--output", "\(dir)/merged", "\(dir)/inner", "-"], stdin: try Fixtures.read("\(dir)/p1"))
            #expect(merged.status == 66, "the exit code of one run: \(merged)")
            #expect(merged.stderrText.contains("missing.log"))
            try Self.expectSameReports("\(dir)/whole", "\(dir)/merged")
            // A folder of partials, with a file that is not one.
            try FileManager.default.createDirectory(atPath: "\(dir)/folder", withIntermediateDirectories: true)
            for i in 0..<3 { try FileManager.default.copyItem(atPath: "\(dir)/p\(i)", toPath: "\(dir)/folder/part-\(i)") }
            try Fixtures.write("", to: "\(dir)/folder/_SUCCESS")
            let folder = try await Vpcflow.run(["merge", "--quiet", "--ranges", Self.nested, "--output", "\(dir)/fromfolder", "\(dir)/folder"])
            #expect(folder.status == 66 && folder.stderrText.contains("_SUCCESS\" is not a partial"), "\(folder)")
            try Self.expectSameReports("\(dir)/whole", "\(dir)/fromfolder")
        }
    }

    @Test func refusals() async throws {
        try await withTemporaryDirectory { dir in
            let a = try await Vpcflow.run(["summarize", "--ranges", Self.nested, "--partial", "\(dir)/a", Self.inputs[0]])
            let b = try await Vpcflow.run(["summarize", "--ranges", Self.nested, "--partial", "\(dir)/b", Self.inputs[0], Self.inputs[2]])
            let c = try await Vpcflow.run(["summarize", "--ranges", Fixtures.exampleRanges, "--partial", "\(dir)/c", Self.inputs[3]])
            #expect(a.status == 0 && b.status == 0 && c.status == 0)
            // The same input in two partials.
            let twice = try await Vpcflow.run(["merge", "--output", "\(dir)/out", "\(dir)/a", "\(dir)/b"])
            #expect(twice.status == 65 && twice.stderrText.contains("\(dir)/a") && twice.stderrText.contains("\(dir)/b")
                && twice.stderrText.contains("counted twice"), "\(twice)")
            // Different snapshots.
            let snapshots = try await Vpcflow.run(["merge", "--output", "\(dir)/out", "\(dir)/a", "\(dir)/c"])
            #expect(snapshots.status == 65 && snapshots.stderrText.contains("different ranges"), "\(snapshots)")
            // --ranges that is not the partials' snapshot.
            let ranges = try await Vpcflow.run(["merge", "--ranges", Fixtures.exampleRanges, "--output", "\(dir)/out", "\(dir)/a"])
            #expect(ranges.status == 65 && ranges.stderrText.contains("not the snapshot"), "\(ranges)")
            // Different counting options.
            let fields = try await Vpcflow.run(
                ["summarize", "--ranges", Self.nested, "--fields", "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status", "--partial", "\(dir)/f", Self.inputs[3]])
            #expect(fields.status == 0, "\(fields)")
            let options = try await Vpcflow.run(["merge", "--output", "\(dir)/out", "\(dir)/a", "\(dir)/f"])
            #expect(options.status == 65 && options.stderrText.contains("different options"), "\(options)")
            // Truncated and altered.
            let bytes = try Fixtures.read("\(dir)/a")
            try Fixtures.write(Array(bytes.dropLast(5)), to: "\(dir)/truncated")
            var altered = bytes
            altered[altered.count / 2] ^= 0x20
            try Fixtures.write(altered, to: "\(dir)/altered")
            for name in ["truncated", "altered"] {
                let out = try await Vpcflow.run(["merge", "--output", "\(dir)/out", "\(dir)/\(name)"])
                #expect(out.status == 65 && out.stderrText.contains("\(dir)/\(name)") && out.stderrText.contains("checksum"), "\(out)")
            }
            let notPartial = try await Vpcflow.run(["merge", "--output", "\(dir)/out", Self.inputs[0]])
            #expect(notPartial.status == 65 && notPartial.stderrText.contains("not a vpcflow partial"), "\(notPartial)")
            #expect(!FileManager.default.fileExists(atPath: "\(dir)/out"), "a refused merge writes nothing")
        }
    }

    /// `--files-from` with `LOCAL<TAB>NAME`, and `--shard`: the shards' merge equals one run, and a
    /// missing shard is refused.
    @Test func filesFromAndShards() async throws {
        try await withTemporaryDirectory { dir in
            // Copies under temporary names, listed as their S3 URIs.
            var list = ""
            for (i, input) in Self.inputs.enumerated() {
                let local = "\(dir)/spool-\(i).tmp"
                if FileManager.default.fileExists(atPath: Fixtures.absolute(input)) {
                    try FileManager.default.copyItem(atPath: Fixtures.absolute(input), toPath: local)
                }
                list += "\(local)\ts3://bucket/AWSLogs/\(i).log\n\n"
            }
            try Fixtures.write(list, to: "\(dir)/list")
            let whole = try await Vpcflow.run(["summarize", "--quiet", "--ranges", Self.nested, "--files-from", "\(dir)/list", "--output", "\(dir)/whole"])
            #expect(whole.status == 66, "\(whole)")
            let summary = try Fixtures.read("\(dir)/whole/summary.json")
            let text = String(decoding: summary, as: UTF8.self)
            #expect(text.contains("s3://bucket/AWSLogs/1.log") && text.contains("s3://bucket/AWSLogs/5.log"))
            #expect(!text.contains("spool-"), "no local path in the reports")
            #expect(!whole.stderrText.contains("spool-"), "\(whole.stderrText)")
            for shard in 0..<4 {
                let out = try await Vpcflow.run(
                    ["summarize", "--ranges", Self.nested, "--files-from", "-", "--shard", "\(shard)/4", "--partial", "\(dir)/s\(shard)"],
                    stdin: Array(list.utf8))
                #expect([0, 66].contains(out.status), "\(out)")
            }
            let missing = try await Vpcflow.run(["merge", "--output", "\(dir)/three", "\(dir)/s0", "\(dir)/s1", "\(dir)/s3"])
            #expect(missing.status == 65 && missing.stderrText.contains("missing: 2"), "\(missing)")
            let merged = try await Vpcflow.run(["merge", "--quiet", "--output", "\(dir)/merged", "\(dir)/s3", "\(dir)/s1", "\(dir)/s0", "\(dir)/s2"])
            #expect(merged.status == 66, "\(merged)")
            try Self.expectSameReports("\(dir)/whole", "\(dir)/merged")
            // Two lines with one name are refused.
            try Fixtures.write("\(dir)/spool-0.tmp\tx\n\(dir)/spool-1.tmp\tx\n", to: "\(dir)/dup")
            let dup = try await Vpcflow.run(["summarize", "--ranges", Self.nested, "--files-from", "\(dir)/dup", "--partial", "\(dir)/d"])
            #expect(dup.status == 64 && dup.stderrText.contains("already used"), "\(dup)")
            let badShard = try await Vpcflow.run(["summarize", "--ranges", Self.nested, "--shard", "4/4", "--partial", "\(dir)/d", Self.inputs[0]])
            #expect(badShard.status == 64, "\(badShard)")
        }
    }
}
