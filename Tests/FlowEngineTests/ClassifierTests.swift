import FlowIO
import Testing

@testable import FlowEngine

/// `Classifier`: the notebook's job. The committed example gives the notebook's exact eight lines,
/// whatever the input shape (CSV, AWS text with or without a header, custom field order); records
/// without addresses and malformed lines are counted and sampled without disturbing the output;
/// IPv6 and labels are classified; and 2,000 seeded random records over the real snapshot match a
/// plain linear scan written here.
struct ClassifierTests {
    struct Run {
        var output: String
        var source: Classifier.Tally
        var destination: Classifier.Tally
    }

    /// The source pass, then the destination pass, as `vpcflow classify` prints them.
    private static func run(
        _ classifier: Classifier, _ text: String, fields: RecordLayout? = nil, flushThreshold: Int = 1 << 16
    ) throws -> Run {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        var flushed: [UInt8] = []
        let flush = { (buffer: inout [UInt8]) in
            flushed += buffer
            buffer.removeAll()
        }
        let source = try classifier.classify(
            bytes.span, path: "in.log", side: .source, fields: fields, output: &output, flushThreshold: flushThreshold,
            flush: flush)
        let destination = try classifier.classify(
            bytes.span, path: "in.log", side: .destination, fields: fields, output: &output,
            flushThreshold: flushThreshold, flush: flush)
        return Run(output: String(decoding: flushed + output, as: UTF8.self), source: source, destination: destination)
    }

    private static func exampleClassifier() throws -> Classifier {
        Classifier(index: PrefixIndex(try TestSupport.exampleRanges()))
    }

    /// The notebook's output for `datasets/example/flows.csv`.
    static let notebookOutput = """
        10.0.0.6,
        3.2.34.5,af-south-1_AMAZON_3.2.34.0/26,af-south-1_EC2_3.2.34.0/26
        172.32.0.10,
        10.1.0.67,
        172.31.0.3,
        172.31.0.15,
        13.34.37.75,ap-southeast-4_AMAZON_13.34.37.64/27
        172.31.0.3,

        """

    static let exampleAddresses = [
        ("10.0.0.6", "172.31.0.3"), ("3.2.34.5", "172.31.0.15"), ("172.32.0.10", "13.34.37.75"), ("10.1.0.67", "172.31.0.3"),
    ]

    static let v2Header =
        "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"

    static func v2Record(_ src: String, _ dst: String) -> String {
        "2 123456789010 eni-1235b8ca123456789 \(src) \(dst) 443 49152 6 10 8400 1700000000 1700000060 ACCEPT OK"
    }

    static let v2Records = exampleAddresses.map { v2Record($0.0, $0.1) }

    @Test func committedExampleGivesTheNotebookLines() throws {
        let text = String(decoding: try FileReading.readAll("\(TestSupport.packageRoot)/datasets/example/flows.csv"), as: UTF8.self)
        let run = try Self.run(try Self.exampleClassifier(), text)
        #expect(run.output == Self.notebookOutput)
        #expect(run.source.records == 4 && run.destination.records == 4)
        #expect(run.source.malformed == 0 && run.source.withoutAddresses == 0 && run.source.samples.isEmpty)
        // Flushing after every line changes nothing.
        #expect(try Self.run(try Self.exampleClassifier(), text, flushThreshold: 1).output == Self.notebookOutput)
    }

    @Test func sameRecordsInEveryInputShape() throws {
        let classifier = try Self.exampleClassifier()
        let withHeader = ([Self.v2Header] + Self.v2Records).joined(separator: "\n") + "\n"
        let withoutHeader = Self.v2Records.joined(separator: "\r\n")  // CRLF, no final newline
        let customHeader = "dstaddr bytes srcaddr log-status\n"
            + Self.exampleAddresses.map { "\($0.1) 100 \($0.0) OK" }.joined(separator: "\n")
        let customFields = try RecordLayout.awsText(fields: ["action", "srcaddr", "x-unknown", "dstaddr"])
        let headerlessCustom = Self.exampleAddresses.map { "ACCEPT \t\($0.0)  - \($0.1) " }.joined(separator: "\n")
        let csvWithoutHeader = Self.exampleAddresses.map { "\($0.0),\($0.1)" }.joined(separator: "\n")
        let csvOtherOrder = "packets,dstaddr,srcaddr\n" + Self.exampleAddresses.map { "1, \($0.1) ,\"\($0.0)\"" }.joined(separator: "\n")
        for (name, text, fields) in [
            ("AWS text with header", withHeader, nil), ("AWS text without header", withoutHeader, nil),
            ("custom header", customHeader, nil), ("custom --fields", headerlessCustom, customFields),
            ("CSV without header", csvWithoutHeader, nil), ("CSV columns by name", csvOtherOrder, nil),
        ] as [(String, String, RecordLayout?)] {
            let run = try Self.run(classifier, text, fields: fields)
            #expect(run.output == Self.notebookOutput, "\(name)")
            #expect(run.source.records == 4 && run.source.malformed == 0, "\(name)")
        }
    }

