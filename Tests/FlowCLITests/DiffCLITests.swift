import Foundation
import Testing

/// `vpcflow diff` through the binary, on two nights computed by hand: diff.csv byte for byte, the
/// summary's lines, `--fail-above` and its exit code, partials on either side, and the refusals.
struct DiffCLITests {
    static let ranges = "datasets/example/ip-ranges.json"
    // 3.2.34.5 is af-south-1 EC2 (EC2 over AMAZON on the same CIDR), 13.34.37.70 ap-southeast-4
    // AMAZON, 8.8.8.8 the internet, 10.0.0.x private.
    static let old = """
        2 1 eni-a 10.0.0.5 3.2.34.5 1 443 6 1 1000 1700000000 1700000060 ACCEPT OK
        2 1 eni-a 10.0.0.5 8.8.8.8 1 53 17 1 100 1700000000 1700000060 ACCEPT OK

        """
    static let new = """
        2 1 eni-a 10.0.0.5 3.2.34.5 1 443 6 1 1500 1700086400 1700086460 ACCEPT OK
        2 1 eni-a 10.0.0.6 13.34.37.70 1 22 6 1 10 1700086400 1700086460 REJECT OK

        """
    /// By the size of the change: +500 (50.0%), +410 (410 / 1100 = 37.27%), -100, +10 from nothing.
    static let expected = """
        side,region,service,bytes_before,bytes_after,change,percent,status
        dst,af-south-1,EC2,1000,1500,500,50.0,grew
        src,-,PRIVATE,1100,1510,410,37.3,grew
        dst,-,INTERNET,100,0,-100,-100.0,vanished
        dst,ap-southeast-4,AMAZON,0,10,10,,appeared

        """

    static func nights(_ dir: String) async throws {
        try Fixtures.write(Self.old, to: "\(dir)/old.log")
        try Fixtures.write(Self.new, to: "\(dir)/new.log")
        for night in ["old", "new"] {
            let out = try await Vpcflow.run(["summarize", "--quiet", "--ranges", Self.ranges, "--output", "\(dir)/\(night)", "\(dir)/\(night).log"])
            #expect(out.status == 0, "\(out)")
            let partial = try await Vpcflow.run(["summarize", "--ranges", Self.ranges, "--partial", "\(dir)/\(night).partial", "\(dir)/\(night).log"])
            #expect(partial.status == 0, "\(partial)")
        }
    }

    @Test func twoNightsByHand() async throws {
        try await withTemporaryDirectory { dir in
            try await Self.nights(dir)
            let out = try await Vpcflow.run(["diff", "--output", "\(dir)/diff.csv", "\(dir)/old", "\(dir)/new"])
            #expect(out.status == 0, "\(out)")
            #expect(String(decoding: try Fixtures.read("\(dir)/diff.csv"), as: UTF8.self) == Self.expected)
            let text = out.stdoutText
            for line in [
                "total bytes: 1,100 -> 1,510 (+410, +37.3%)",
                "services rows: 2 grew, 0 shrank, 1 appeared, 1 vanished, 0 the same",
                "time span: 2023-11-14T22:13:20Z .. 2023-11-14T22:14:20Z -> 2023-11-15T22:13:20Z .. 2023-11-15T22:14:20Z",
                "ranges: the same snapshot",
                "  - PRIVATE af-south-1 EC2 ACCEPT: 1,000 -> 1,500 bytes (+500, +50.0%)",
                "  udp 53: 100 -> 0 bytes (-100, -100.0%)",
                "  tcp 22: 0 -> 10 bytes (+10, appeared)",
            ] {
                #expect(text.contains(line), "\(line)\n\(text)")
            }
            // Partials on either side, or both: the same diff.csv.
            for (a, b) in [("old.partial", "new"), ("old", "new.partial"), ("old.partial", "new.partial")] {
                let partial = try await Vpcflow.run(["diff", "--quiet", "--output", "-", "\(dir)/\(a)", "\(dir)/\(b)"])
                #expect(partial.status == 0 && partial.stdoutText == Self.expected, "\(a) \(b): \(partial)")
            }
        }
    }

    @Test func failAboveIsTheNightlyAlert() async throws {
        try await withTemporaryDirectory { dir in
            try await Self.nights(dir)
            let cases: [([String], Int32)] = [
                (["--fail-above", "40", "\(dir)/old", "\(dir)/new"], 1),  // +50% passes 40
                (["--fail-above", "60%", "\(dir)/new", "\(dir)/old"], 1),  // back: INTERNET appears
                (["--fail-above", "0", "\(dir)/old", "\(dir)/old"], 0),  // nothing changed
                (["--fail-above", "x", "\(dir)/old", "\(dir)/new"], 64),
            ]
            for (arguments, status) in cases {
                let out = try await Vpcflow.run(["diff", "--output", "\(dir)/d.csv"] + arguments)
                #expect(out.status == status, "\(arguments): \(out)")
            }
            // An alert still writes diff.csv and says why.
            let alert = try await Vpcflow.run(["diff", "--fail-above", "40", "--output", "\(dir)/alert.csv", "\(dir)/old", "\(dir)/new"])
            #expect(alert.stdoutText.contains("2 services rows grew by more than 40.0% or appeared"), "\(alert)")
            #expect(String(decoding: try Fixtures.read("\(dir)/alert.csv"), as: UTF8.self) == Self.expected)
        }
    }

    @Test func refusals() async throws {
        try await withTemporaryDirectory { dir in
            try await Self.nights(dir)
            let all = try await Vpcflow.run(
                ["summarize", "--quiet", "--ranges", Self.ranges, "--attribution", "all", "--output", "\(dir)/all", "\(dir)/new.log"])
            #expect(all.status == 0, "\(all)")
            let mixed = try await Vpcflow.run(["diff", "--output", "\(dir)/d.csv", "\(dir)/old", "\(dir)/all"])
            #expect(mixed.status == 65 && mixed.stderrText.contains("different attributions"), "\(mixed)")
            let missing = try await Vpcflow.run(["diff", "--output", "\(dir)/d.csv", "\(dir)/old", "\(dir)/nothing"])
            #expect(missing.status == 66, "\(missing)")
            try FileManager.default.createDirectory(atPath: "\(dir)/empty", withIntermediateDirectories: true)
            let empty = try await Vpcflow.run(["diff", "--output", "\(dir)/d.csv", "\(dir)/old", "\(dir)/empty"])
            #expect(empty.status == 66 && empty.stderrText.contains("no services.csv"), "\(empty)")
            let notPartial = try await Vpcflow.run(["diff", "--output", "\(dir)/d.csv", "\(dir)/old", "\(dir)/old.log"])
            #expect(notPartial.status == 65 && notPartial.stderrText.contains("neither a report folder nor a vpcflow partial"), "\(notPartial)")
            try Fixtures.write("side,region\n", to: "\(dir)/empty/services.csv")
            try Fixtures.write("", to: "\(dir)/empty/paths.csv")
            try FileManager.default.copyItem(atPath: "\(dir)/old/summary.json", toPath: "\(dir)/empty/summary.json")
            let bad = try await Vpcflow.run(["diff", "--output", "\(dir)/d.csv", "\(dir)/old", "\(dir)/empty"])
            #expect(bad.status == 65 && bad.stderrText.contains("not a vpcflow report"), "\(bad)")
            #expect(!FileManager.default.fileExists(atPath: "\(dir)/d.csv"), "nothing written when refused")
        }
    }
}
