import FlowIO
import Foundation
import Testing

@testable import FlowEngine

/// Lines longer than the line limit (`LineLimit`), on every read path, at a limit of 512 bytes so
/// that every chunk size can be tried: a plain file's chunk plan cuts inside such a line
/// (`ChunkPlan`), the chunk that holds its start judges it and the chunks after skip it; a gzip
/// stream keeps its first limit + 1 bytes (`LineBlockReader`). Each must count exactly what the
/// reference counts with the same limit: the over-long line one malformed line whatever it holds,
/// every other line as usual, the same line numbers and samples.
struct SummarizeOverLongLineTests {
    static let limit = LineLimit.minimum

    /// Over-long (and nearly over-long) lines of every kind the scanner tells apart.
    static func longLine(_ kind: Int, length: Int) -> [UInt8] {
        let record = Array("2 123456789010 eni-1 10.0.0.6 3.2.34.5 44321 443 6 1 100 1418530010 1418530070 ACCEPT OK".utf8)
        func repeated(_ unit: String) -> [UInt8] {
            let bytes = Array(unit.utf8)
            return (0..<length).map { bytes[$0 % bytes.count] }
        }
        switch kind % 6 {
        // A record padded with spaces: a record by its fields, malformed by its length alone.
        case 0: return record + [UInt8](repeating: 0x20, count: max(0, length - record.count))
        // Header-like: every token a field name.
        case 1: return repeated("version srcaddr dstaddr bytes ")
        // Only spaces and tabs: blank by its bytes.
        case 2: return repeated(" \t ")
        // Comma-separated: would make a file CSV if it decided the format.
        case 3: return repeated("10.0.0.1,3.2.34.5,")
        // No separator at all.
        case 4: return repeated("x")
        // Starts like a record, then digits: the fast path's window runs out.
        default: return Array("2 123456789010 eni-1 ".utf8) + repeated("9").dropFirst(21)
        }
    }

    static let lengths = [limit - 1, limit, limit + 1, limit + 2, limit + 3, 2 * limit, 3 * limit + 7]

    /// A fixture's lines with long lines between them (one with a CRLF line end), and one more at the
    /// end without a newline when `unterminated`.
    static func withLongLines(_ base: [UInt8], first: Bool, unterminated: Bool) -> [UInt8] {
        var lines = base.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        if lines.last == [] { lines.removeLast() }
        var out: [UInt8] = []
        var kind = 0
        if first {
            out += longLine(4, length: 2 * limit) + [0x0A]
            kind = 1
        }
        for (number, line) in lines.enumerated() {
            out += line + [0x0A]
            if number % 2 == 0 {
                let length = lengths[(number / 2) % lengths.count]
                out += longLine(kind, length: length) + (kind % 4 == 3 ? [0x0D, 0x0A] : [0x0A])
                kind += 1
            }
        }
        if unterminated { out += longLine(kind, length: 2 * limit + 1) }
        return out
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let fixture: String
        let first: Bool
        let unterminated: Bool
        var testDescription: String {
            "\(fixture)\(first ? ", over-long first line" : "")\(unterminated ? ", over-long last line without newline" : "")"
        }
    }

    static let cases = [
        Case(fixture: "v2-header", first: false, unterminated: false),
        Case(fixture: "v2-no-header", first: false, unterminated: true),
        Case(fixture: "csv-columns", first: false, unterminated: false),
        Case(fixture: "crlf", first: false, unterminated: true),
        Case(fixture: "concatenated", first: true, unterminated: false),
        Case(fixture: "csv-columns", first: true, unterminated: true),
    ]

    static func options(_ fixture: SummarizeFixture, jobs: Int = 1, chunkSize: Int = SummarizeOptions.defaultChunkSize,
                        allowMapping: Bool = true, gzipBlockSize: Int = 4 << 20) throws -> SummarizeOptions {
        var options = try fixture.options(jobs: jobs, chunkSize: chunkSize, allowMapping: allowMapping, gzipBlockSize: gzipBlockSize)
        options.lineLimit = limit
        return options
    }