    @Test func recordsWithoutAddressesAreCounted() throws {
        let text = [
            Self.v2Header, Self.v2Records[0],
            "2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA",
            Self.v2Records[1], Self.v2Records[2],
            "2 123456789010 eni-11111111aaaaaaaaa - - - - - - - 1431280876 1431280934 - SKIPDATA",
            Self.v2Records[3],
        ].joined(separator: "\n")
        let run = try Self.run(try Self.exampleClassifier(), text)
        #expect(run.output == Self.notebookOutput)
        for tally in [run.source, run.destination] {
            #expect(tally.records == 4 && tally.withoutAddresses == 2 && tally.malformed == 0)
        }
    }

    @Test func malformedLinesAreCountedAndSampled() throws {
        let bad = [
            "2 123456789010 eni-1 10.0.0.1 10.0.0.2",  // 5 fields
            "2 123456789010 eni-1 10.0.0.300 10.0.0.2 1 2 6 1 1 1 1 ACCEPT OK",  // bad srcaddr
            "2 123456789010 eni-1 10.0.0.1 not-an-ip 1 2 6 1 1 1 1 ACCEPT OK",  // bad dstaddr
            "garbage !!",
            #"{"message": "2 123456789 eni-aaaaaaaa 10.0.27.226 10.42.96.199 3604 17720 17 1 132 1502360020 1502360079 REJECT OK"}"#,
            "2 123456789010 eni-1 - 10.0.0.2 1 2 6 1 1 1 1 ACCEPT OK",  // only one address missing
        ]
        // Header, then good and bad lines alternating; 12 bad lines in all, more than the sample limit.
        var lines = [Self.v2Header]
        var badLineNumbers: [Int] = []
        for i in 0..<12 {
            if i < 4 { lines.append(Self.v2Records[i]) }
            lines.append(bad[i % bad.count])
            badLineNumbers.append(lines.count)
        }
        let run = try Self.run(try Self.exampleClassifier(), lines.joined(separator: "\n") + "\n")
        #expect(run.output == Self.notebookOutput)
        for tally in [run.source, run.destination] {
            #expect(tally.records == 4 && tally.malformed == 12 && tally.withoutAddresses == 0)
            #expect(tally.samples.count == Classifier.Tally.sampleLimit && Classifier.Tally.sampleLimit == 10)
            #expect(tally.samples.map(\.line) == Array(badLineNumbers.prefix(10)))
            #expect(tally.samples.map(\.text) == (0..<10).map { bad[$0 % bad.count] })
            #expect(tally.samples.allSatisfy { $0.path == "in.log" && !$0.reason.isEmpty })
        }
        let reasons = run.source.samples.map(\.reason)
        #expect(reasons[0].contains("14") && reasons[0].contains("5"))
        #expect(reasons[1].contains("srcaddr") && reasons[2].contains("dstaddr"))
        #expect(run.source.samples[0].description == "in.log:3: \(reasons[0]): \(bad[0])")
    }

    @Test func longMalformedLineIsTruncatedInItsSample() throws {
        let long = "x" + String(repeating: "y", count: 299)  // 300 bytes, one token: wrong field count
        let run = try Self.run(try Self.exampleClassifier(), Self.v2Records.joined(separator: "\n") + "\n" + long)
        #expect(run.output == Self.notebookOutput)
        let sample = try #require(run.source.samples.first)
        #expect(sample.line == 5)
        #expect(sample.text == "x" + String(repeating: "y", count: 199) + "…")
    }

