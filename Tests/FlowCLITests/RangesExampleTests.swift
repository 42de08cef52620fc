import Foundation
import Testing

/// Ranges commands on the committed example only (they run in a fresh clone): `ranges info` pinned
/// by a golden file, and `--labels`, the user's own networks, which behave like extra entries.
@Suite("ranges on the example, and --labels")
struct RangesExampleTests {
    static let ranges = ["--ranges", Fixtures.exampleRanges]

    @Test("ranges info on the example matches its golden file")
    func infoExampleGolden() async throws {
        let result = try await Vpcflow.run(["ranges", "info"] + Self.ranges)
        #expect(result.exited(0))
        #expect(result.stderrText == "")
        try Golden.check(result.stdout, "ranges-info-example.txt")
    }

    /// A header, a comment, a blank line, CRLF line ends, quotes and spaces, with and without region.
    static let labels =
        "cidr,label,region\r\n# our networks\r\n10.1.0.0/16,prod-vpc,eu-west-1\r\n\r\n \"192.168.0.0/16\" , office \r\n"

    @Test("a labels CSV makes ranges lookup report class custom with the label")
    func labelLookup() async throws {
        try await withTemporaryDirectory { dir in
            try Fixtures.write(Self.labels, to: "\(dir)/labels.csv")
            let result = try await Vpcflow.run(
                ["ranges", "lookup"] + Self.ranges + ["--labels", "\(dir)/labels.csv", "10.1.2.3", "192.168.7.7", "10.2.0.1"])
            #expect(result.exited(0), "status \(result.status): \(result.stderrText)")
            #expect(
                result.stdoutText == """
                    10.1.2.3
                      class:    custom
                      primary:  eu-west-1 prod-vpc 10.1.0.0/16 (network border group eu-west-1)
                      matches:  eu-west-1_prod-vpc_10.1.0.0/16
                    192.168.7.7
                      class:    custom
                      primary:  - office 192.168.0.0/16 (network border group -)
                      matches:  -_office_192.168.0.0/16
                    10.2.0.1
                      class:    PRIVATE
                      primary:  - PRIVATE
                      matches:  (none)

                    """)
        }
    }

    @Test("labels JSON marks the entry's origin as label")
    func labelLookupJSON() async throws {
        try await withTemporaryDirectory { dir in
            try Fixtures.write(Self.labels, to: "\(dir)/labels.csv")
            let result = try await Vpcflow.run(
                ["ranges", "lookup", "--format", "json"] + Self.ranges + ["--labels", "\(dir)/labels.csv", "10.1.2.3"])
            #expect(result.exited(0))
            let document = try JSON.object(result.stdout)
            let ranges = try #require(document["ranges"] as? [String: Any])
            #expect(ranges["label_entries"] as? Int == 2)
            #expect(ranges["labels_file"] as? String == "\(dir)/labels.csv")
            let first = try #require(try JSON.objects(document, "results").first)
            #expect(first["class"] as? String == "custom")
            let primary = try #require(first["primary"] as? [String: Any])
            #expect(primary["service"] as? String == "prod-vpc")
            #expect(primary["origin"] as? String == "label")
        }
    }

    @Test("labels take part in classify like AWS entries")
    func labelsInClassify() async throws {
        try await withTemporaryDirectory { dir in
            try Fixtures.write(Self.labels, to: "\(dir)/labels.csv")
            let result = try await Vpcflow.run(
                ["classify"] + Self.ranges + ["--labels", "\(dir)/labels.csv", Fixtures.exampleFlows])
            #expect(result.exited(0))
            let expected = ClassifyTests.expected.replacingOccurrences(
                of: "10.1.0.67,\n", with: "10.1.0.67,eu-west-1_prod-vpc_10.1.0.0/16\n")
            #expect(result.stdoutText == expected)
        }
    }

    @Test("a labels CIDR with host bits exits 65 naming the file and line")
    func hostBitsInLabels() async throws {
        try await withTemporaryDirectory { dir in
            let path = "\(dir)/bad-labels.csv"
            try Fixtures.write("cidr,label\n# comment\n10.1.0.0/16,prod\n10.1.2.3/16,oops\n", to: path)
            let result = try await Vpcflow.run(["ranges", "lookup"] + Self.ranges + ["--labels", path, "10.1.2.3"])
            #expect(result.exited(65), "status \(result.status)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderrText.contains("\(path): line 4: "), "stderr: \(result.stderrText)")
            #expect(result.stderrText.contains("host bits"), "stderr: \(result.stderrText)")
        }
    }

    @Test("a missing labels file exits 66 and names it")
    func missingLabels() async throws {
        let result = try await Vpcflow.run(["ranges", "lookup"] + Self.ranges + ["--labels", "no-such-labels.csv", "10.1.2.3"])
        #expect(result.exited(66), "status \(result.status)")
        #expect(result.stderrText.contains("no-such-labels.csv"))
    }
}