    @Test("plain: every chunk size × jobs × mapped and pread equals the reference", arguments: cases)
    func everyChunkSize(_ test: Case) async throws {
        let fixture = SummarizeFixture.named(test.fixture)
        let bytes = Self.withLongLines(try SummarizeHarness.read(fixture.inputPath), first: test.first, unterminated: test.unterminated)
        try await SummarizeHarness.withScratchDirectory { scratch in
            let path = "\(scratch)/input.log"
            try SummarizeHarness.write(bytes, to: path)
            let index = try fixture.index()
            let reference = try ReferenceSummarizer.summarize(
                paths: [path], ranges: try SummarizeHarness.reference(fixture.ranges), fields: fixture.fields, lineLimit: Self.limit)
            #expect(reference.samples.contains { $0.fault == .overLong })
            let baseline = await SummarizeHarness.run([path], index: index, options: try Self.options(fixture))
            guard SummarizeHarness.expectMatches(baseline, reference, "\(test.testDescription): default chunk") else { return }
            let configurations = SummarizeChunkContractTests.configurations
            for chunk in 1...bytes.count + 1 {
                let (jobs, mapping) = configurations[chunk % configurations.count]
                let options = try Self.options(fixture, jobs: jobs, chunkSize: chunk, allowMapping: mapping)
                let result = await SummarizeJob.run([.file(path)], index: index, options: options)
                let what = "\(test.testDescription): chunk \(chunk), jobs \(jobs), \(mapping ? "mapped" : "pread")"
                guard SummarizeChunkContractTests.sameValues(result, baseline, what) else { return }
            }
        }
    }

    @Test("gzip: every decompressed block size up to past the limit equals the reference", arguments: cases, InflaterCases.all)
    func everyGzipBlockSize(_ test: Case, _ inflater: Inflater) async throws {
        try InflaterCases.require(inflater)
        let fixture = SummarizeFixture.named(test.fixture)
        let bytes = Self.withLongLines(try SummarizeHarness.read(fixture.inputPath), first: test.first, unterminated: test.unterminated)
        try await SummarizeHarness.withScratchDirectory { scratch in
            let plainPath = "\(scratch)/input.log"
            let path = "\(scratch)/input.log.gz"
            try SummarizeHarness.write(bytes, to: plainPath)
            try SummarizeHarness.write(try SummarizeHarness.gzip(bytes), to: path)
            let index = try fixture.index()
            let reference = try ReferenceSummarizer.summarize(
                paths: [plainPath], ranges: try SummarizeHarness.reference(fixture.ranges), fields: fixture.fields,
                lineLimit: Self.limit
            ).renamed(plainPath, to: path)
            let baseline = await SummarizeHarness.run([path], index: index, options: try Self.options(fixture).inflating(with: inflater))
            guard SummarizeHarness.expectMatches(baseline, reference, "\(test.testDescription) gzip (\(inflater)): default block") else { return }
            let sizes = Array(1...(Self.limit + 70)) + [2 * Self.limit, 3 * Self.limit + 9, bytes.count]
            for block in sizes {
                let run = await SummarizeHarness.run([path], index: index, options: try Self.options(fixture, gzipBlockSize: block).inflating(with: inflater))
                guard SummarizeChunkContractTests.same(run, baseline, "\(test.testDescription) gzip (\(inflater)): block \(block)") else { return }
            }
        }
    }

    @Test("the chunk plan never makes a chunk longer than size + limit + 2, and cuts only inside over-long lines")
    func chunkPlanBound() throws {
        let bytes = Self.withLongLines(
            try SummarizeHarness.read(SummarizeFixture.named("v2-header").inputPath), first: true, unterminated: true)
        // Where each line ends, and whether the line through each offset is over-long.
        var overLong = [Bool](repeating: false, count: bytes.count)
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            let content = end > start && end < bytes.count && bytes[end - 1] == 0x0D ? end - 1 - start : end - start
            for i in start..<min(end + 1, bytes.count) { overLong[i] = content > Self.limit }
            start = end + 1
        }
        for size in 1...bytes.count {
            let chunks = ChunkPlan.chunks(in: bytes.span, size: size, lineLimit: Self.limit)
            for chunk in chunks {
                #expect(chunk.range.count <= size + Self.limit + 2, "size \(size): \(chunk)")
                if chunk.endsInsideLine {
                    // The cut falls inside an over-long line, not after its newline.
                    #expect(overLong[chunk.range.upperBound - 1] && bytes[chunk.range.upperBound - 1] != 0x0A, "size \(size): \(chunk)")
                } else if chunk.range.upperBound < bytes.count {
                    #expect(bytes[chunk.range.upperBound - 1] == 0x0A, "size \(size): \(chunk)")
                }
            }
            #expect(chunks.map(\.range.count).reduce(0, +) == bytes.count)
        }
    }
}
