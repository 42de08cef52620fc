import FlowIO
import Foundation
import Testing

@testable import FlowEngine

/// Malformed samples: at most ten per file, the first ten by line, in line order, with the line
/// number counted from the file's first line (header and blank lines included) even when the
/// malformed lines lie in different chunks or gzip blocks; each with a reason naming the field.
struct SummarizeMalformedSampleTests {
    /// The bad values, one per kind, and the field the reason must name.
    static let faults: [(field: String, keyword: String)] = [
        ("count", "fields"), ("srcaddr", "srcaddr"), ("dstaddr", "dstaddr"), ("packets", "packets"), ("bytes", "bytes"),
        ("start", "start"), ("end", "end"), ("action", "action"), ("log-status", "log-status"),
    ]

    /// A v2 file with a header, a blank line every 7 lines, and `count` malformed lines (kinds in
    /// turn) between good ones. Returns the text and the malformed lines' numbers and keywords.
    static func file(malformed count: Int, crlf: Bool = false) -> (text: String, lines: [(Int, String)]) {
        var lines = [ReferenceSummarizer.defaultFields.joined(separator: " ")]
        var bad: [(Int, String)] = []
        var fault = 0
        while bad.count < count {
            if lines.count % 7 == 0 { lines.append("") }
            lines.append("2 123456789012 eni-1 10.1.0.\(lines.count % 250) 52.94.8.1 40000 443 6 5 500 1700000000 1700000060 ACCEPT OK")
            if lines.count % 3 == 0 {
                var f = ["2", "123456789012", "eni-1", "10.1.0.1", "52.94.8.1", "40000", "443", "6", "5", "500", "1700000000", "1700000060", "ACCEPT", "OK"]
                let (field, keyword) = faults[fault % faults.count]
                switch field {
                case "count": f.append("extra")
                case "srcaddr": f[3] = "10.1.0.999"
                case "dstaddr": f[4] = "52.94.8"
                case "packets": f[8] = "5x"
                case "bytes": f[9] = "0x10"
                case "start": f[10] = "yesterday"
                case "end": f[11] = "-1"
                case "action": f[12] = "ALLOW"
                default: f[13] = "PARTIAL"
                }
                lines.append(f.joined(separator: " "))
                bad.append((lines.count, keyword))
                fault += 1
            }
        }
        lines.append("2 123456789012 eni-1 10.1.0.2 52.94.8.2 40000 443 6 5 500 1700000000 1700000060 REJECT OK")
        let end = crlf ? "\r\n" : "\n"
        return (lines.joined(separator: end) + end, bad)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let malformed: Int
        let chunk: Int
        let jobs: Int
        let mapping: Bool
        let crlf: Bool
        var testDescription: String { "\(malformed) malformed, chunk \(chunk), jobs \(jobs), \(mapping ? "mapped" : "pread")\(crlf ? ", CRLF" : "")" }
    }

    static let cases: [Case] = [25, 10, 3].flatMap { malformed in
        [1, 64].flatMap { chunk in
            [(1, true, false), (3, false, false), (8, true, true)].map {
                Case(malformed: malformed, chunk: chunk, jobs: $0.0, mapping: $0.1, crlf: $0.2)
            }
        }
    } + [Case(malformed: 25, chunk: 8 << 20, jobs: 1, mapping: true, crlf: false)]

    @Test("the first ten per file, in order, at their file line numbers", arguments: cases)
    func firstTen(_ c: Case) async throws {
        try await SummarizeHarness.withScratchDirectory { directory in
            let (text, bad) = Self.file(malformed: c.malformed, crlf: c.crlf)
            let path = "\(directory)/bad.log"
            try SummarizeHarness.write(Array(text.utf8), to: path)
            let options = SummarizeOptions(jobs: c.jobs, chunkSize: c.chunk, allowMapping: c.mapping)
            let run = await SummarizeHarness.run([path], index: try SummarizeHarness.index(.nested), options: options)
            let samples = run.result.samples
            #expect(samples.map(\.line) == bad.prefix(10).map(\.0))
            #expect(samples.allSatisfy { $0.path == path })
            for (sample, (_, keyword)) in zip(samples, bad) {
                #expect(sample.reason.contains(keyword), "line \(sample.line): \(sample.reason)")
                #expect(!sample.text.isEmpty && !sample.text.hasSuffix("\r"))
            }
            #expect(run.result.aggregate.records.malformed == c.malformed)
            #expect(run.result.inputs.map(\.malformed) == [c.malformed])
            let reference = try ReferenceSummarizer.summarize(paths: [path], ranges: try SummarizeHarness.reference(.nested))
            SummarizeHarness.expectMatches(run, reference, c.testDescription)
        }
    }

    /// Three files with 25, 4 and 12 malformed lines: 10 + 4 + 10 samples, grouped by input in
    /// input order, each group in line order; also through gzip with tiny blocks.
    @Test("several files: at most ten each, by input then line", arguments: [(false, Inflater.zlib), (true, .zlib), (true, .isal)])
    func severalFiles(_ gzip: Bool, _ inflater: Inflater) async throws {
        try InflaterCases.require(inflater)
        try await SummarizeHarness.withScratchDirectory { directory in
            var paths: [String] = []
            var expected: [String] = []
            for (number, count) in [25, 4, 12].enumerated() {
                let (text, bad) = Self.file(malformed: count, crlf: number == 1)
                let path = "\(directory)/\(number).log"
                let bytes = Array(text.utf8)
                try SummarizeHarness.write(gzip ? try SummarizeHarness.gzip(bytes) : bytes, to: path)
                paths.append(path)
                expected += bad.prefix(10).map { "\(path):\($0.0)" }
            }
            for (chunk, jobs) in [(1, 3), (64, 2), (8 << 20, 1)] {
                let options = SummarizeOptions(jobs: jobs, chunkSize: chunk, gzipBlockSize: chunk).inflating(with: inflater)
                let run = await SummarizeHarness.run(paths, index: try SummarizeHarness.index(.nested), options: options)
                #expect(run.result.samples.map { "\($0.path):\($0.line)" } == expected, "chunk \(chunk), jobs \(jobs)")
                #expect(run.result.inputs.map(\.malformed) == [25, 4, 12])
                #expect(run.result.samples.allSatisfy { !$0.reason.isEmpty })
            }
        }
    }

    /// A malformed line longer than the sample keeps: the sample holds its start.
    @Test func longLineIsTruncatedInTheSample() async throws {
        try await SummarizeHarness.withScratchDirectory { directory in
            let long = "2 123456789012 eni-1 10.1.0.1 52.94.8.1 " + String(repeating: "x", count: 5000)
            let path = "\(directory)/long.log"
            try SummarizeHarness.write(Array("\(long)\n".utf8), to: path)
            for chunk in [1, 100, 8 << 20] {
                let run = await SummarizeHarness.run([path], index: try SummarizeHarness.index(.nested), options: SummarizeOptions(jobs: 2, chunkSize: chunk))
                let sample = try #require(run.result.samples.first)
                #expect(sample.line == 1 && sample.reason.contains("fields"))
                #expect(long.hasPrefix(sample.text.replacingOccurrences(of: "…", with: "")))
                #expect(sample.text.utf8.count < 400)
            }
        }
    }
}
