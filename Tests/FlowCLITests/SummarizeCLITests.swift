import FlowIO
import Foundation
import Testing

/// `vpcflow summarize` run as a process: the golden reports of `Tests/FlowEngineTests/Fixtures/
/// summarize/` through the binary (files, standard input plain and gzip, a directory, both
/// attributions), and the error contract: exit 66 and 74 with the failed input named on standard
/// error and in summary.json while the others are still reported; `--fail-fast` writing nothing;
/// `--max-malformed`; usage errors (64); old reports replaced; no temporary file after any run.
struct SummarizeCLITests {
    static let fixtures = "Tests/FlowEngineTests/Fixtures/summarize"
    static let nested = "\(fixtures)/ranges-nested.json"
    static let reports = ["services.csv", "paths.csv", "summary.json"]

    /// `summarize --quiet --ranges RANGES --output OUT ARGUMENTS`, then the no-temporary-file check.
    static func summarize(
        _ arguments: [String], output: String, ranges: String = Fixtures.exampleRanges, stdin: [UInt8]? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> ProcessOutput {
        let result = try await Vpcflow.run(
            ["summarize", "--quiet", "--ranges", ranges, "--output", output] + arguments, stdin: stdin,
            sourceLocation: sourceLocation)
        let names = (FileManager.default.enumerator(atPath: output)?.allObjects as? [String]) ?? []
        #expect(!names.contains { $0.contains(".tmp") }, "temporary files left: \(names)", sourceLocation: sourceLocation)
        return result
    }

    static func present(_ directory: String) -> [String] {
        reports.filter { FileManager.default.fileExists(atPath: "\(directory)/\($0)") }
    }

    static func golden(_ fixture: String, _ file: String) throws -> [UInt8] { try Fixtures.read("\(fixtures)/\(fixture)/\(file)") }

    /// `bytes` as one gzip member, written by FlowIO's own zlib writer: no `gzip` tool is needed, so
    /// the gzip tests always run (they used to return early, passing, without the tool).
    static func gzipped(_ bytes: [UInt8], in directory: String) async throws -> [UInt8] {
        try GzipFixture.compress(bytes, in: directory)
    }

    static func summary(_ directory: String) throws -> [String: Any] { try JSON.object(try Fixtures.read("\(directory)/summary.json")) }

    // MARK: - Golden reports through the binary

    struct GoldenCase: Sendable, CustomTestStringConvertible {
        let fixture: String
        let input: String
        let ranges: String
        let options: [String]
        var testDescription: String { fixture }
    }

    static let goldenCases: [GoldenCase] = [
        ("v2-header", "input.log", []), ("notebook-csv", "input.csv", []), ("crlf", "input.log", []),
        ("no-final-newline", "input.log", []), ("nodata-skipdata", "input.log", []), ("missing-counters", "input.log", []),
    ].map { GoldenCase(fixture: $0.0, input: "\(fixtures)/\($0.0)/\($0.1)", ranges: Fixtures.exampleRanges, options: $0.2) }
        + [
            ("v2-no-header", "input.log", []), ("v5-order", "input.log", []), ("tgw-v6", "input.log", []),
            ("ipv4-ipv6", "input.log", []), ("concatenated", "input.log", []), ("csv-columns", "input.csv", []),
            ("malformed", "input.log", []), ("fields-custom", "input.log", ["--fields", "srcaddr dstaddr bytes packets action log-status"]),
            ("labels", "../v2-no-header/input.log", ["--labels", "\(fixtures)/labels.csv"]),
        ].map { GoldenCase(fixture: $0.0, input: "\(fixtures)/\($0.0)/\($0.1)", ranges: nested, options: $0.2) }

    @Test("golden services.csv (primary and all) and paths.csv from files", arguments: goldenCases)
    func goldenFromFiles(_ c: GoldenCase) async throws {
        try await withTemporaryDirectory { directory in
            for (attribution, file) in [("primary", "services.csv"), ("all", "services-all.csv")] {
                let out = "\(directory)/\(attribution)"
                let result = try await Self.summarize(c.options + ["--attribution", attribution, c.input], output: out, ranges: c.ranges)
                #expect(result.exited(0), "\(result.stderrText)")
                #expect(try Fixtures.read("\(out)/services.csv") == Self.golden(c.fixture, file))
                #expect(try Fixtures.read("\(out)/paths.csv") == Self.golden(c.fixture, "paths.csv"))
                #expect(try Self.summary(out)["attribution"] as? String == attribution)
            }
        }
    }

    static let stdinCases: [(String, Bool, String?, Inflater)] = ["v2-header", "crlf", "notebook-csv", "no-final-newline"].flatMap {
        [($0, false, nil, .zlib), ($0, true, nil, .zlib), ($0, true, nil, .isal), ($0, false, "1", .zlib), ($0, true, "7", .zlib), ($0, true, "7", .isal)]
    }

    @Test("standard input, plain and gzip, any block size: the golden reports", arguments: stdinCases)
    func standardInput(_ fixture: String, _ gzip: Bool, _ chunk: String?, _ inflater: Inflater) async throws {
        try InflaterCases.require(inflater)
        try await withTemporaryDirectory { directory in
            var bytes = try Fixtures.read(Self.goldenCases.first { $0.fixture == fixture }!.input)
            if gzip { bytes = try await Self.gzipped(bytes, in: directory) }
            let result = try await Self.summarize(
                (chunk.map { ["--chunk-size", $0] } ?? []) + ["--inflater", inflater.rawValue, "-"], output: directory, stdin: bytes)
            #expect(result.exited(0), "\(result.stderrText)")
            #expect(try Fixtures.read("\(directory)/services.csv") == Self.golden(fixture, "services.csv"))
            #expect(try Fixtures.read("\(directory)/paths.csv") == Self.golden(fixture, "paths.csv"))
            #expect((try Self.summary(directory)["inputs"] as? [String: Any])?["gzip_files"] as? Int == (gzip ? 1 : 0))
        }
    }

    /// Standard input between two files: the same reports as the three files, and its malformed
    /// samples named `<stdin>` at the lines the file gives, although it is read in 64-byte blocks.
    @Test func standardInputAmongFiles() async throws {
        try await withTemporaryDirectory { directory in
            let inputs = ["v2-no-header/input.log", "malformed/input.log", "ipv4-ipv6/input.log"].map { "\(Self.fixtures)/\($0)" }
            let (first, middle, last) = (inputs[0], inputs[1], inputs[2])
            let piped = try await Self.summarize(
                ["--chunk-size", "64", first, "-", last], output: "\(directory)/piped", ranges: Self.nested, stdin: try Fixtures.read(middle))
            let files = try await Self.summarize([first, middle, last], output: "\(directory)/files", ranges: Self.nested)
            #expect(piped.exited(0) && files.exited(0), "\(piped.stderrText) \(files.stderrText)")
            for report in ["services.csv", "paths.csv"] {
                #expect(try Fixtures.read("\(directory)/piped/\(report)") == Fixtures.read("\(directory)/files/\(report)"))
            }
            let samples = try ["piped", "files"].map { try JSON.objects(try Self.summary("\(directory)/\($0)"), "malformed_samples") }
            #expect(samples[0].map { $0["file"] as? String } == Array(repeating: "<stdin>", count: 10))
            #expect(samples[0].map { $0["line"] as? Int } == samples[1].map { $0["line"] as? Int })
            #expect(samples[0].map { $0["line"] as? Int } == Array(stride(from: 3, through: 21, by: 2)))
        }
    }

    /// A directory is every regular file below it, sorted, hidden names skipped.
    @Test func directoryInput() async throws {
        try await withTemporaryDirectory { directory in
            let tree = "\(directory)/AWSLogs"
            for (name, source) in [("a/2.log", "v2-header/input.log"), ("a/b/1.log", "crlf/input.log"), ("0.log", "missing-counters/input.log")] {
                try Fixtures.write(try Fixtures.read("\(Self.fixtures)/\(source)"), to: "\(tree)/\(name)")
            }
            try Fixtures.write("not a flow log\n", to: "\(tree)/.hidden.log")
            try Fixtures.write("not a flow log\n", to: "\(tree)/.cache/3.log")
            let byDirectory = try await Self.summarize([tree], output: "\(directory)/dir")
            let byList = try await Self.summarize(["0.log", "a/2.log", "a/b/1.log"].map { "\(tree)/\($0)" }, output: "\(directory)/list")
            #expect(byDirectory.exited(0) && byList.exited(0), "\(byDirectory.stderrText) \(byList.stderrText)")
            for report in ["services.csv", "paths.csv"] {
                #expect(try Fixtures.read("\(directory)/dir/\(report)") == Fixtures.read("\(directory)/list/\(report)"))
            }
            let summary = try Self.summary("\(directory)/dir")
            #expect((summary["inputs"] as? [String: Any])?["files"] as? Int == 3)
            #expect((summary["records"] as? [String: Any])?["malformed"] as? Int == 0)
        }
    }

    // MARK: - Errors

    @Test("a missing input among good ones: the others reported, exit 66, the missing one named")
    func missingInput() async throws {
        try await withTemporaryDirectory { directory in
            let good = ["\(Self.fixtures)/v2-header/input.log", "\(Self.fixtures)/crlf/input.log"]
            let missing = "\(directory)/no-such-file.log"
            let result = try await Self.summarize([good[0], missing, good[1]], output: "\(directory)/out")
            #expect(result.exited(66), "status \(result.status): \(result.stderrText)")
            #expect(result.stderrText.contains(missing))
            #expect(Self.present("\(directory)/out") == Self.reports)
            let failed = try JSON.objects(try #require(try Self.summary("\(directory)/out")["inputs"] as? [String: Any]), "failed")
            #expect(failed.map { $0["path"] as? String } == [missing])
            #expect(failed.first?["kind"] as? String == "cannot_open")
            let clean = try await Self.summarize(good, output: "\(directory)/clean")
            #expect(clean.exited(0))
            #expect(try Fixtures.read("\(directory)/out/services.csv") == Fixtures.read("\(directory)/clean/services.csv"))
        }
    }

    static let corruptions = ["truncated in the middle", "a byte flipped in the middle", "the CRC flipped", "only the header"]

    @Test("a corrupt gzip among good inputs: exit 74, named, reports written", arguments: corruptions, InflaterCases.all)
    func corruptGzip(_ corruption: String, _ inflater: Inflater) async throws {
        try InflaterCases.require(inflater)
        try await withTemporaryDirectory { directory in
            var bytes = try await Self.gzipped(try Fixtures.read("\(Self.fixtures)/malformed/input.log"), in: directory)
            switch corruption {
            case "truncated in the middle": bytes.removeSubrange((bytes.count / 2)...)
            case "a byte flipped in the middle": bytes[bytes.count / 2] ^= 0xFF
            case "the CRC flipped": bytes[bytes.count - 8] ^= 0x01
            default: bytes.removeSubrange(10...)
            }
            let broken = "\(directory)/broken.log.gz"
            try Fixtures.write(bytes, to: broken)
            let good = "\(Self.fixtures)/v2-header/input.log"
            let result = try await Self.summarize(["--inflater", inflater.rawValue, good, broken], output: "\(directory)/out")
            #expect(result.exited(74), "status \(result.status): \(result.stderrText)")
            #expect(result.stderrText.contains(broken))
            #expect(Self.present("\(directory)/out") == Self.reports)
            let failed = try JSON.objects(try #require(try Self.summary("\(directory)/out")["inputs"] as? [String: Any]), "failed")
            #expect(failed.map { $0["path"] as? String } == [broken])
            #expect(failed.first?["kind"] as? String == "io_error")
        }
    }

    @Test("--fail-fast with a missing input: exit 66, no report written", arguments: [0, 1, 2])
    func failFast(_ position: Int) async throws {
        try await withTemporaryDirectory { directory in
            var inputs = ["\(Self.fixtures)/v2-header/input.log", "\(Self.fixtures)/crlf/input.log"]
            inputs.insert("\(directory)/missing.log", at: position)
            let result = try await Self.summarize(["--fail-fast"] + inputs, output: "\(directory)/out")
            #expect(result.exited(66), "status \(result.status): \(result.stderrText)")
            #expect(result.stderrText.contains("missing.log"))
            #expect(Self.present("\(directory)/out").isEmpty)
            #expect(((try? FileManager.default.contentsOfDirectory(atPath: "\(directory)/out")) ?? []).isEmpty)
        }
    }

    @Test("a header without the address fields: exit 65, named, the other input reported")
    func unusableHeader() async throws {
        try await withTemporaryDirectory { directory in
            let bad = "\(directory)/no-addresses.log"
            try Fixtures.write("version account-id action log-status\n2 123456789012 ACCEPT OK\n", to: bad)
            let result = try await Self.summarize([bad, "\(Self.fixtures)/v2-header/input.log"], output: "\(directory)/out")
            #expect(result.exited(65), "status \(result.status): \(result.stderrText)")
            #expect(result.stderrText.contains(bad))
            #expect(try Fixtures.read("\(directory)/out/services.csv") == Self.golden("v2-header", "services.csv"))
            let failed = try JSON.objects(try #require(try Self.summary("\(directory)/out")["inputs"] as? [String: Any]), "failed")
            #expect(failed.map { $0["kind"] as? String } == ["bad_header"])
        }
    }

    @Test("--fail-fast with a corrupt gzip: exit 74, no report written", arguments: InflaterCases.all)
    func failFastCorruptGzip(_ inflater: Inflater) async throws {
        try InflaterCases.require(inflater)
        try await withTemporaryDirectory { directory in
            var bytes = try await Self.gzipped(try Fixtures.read("\(Self.fixtures)/malformed/input.log"), in: directory)
            bytes.removeSubrange((bytes.count / 2)...)
            try Fixtures.write(bytes, to: "\(directory)/broken.gz")
            let result = try await Self.summarize(
                ["--fail-fast", "--inflater", inflater.rawValue, "\(directory)/broken.gz", "\(Self.fixtures)/v2-header/input.log"], output: "\(directory)/out")
            #expect(result.exited(74), "status \(result.status): \(result.stderrText)")
            #expect(((try? FileManager.default.contentsOfDirectory(atPath: "\(directory)/out")) ?? []).isEmpty)
        }
    }

    /// The malformed fixture: 17 of 35 data lines (48.6 %) are malformed.
    @Test("--max-malformed", arguments: [("0", 65), ("16", 65), ("17", 0), ("48%", 65), ("50%", 0), ("100%", 0), ("0.5%", 65)])
    func maxMalformed(_ limit: String, _ status: Int32) async throws {
        try await withTemporaryDirectory { directory in
            let result = try await Self.summarize(
                ["--max-malformed", limit, "\(Self.fixtures)/malformed/input.log"], output: directory, ranges: Self.nested)
            #expect(result.exited(status), "status \(result.status): \(result.stderrText)")
            #expect(Self.present(directory) == Self.reports)
            #expect(try Fixtures.read("\(directory)/services.csv") == Self.golden("malformed", "services.csv"))
        }
    }

    @Test("usage errors exit 64 and write nothing", arguments: [
        ["--jobs", "0"], ["--jobs", "-2"], ["--jobs", "many"], ["--chunk-size", "abc"], ["--chunk-size", "0"],
        ["--attribution", "foo"], ["--max-malformed", "x"], ["--max-malformed", "101%"], ["--max-malformed", "-1"],
        ["--bogus"], ["-", "-"],
    ])
    func usageErrors(_ options: [String]) async throws {
        try await withTemporaryDirectory { directory in
            let result = try await Self.summarize(options + ["\(Self.fixtures)/v2-header/input.log"], output: "\(directory)/out")
            #expect(result.exited(64), "status \(result.status): \(result.stderrText)")
            #expect(!result.stderrText.isEmpty)
            #expect(Self.present("\(directory)/out").isEmpty)
        }
    }

    @Test("old reports are replaced, other files left alone")
    func oldReportsReplaced() async throws {
        try await withTemporaryDirectory { directory in
            for name in Self.reports + ["notes.txt"] { try Fixtures.write("old \(name)\n", to: "\(directory)/\(name)") }
            let result = try await Self.summarize(["\(Self.fixtures)/v2-header/input.log"], output: directory)
            #expect(result.exited(0), "\(result.stderrText)")
            #expect(try Fixtures.read("\(directory)/services.csv") == Self.golden("v2-header", "services.csv"))
            #expect(try Fixtures.read("\(directory)/paths.csv") == Self.golden("v2-header", "paths.csv"))
            #expect((try Self.summary(directory)["records"] as? [String: Any])?["ok"] as? Int == 9)
            #expect(try Fixtures.read("\(directory)/notes.txt") == Array("old notes.txt\n".utf8))
        }
    }
}