    /// CloudWatch / Firehose consumers sometimes hand over records wrapped in JSON (reference §8,
    /// §11): such a line is not a record, even when it splits into the right number of tokens.
    @Test(arguments: [
        #"{"message":"2 123456789 eni-aaaaaaaa 10.0.27.226 10.42.96.199 3604 17720 17 1 132 1502360020 1502360079 REJECT OK"}"#,
        #"{"message":"2 428961148399 eni-0123 - - - - - - - 1671029698 1671029728 - NODATA"}"#,
    ])
    func jsonWrappedLineIsMalformed(_ wrapped: String) throws {
        let text = ([Self.v2Header, Self.v2Records[0], wrapped] + Self.v2Records.dropFirst()).joined(separator: "\n")
        let run = try Self.run(try Self.exampleClassifier(), text)
        #expect(run.output == Self.notebookOutput)
        #expect(run.source.malformed == 1 && run.source.withoutAddresses == 0 && run.source.records == 4)
        #expect(run.source.samples.first?.line == 3)
    }

    @Test func repeatedHeadersAndBlankLinesAreSkipped() throws {
        // Two S3 objects concatenated, with blank lines.
        let text = [Self.v2Header, Self.v2Records[0], Self.v2Records[1], "", Self.v2Header, "  ", Self.v2Records[2], Self.v2Records[3], ""]
            .joined(separator: "\n")
        let run = try Self.run(try Self.exampleClassifier(), text)
        #expect(run.output == Self.notebookOutput)
        #expect(run.source.malformed == 0 && run.destination.malformed == 0 && run.source.records == 4)
    }

