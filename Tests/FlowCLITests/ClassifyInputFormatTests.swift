import Testing

/// `vpcflow classify` on the example's four records written in every input format it reads (CSV
/// with CRLF, AWS flow-log text with a header in any order, without a header, with `--fields`): the
/// classification must not depend on the format. Also: malformed lines and NODATA/SKIPDATA records
/// are skipped without changing the output for the good lines.
@Suite("classify: input formats, malformed lines, NODATA")
struct ClassifyInputFormatTests {
    /// The example's records, (srcaddr, dstaddr), as in datasets/example/flows.csv.
    static let records = [
        ("10.0.0.6", "172.31.0.3"), ("3.2.34.5", "172.31.0.15"), ("172.32.0.10", "13.34.37.75"), ("10.1.0.67", "172.31.0.3"),
    ]

    static let defaultHeader =
        "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n"

    /// A version 2 default-format line (14 fields).
    static func defaultLine(_ src: String, _ dst: String) -> String {
        "2 123456789012 eni-0a1b2c3d4e5f60001 \(src) \(dst) 443 49152 6 10 8400 1700000000 1700000060 ACCEPT OK"
    }

    /// One way of writing the four records: extra arguments and the file's text.
    struct Format: Sendable, CustomTestStringConvertible {
        let name: String
        let arguments: [String]
        let text: String
        var testDescription: String { name }
    }

    static let formats: [Format] = [
        Format(
            name: "CSV with CRLF line ends", arguments: [],
            text: "srcaddr,dstaddr\r\n" + records.map { "\($0.0),\($0.1)\r\n" }.joined()),
        Format(
            name: "CSV with more columns, addresses found by name", arguments: [],
            text: "packets,dstaddr,bytes,srcaddr\n" + records.map { "1,\($0.1),60,\($0.0)\n" }.joined()),
        Format(
            name: "AWS text with the default header", arguments: [],
            text: defaultHeader + records.map { defaultLine($0.0, $0.1) + "\n" }.joined()),
        // dstaddr before srcaddr, and pkt-srcaddr/pkt-dstaddr holding other addresses that must be ignored.
        Format(
            name: "AWS text with a custom header", arguments: [],
            text: "version log-status dstaddr pkt-dstaddr bytes pkt-srcaddr srcaddr action flow-direction\n"
                + records.map { "5 OK \($0.1) 192.0.2.1 840 192.0.2.2 \($0.0) ACCEPT egress\n" }.joined()),
        Format(
            name: "AWS text without a header (default version 2 format)", arguments: [],
            text: records.map { defaultLine($0.0, $0.1) + "\n" }.joined()),
        Format(
            name: "AWS text without a header, --fields in a custom order",
            arguments: ["--fields", "log-status dstaddr bytes srcaddr action"],
            text: records.map { "OK \($0.1) 840 \($0.0) ACCEPT\n" }.joined()),
        // Concatenated S3 objects repeat the header mid-file; no trailing newline at the end.
        Format(
            name: "AWS text with a repeated header and no final newline", arguments: [],
            text: {
                let lines = records.map { defaultLine($0.0, $0.1) + "\n" }
                return String((defaultHeader + lines[0] + lines[1] + defaultHeader + lines[2] + lines[3]).dropLast())
            }()),
    ]

    @Test("every input format classifies the same", arguments: formats)
    func sameClassification(_ format: Format) async throws {
        try await withTemporaryDirectory { dir in
            let path = "\(dir)/flows.log"
            try Fixtures.write(format.text, to: path)
            let result = try await Vpcflow.run(
                ["classify", "--ranges", Fixtures.exampleRanges] + format.arguments + [path])
            ClassifyTests.expectExampleOutput(result)
        }
    }

    @Test("malformed lines are skipped and reported with file:line, good lines unchanged")
    func malformedLinesSkipped() async throws {
        try await withTemporaryDirectory { dir in
            let path = "\(dir)/flows-with-junk.csv"
            try Fixtures.write(
                """
                srcaddr,dstaddr
                10.0.0.6,172.31.0.3
                this line is not a record
                3.2.34.5,172.31.0.15
                10.0.0.300,1.2.3.4
                172.32.0.10,13.34.37.75
                1.2.3.4,not-an-ip
                10.1.0.67,172.31.0.3

                """, to: path)
            let result = try await Vpcflow.run(["classify", "--ranges", Fixtures.exampleRanges, path])
            #expect(result.exited(0), "status \(result.status)")
            #expect(result.stdoutText == ClassifyTests.expected)
            let stderr = result.stderrText
            for line in [3, 5, 7] {
                #expect(stderr.contains("\(path):\(line): "), "line \(line) not reported:\n\(stderr)")
            }
            #expect(!stderr.contains("\(path):2:") && !stderr.contains("\(path):4:"), "good lines reported:\n\(stderr)")
            // Counted once, not once per pass (sources, then destinations).
            #expect(stderr.contains("skipped 3 lines"), "stderr: \(stderr)")
        }
    }

    @Test("malformed AWS text lines are reported with file:line")
    func malformedTextLines() async throws {
        try await withTemporaryDirectory { dir in
            let path = "\(dir)/eni.log"
            let lines = Self.records.map { Self.defaultLine($0.0, $0.1) }
            try Fixtures.write(
                [lines[0], lines[1], "2 123456789012 eni-0a1b2c3d4e5f60001 truncated", lines[2], lines[3]]
                    .joined(separator: "\n") + "\n", to: path)
            let result = try await Vpcflow.run(["classify", "--ranges", Fixtures.exampleRanges, path])
            #expect(result.exited(0))
            #expect(result.stdoutText == ClassifyTests.expected)
            #expect(result.stderrText.contains("\(path):3: "), "stderr: \(result.stderrText)")
        }
    }

    @Test("NODATA and SKIPDATA records are skipped, not reported as malformed")
    func noDataSkipped() async throws {
        try await withTemporaryDirectory { dir in
            let path = "\(dir)/eni.log"
            let lines = Self.records.map { Self.defaultLine($0.0, $0.1) }
            let noData = "2 123456789012 eni-0a1b2c3d4e5f60001 - - - - - - - 1700000000 1700000060 - NODATA"
            let skipData = "2 123456789012 eni-0a1b2c3d4e5f60001 - - - - - - - 1700000000 1700000060 - SKIPDATA"
            try Fixtures.write(
                [noData, lines[0], lines[1], skipData, lines[2], noData, lines[3]].joined(separator: "\n") + "\n",
                to: path)
            let result = try await Vpcflow.run(["classify", "--ranges", Fixtures.exampleRanges, path])
            #expect(result.exited(0))
            #expect(result.stdoutText == ClassifyTests.expected)
            #expect(result.stderrText.contains("skipped 3 records without addresses"), "stderr: \(result.stderrText)")
            #expect(!result.stderrText.contains("not records"), "stderr: \(result.stderrText)")
        }
    }

    @Test("a header without srcaddr/dstaddr exits 65 naming file and line")
    func unusableHeader() async throws {
        try await withTemporaryDirectory { dir in
            let path = "\(dir)/eni.log"
            try Fixtures.write("version account-id interface-id bytes packets\n2 1 eni-1 10 1\n", to: path)
            let result = try await Vpcflow.run(["classify", "--ranges", Fixtures.exampleRanges, path])
            #expect(result.exited(65), "status \(result.status)")
            #expect(result.stderrText.contains("\(path):1"), "stderr: \(result.stderrText)")
        }
    }
}
