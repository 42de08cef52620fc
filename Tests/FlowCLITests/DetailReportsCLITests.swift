import Foundation
import Testing

/// ports.csv, interfaces.csv and timeline.csv through the binary: `--top`, `--timeline` and
/// `--bucket` on summarize and on merge (a partial holds every ports row and its buckets, which merge
/// may widen but not split), their refusals, and interfaces.csv and timeline.csv left out (and old
/// ones removed) when no input has interface-id or no timeline was asked for.
struct DetailReportsCLITests {
    static let ranges = "datasets/example/ip-ranges.json"
    static let example = "datasets/example/flows.log"

    static func lines(_ path: String) throws -> [String] {
        String(decoding: try Fixtures.read(path), as: UTF8.self).split(separator: "\n").map(String.init)
    }

    @Test func topAndBucketCutTheReportsAndMergeRendersAnyOfThem() async throws {
        try await withTemporaryDirectory { dir in
            let full = try await Vpcflow.run(["summarize", "--quiet", "--ranges", Self.ranges, "--output", "\(dir)/full", Self.example])
            #expect(full.status == 0, "\(full)")
            let ports = try Self.lines("\(dir)/full/ports.csv")
            #expect(ports.first == "protocol,port,flows,packets,bytes,rejected_flows" && ports.count > 3, "\(ports)")
            #expect(!FileManager.default.fileExists(atPath: "\(dir)/full/timeline.csv"), "the timeline is opt-in")
            #expect(!FileManager.default.fileExists(atPath: "\(dir)/full/interfaces.csv"), "interfaces are opt-in")
            let cut = try await Vpcflow.run([
                "summarize", "--quiet", "--ranges", Self.ranges, "--top", "2", "--bucket", "1d", "--interfaces", "--output", "\(dir)/cut",
                Self.example,
            ])
            #expect(cut.status == 0, "\(cut)")
            #expect(try Self.lines("\(dir)/cut/ports.csv") == Array(ports.prefix(3)))
            let days = try Self.lines("\(dir)/cut/timeline.csv").dropFirst()
            #expect(!days.isEmpty && days.allSatisfy { $0.hasPrefix(",") || $0.dropFirst(10).hasPrefix("T00:00:00Z,") }, "\(days)")
            let summary = try JSON.object(try Fixtures.read("\(dir)/cut/summary.json"))
            let run = summary["run"] as? [String: Any]
            #expect(run?["top"] as? Int == 2 && run?["timeline_bucket"] as? String == "1d", "\(String(describing: run))")

            // The same cut from a partial counted by 5 minutes: merge sums its buckets into days.
            let partial = try await Vpcflow.run(["summarize", "--ranges", Self.ranges, "--bucket", "5m", "--interfaces", "--partial", "\(dir)/p", Self.example])
            #expect(partial.status == 0, "\(partial)")
            let merged = try await Vpcflow.run(["merge", "--quiet", "--top", "2", "--bucket", "1d", "--output", "\(dir)/merged", "\(dir)/p"])
            #expect(merged.status == 0, "\(merged)")
            for file in ["ports.csv", "timeline.csv", "interfaces.csv", "services.csv", "paths.csv"] {
                #expect(try Fixtures.read("\(dir)/merged/\(file)") == Fixtures.read("\(dir)/cut/\(file)"), "\(file)")
            }
            // Without --bucket, merge writes the partials' own buckets: one summarize --timeline --bucket 5m.
            let fine = try await Vpcflow.run(["summarize", "--quiet", "--ranges", Self.ranges, "--timeline", "--bucket", "5m", "--interfaces", "--output", "\(dir)/fine", Self.example])
            let own = try await Vpcflow.run(["merge", "--quiet", "--output", "\(dir)/own", "\(dir)/p"])
            #expect(fine.status == 0 && own.status == 0, "\(fine) \(own)")
            #expect(try Fixtures.read("\(dir)/own/timeline.csv") == Fixtures.read("\(dir)/fine/timeline.csv"))
            // Buckets are never split, and a partial without a timeline has none to give.
            let daily = try await Vpcflow.run(["summarize", "--ranges", Self.ranges, "--bucket", "1d", "--partial", "\(dir)/daily", Self.example])
            let split = try await Vpcflow.run(["merge", "--quiet", "--bucket", "1h", "--output", "\(dir)/split", "\(dir)/daily"])
            #expect(daily.status == 0 && split.status == 64 && split.stderrText.contains("cannot be split"), "\(split)")
            let plain = try await Vpcflow.run(["summarize", "--ranges", Self.ranges, "--partial", "\(dir)/plain", Self.example])
            let none = try await Vpcflow.run(["merge", "--quiet", "--bucket", "1h", "--output", "\(dir)/none", "\(dir)/plain"])
            #expect(plain.status == 0 && none.status == 64 && none.stderrText.contains("no timeline"), "\(none)")
            // Partials with and without a timeline do not merge: the timeline would miss inputs.
            try Fixtures.write(try Fixtures.read(Self.example), to: "\(dir)/other.log")
            let other = try await Vpcflow.run(["summarize", "--ranges", Self.ranges, "--partial", "\(dir)/other", "\(dir)/other.log"])
            let mixed = try await Vpcflow.run(["merge", "--quiet", "--output", "\(dir)/mixed", "\(dir)/p", "\(dir)/other"])
            #expect(other.status == 0 && mixed.status == 65 && mixed.stderrText.contains("timeline"), "\(mixed)")
        }
    }

    @Test func interfacesOnlyWhenAnInputHasTheField() async throws {
        try await withTemporaryDirectory { dir in
            let first = try await Vpcflow.run(["summarize", "--quiet", "--ranges", Self.ranges, "--timeline", "--interfaces", "--output", "\(dir)/out", Self.example])
            #expect(first.status == 0, "\(first)")
            #expect(try Self.lines("\(dir)/out/interfaces.csv").first == "interface_id,flows,packets,bytes,accepted_flows,rejected_flows")
            // The notebook's CSV has no interface-id: the next run into the same folder leaves none behind.
            try Fixtures.write("srcaddr,dstaddr,packets,bytes\n10.0.0.1,3.2.34.5,1,100\n", to: "\(dir)/notebook.csv")
            let second = try await Vpcflow.run(
                ["summarize", "--quiet", "--ranges", Self.ranges, "--interfaces", "--output", "\(dir)/out", "\(dir)/notebook.csv"])
            #expect(second.status == 0, "\(second)")
            #expect(!FileManager.default.fileExists(atPath: "\(dir)/out/interfaces.csv"))
            #expect(!FileManager.default.fileExists(atPath: "\(dir)/out/timeline.csv"), "nor an old timeline.csv without --timeline")
            #expect(try Self.lines("\(dir)/out/ports.csv") == ["protocol,port,flows,packets,bytes,rejected_flows", "-,-,1,1,100,0"])
        }
    }

    @Test(arguments: [["--top", "0"], ["--top", "x"], ["--bucket", "2h"], ["--bucket", ""]])
    func badValuesAreUsageErrors(_ option: [String]) async throws {
        for command in [["summarize", "--ranges", Self.ranges, Self.example], ["merge", "nothing.partial"]] {
            let out = try await Vpcflow.run(Array(command.prefix(1)) + option + Array(command.dropFirst()))
            #expect(out.status == 64 && out.stderrText.contains(option[0]), "\(command[0]) \(option): \(out)")
        }
    }
}