    @Test func unusableHeaderStopsWithItsLineNumber() throws {
        let text = "\n" + "version srcaddr packets\n" + Self.v2Records[0]
        do {
            _ = try Self.run(try Self.exampleClassifier(), text)
            Issue.record("accepted a header without dstaddr")
        } catch let error as ClassifyError<Never> {
            guard case .layout(let path, let line, _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(path == "in.log" && line == 2)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func flushFailureIsReported() throws {
        struct Full: Error {}
        let bytes = Array(Self.v2Records.joined(separator: "\n").utf8)
        let classifier = try Self.exampleClassifier()
        var output: [UInt8] = []
        #expect(throws: ClassifyError<Full>.self) {
            _ = try classifier.classify(
                bytes.span, path: "in.log", side: .source, fields: nil, output: &output, flushThreshold: 1,
                flush: { (_: inout [UInt8]) throws(Full) in throw Full() })
        }
    }

    @Test func ipv6AndLabelsAreClassified() throws {
        let json = EngineFixtures.rangesJSON(
            v4: [("3.2.34.0/26", "af-south-1", "AMAZON")],
            v6: [("2600:1f14::/35", "us-west-2", "AMAZON"), ("2600:1f14:1000::/36", "us-west-2", "EC2")])
        let labels = try LabelsLoader.load(Array("10.0.0.0/8,corp,eu-west-1\nfd00::/8,ula\n172.16.0.0/12,lab\n".utf8), path: "l.csv")
        let set = try EngineFixtures.loadJSON(json).adding(labels: labels, from: "l.csv")
        let text = """
            srcaddr,dstaddr
            2600:1F14:1abc::5,10.0.0.6
            2600:1f14:2000::1,fd12:3456::1
            ::ffff:3.2.34.7,172.32.0.10
            2600:1f14:1fff:ffff:ffff:ffff:ffff:ffff,172.31.255.255
            """
        let run = try Self.run(Classifier(index: PrefixIndex(set)), text)
        #expect(run.output == """
            2600:1F14:1abc::5,us-west-2_AMAZON_2600:1f14::/35,us-west-2_EC2_2600:1f14:1000::/36
            2600:1f14:2000::1,
            ::ffff:3.2.34.7,af-south-1_AMAZON_3.2.34.0/26
            2600:1f14:1fff:ffff:ffff:ffff:ffff:ffff,us-west-2_AMAZON_2600:1f14::/35,us-west-2_EC2_2600:1f14:1000::/36
            10.0.0.6,eu-west-1_corp_10.0.0.0/8
            fd12:3456::1,-_ula_fd00::/8
            172.32.0.10,
            172.31.255.255,-_lab_172.16.0.0/12

            """)
    }

    // MARK: - Reference check on the real snapshot

    /// Text of a random address, written by hand: dotted quad, or eight hex groups (some in capitals).
    private static func text(v4 a: UInt32) -> String {
        "\(a >> 24).\((a >> 16) & 0xFF).\((a >> 8) & 0xFF).\(a & 0xFF)"
    }

    private static func text(v6 a: UInt128, upper: Bool) -> String {
        let groups = (0..<8).map { String(UInt16(truncatingIfNeeded: a >> UInt128(112 - 16 * $0)), radix: 16) }
        let joined = groups.joined(separator: ":")
        return upper ? joined.uppercased() : joined
    }

    @Test(.enabled(if: TestSupport.realSnapshot != nil, Comment(rawValue: TestSupport.skipReal)))
    func randomRecordsMatchALinearScan() throws {
        let set = try #require(EngineFixtures.realRanges)
        // Each entry as (first, last) by plain arithmetic on its network and length.
        var v4: [(first: UInt32, last: UInt32, label: Int)] = []
        var v6: [(first: UInt128, last: UInt128, label: Int)] = []
        for (i, entry) in set.entries.enumerated() {
            switch entry.prefix.network {
            case .v4(let n):
                v4.append((n, UInt32(UInt64(n) + (UInt64(1) << (32 - entry.prefix.length)) - 1), i))
            case .v6(let n):
                let hostBits = 128 - entry.prefix.length
                v6.append((n, n | (hostBits == 128 ? .max : (UInt128(1) << hostBits) - 1), i))
            }
        }
        let labels = set.entries.map { "\($0.region)_\($0.service)_\($0.prefix)" }

        var rng = SplitMix64(seed: 0x5EED_2026_0822)
        /// A random address: half inside a random entry, the rest anywhere, in 10/8, or near AWS IPv6.
        func address() -> (text: String, matches: [Int]) {
            let pick = rng.next() % 8
            if pick < 4 {
                let entry = set.entries[Int(rng.next() % UInt64(set.entries.count))]
                switch entry.prefix.network {
                case .v4(let n):
                    let mask = UInt32(truncatingIfNeeded: (UInt64(1) << (32 - entry.prefix.length)) - 1)
                    return v4Address(n | (UInt32(truncatingIfNeeded: rng.next()) & mask))
                case .v6(let n):
                    let hostBits = 128 - entry.prefix.length
                    let mask: UInt128 = hostBits == 128 ? .max : (UInt128(1) << hostBits) - 1
                    let random = UInt128(rng.next()) << 64 | UInt128(rng.next())
                    return v6Address(n | (random & mask))
                }
            }
            if pick == 4 { return v4Address(UInt32(truncatingIfNeeded: rng.next())) }
            if pick == 5 { return v4Address(0x0A00_0000 | (UInt32(truncatingIfNeeded: rng.next()) & 0x00FF_FFFF)) }
            // The top 32 bits of a random IPv6 entry, the rest random: mostly near misses.
            let base = v6[Int(rng.next() % UInt64(v6.count))].first
            return v6Address((base >> 96) << 96 | (UInt128(rng.next() >> 32) << 64 | UInt128(rng.next())))
        }
        func v4Address(_ a: UInt32) -> (String, [Int]) {
            var found: [Int] = []
            for candidate in v4 where candidate.first <= a && a <= candidate.last { found.append(candidate.label) }
            return (Self.text(v4: a), found)
        }
        func v6Address(_ a: UInt128) -> (String, [Int]) {
            var found: [Int] = []
            for candidate in v6 where candidate.first <= a && a <= candidate.last { found.append(candidate.label) }
            return (Self.text(v6: a, upper: rng.next() % 4 == 0), found)
        }

        var records: [String] = []
        var sources: [String] = []
        var destinations: [String] = []
        for _ in 0..<2_000 {
            let (src, dst) = (address(), address())
            records.append(Self.v2Record(src.text, dst.text))
            sources.append(src.text + "," + src.matches.map { labels[$0] }.joined(separator: ","))
            destinations.append(dst.text + "," + dst.matches.map { labels[$0] }.joined(separator: ","))
        }
        let expected = sources + destinations
        let run = try Self.run(Classifier(index: PrefixIndex(set)), records.joined(separator: "\n") + "\n")
        let got = run.output.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        #expect(got.count == expected.count)
        let wrong = zip(got, expected).enumerated().filter { $0.element.0 != $0.element.1 }
        #expect(wrong.isEmpty, "\(wrong.count) lines differ; first: \(wrong.prefix(3).map { "line \($0.offset + 1): got \($0.element.0) expected \($0.element.1)" })")
        #expect(run.source.records == 2_000 && run.destination.records == 2_000 && run.source.malformed == 0)
        // The sample is meaningful: many addresses match, some several entries, some none.
        #expect(expected.filter { $0.filter { $0 == "," }.count >= 2 }.count > 500)
        #expect(expected.filter { $0.hasSuffix(",") }.count > 500)
    }
}
