import FlowIO
import Foundation
import Testing

@testable import FlowEngine

/// `EnrichJob` against the reference summarizer: on lines mutated around every rule (the fast
/// path's test data), with any jobs, chunk size, plain or gzip, the output is the reference's OK
/// records in input order, each the line's fields then the primary rows of both addresses; the
/// record counts and samples are summarize's.
struct EnrichTests {
    static func run(_ paths: [String], _ options: EnrichJob.Options, index: PrefixIndex) async throws -> (bytes: [UInt8], outcome: EnrichJob.Outcome) {
        var bytes: [UInt8] = []
        let outcome = try await EnrichJob.run(paths.map(InputSource.file), index: index, options: options) { (piece) throws(FileSystemError) in
            bytes += piece
        }
        return (bytes, outcome)
    }

    /// What enrich must write for `text` (CSV, without the header line): per reference OK record, the
    /// line's fields and the four attribution columns.
    static func expectedRows(_ text: String, _ reference: ReferenceSummarizer.Output) -> [[String]] {
        expectedRows(texts: [:], default: text, reference)
    }

    /// The same for several inputs: `texts` by the reference's input names (`text` for any other).
    static func expectedRows(texts: [String: String], default text: String = "", _ reference: ReferenceSummarizer.Output) -> [[String]] {
        // Split by scalars, as the reference does ("\r\n" is one Character).
        func lines(_ text: String) -> [String] {
            text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.last == "\r" ? String($0.dropLast()) : String($0) }
        }
        var split: [String: [String]] = [:]
        return reference.okRecords.map { record in
            if split[record.name] == nil { split[record.name] = lines(texts[record.name] ?? text) }
            return split[record.name]![record.line - 1].unicodeScalars.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { String($0) }
                + [record.source.region, record.source.service, record.destination.region, record.destination.service]
        }
    }

    @Test(arguments: [("default format, header", UInt64(1), true), ("default format, no header", 2, false), ("version-5 order", 3, true)])
    func csvEqualsTheReference(_ name: String, _ seed: UInt64, _ withHeader: Bool) async throws {
        let layout = seed == 3 ? SummarizeFusedPathTests.v5Order : ReferenceSummarizer.defaultFields
        let text = SummarizeFusedPathTests.file(seed: seed, lines: 3_000, header: withHeader ? layout : nil, layout: layout)
        try await SummarizeHarness.withScratchDirectory { directory in
            let path = "\(directory)/mutated.log"
            try SummarizeHarness.write(Array(text.utf8), to: path)
            try SummarizeHarness.write(try SummarizeHarness.gzip(Array(text.utf8)), to: "\(directory)/mutated.log.gz")
            let index = try SummarizeHarness.index(.nested)
            let reference = try ReferenceSummarizer.summarize(paths: [path], ranges: try SummarizeHarness.reference(.nested))
            #expect(reference.counts.ok > 1_000 && reference.counts.malformed > 100)
            let expected = [layout + EnrichBlock.attributionNames] + Self.expectedRows(text, reference)
            var first: [UInt8]?
            for (jobs, chunk, file) in [(1, SummarizeOptions.defaultChunkSize, path), (2, 4096, path), (3, 97, path), (2, 1 << 20, "\(directory)/mutated.log.gz")] {
                var options = EnrichJob.Options(jobs: jobs, format: .csv)
                options.chunkSize = chunk
                let (bytes, outcome) = try await Self.run([file], options, index: index)
                let what = "\(name), jobs \(jobs), chunk \(chunk), \(file.hasSuffix(".gz") ? "gzip" : "plain")"
                let rows = try CSVReader.records(bytes)
                #expect(rows.count == expected.count, "\(what): \(rows.count) rows, expected \(expected.count)")
                if let index = (0..<min(rows.count, expected.count)).first(where: { rows[$0] != expected[$0] }) {
                    Issue.record("\(what): row \(index): \(rows[index]), expected \(expected[index])")
                }
                let r = outcome.records
                let counts = ReferenceSummarizer.Counts(
                    dataLines: r.dataLines, ok: r.ok, nodata: r.nodata, skipdata: r.skipdata, malformed: r.malformed,
                    headers: r.headers, blank: r.blank, missingCounters: r.missingCounters)
                #expect(counts == reference.counts, "\(what)")
                #expect(outcome.failures.isEmpty, "\(what): \(outcome.failures.map(\.failure.message))")
                SummarizeHarness.expectSamples(outcome.samples.map { MalformedRecord(path: path, line: $0.line, reason: $0.reason, text: $0.text) }, reference.samples, what)
                if let first { #expect(bytes == first, "\(what): the same bytes as jobs 1") } else { first = bytes }
            }
        }
    }

    /// A folder's worth of small files (one empty, one missing in the middle): one output in input
    /// order, every core busy across files, each sample at its own file's line.
    @Test func manySmallFilesInOrder() async throws {
        let layout = ReferenceSummarizer.defaultFields
        let text = SummarizeFusedPathTests.file(seed: 5, lines: 1_200, header: nil, layout: layout)
        let lines = Array(text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { String($0) })
        try await SummarizeHarness.withScratchDirectory { directory in
            var paths: [String] = []
            var texts: [String: String] = [:]
            for part in 0..<24 {
                let path = "\(directory)/part-\(part < 10 ? "0" : "")\(part).log"
                let body = part == 7 ? "" : lines[(part * 50)..<((part + 1) * 50)].joined(separator: "\n") + "\n"
                try SummarizeHarness.write(Array(body.utf8), to: path)
                paths.append(path)
                texts[path] = body
            }
            let reference = try ReferenceSummarizer.summarize(paths: paths, ranges: try SummarizeHarness.reference(.nested))
            let expected = [layout + EnrichBlock.attributionNames] + Self.expectedRows(texts: texts, reference)
            var options = EnrichJob.Options(jobs: 3, format: .csv)
            options.chunkSize = 1024
            let missing = "\(directory)/part-12b.log"
            let (bytes, outcome) = try await Self.run(
                Array(paths[..<13]) + [missing] + Array(paths[13...]), options, index: try SummarizeHarness.index(.nested))
            let rows = try CSVReader.records(bytes)
            #expect(rows == expected, "\(rows.count) rows, expected \(expected.count)")
            #expect(outcome.failures.map(\.name) == [missing] && outcome.failures.first?.failure.kind == .cannotOpen)
            SummarizeHarness.expectSamples(outcome.samples, reference.samples, "24 files")
        }
    }

    @Test func jsonLinesHoldTheSameRecords() async throws {
        let layout = ReferenceSummarizer.defaultFields
        let text = SummarizeFusedPathTests.file(seed: 4, lines: 800, header: layout, layout: layout)
        try await SummarizeHarness.withScratchDirectory { directory in
            let path = "\(directory)/mutated.log"
            try SummarizeHarness.write(Array(text.utf8), to: path)
            let reference = try ReferenceSummarizer.summarize(paths: [path], ranges: try SummarizeHarness.reference(.nested))
            var options = EnrichJob.Options(jobs: 2, format: .jsonl)
            options.chunkSize = 2048
            let (bytes, _) = try await Self.run([path], options, index: try SummarizeHarness.index(.nested))
            let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
            let expected = Self.expectedRows(text, reference)
            #expect(lines.count == expected.count)
            let names = layout + EnrichBlock.attributionNames
            for (line, row) in zip(lines, expected) {
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
                let want = Dictionary(uniqueKeysWithValues: zip(names, row))
                guard object == want else {
                    Issue.record("\(line): expected \(want)")
                    return
                }
            }
        }
    }
}
