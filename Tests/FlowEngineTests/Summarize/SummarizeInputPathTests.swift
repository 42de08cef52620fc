import FlowIO
import Foundation
import Testing

@testable import FlowEngine

/// The same records through every way of reading them: a plain file mapped or read with `pread`;
/// gzip as one member, as two members cut at a line end or in the middle of a line, with an empty
/// member between, and under a `.log` name (gzip is known by its magic bytes, not its name). Every
/// path must give the reference's services.csv (both attributions), paths.csv, counts and samples.
/// (Standard input is read by the command line; `SummarizeCLITests` pipes files into it.)
struct SummarizeInputPathTests {
    enum Variant: String, CaseIterable, Sendable {
        case mapped, pread
        case gzip, gzipFastest, gzipTwoMembersAtLineEnd, gzipTwoMembersMidLine, gzipEmptyMemberBetween, gzipNamedLog

        var isGzip: Bool { self != .mapped && self != .pread }
    }

    /// Seven generated files, one per format, 1,500 records each.
    static func inputs(_ directory: String) throws -> (paths: [String], reference: ReferenceSummarizer.Output) {
        let ranges = try SummarizeHarness.reference(.nested)
        let plain = "\(directory)/plain"
        try FileManager.default.createDirectory(atPath: plain, withIntermediateDirectories: true)
        let paths = try SummarizeGeneratedTests.writeInputs(plain, ranges: ranges, recordsPerFile: 1_500, seed: 7)
        return (paths, try ReferenceSummarizer.summarize(paths: paths, ranges: ranges))
    }

    /// Writes `plain`'s bytes the way `variant` reads them; returns the new path.
    static func make(_ variant: Variant, from plain: String, in directory: String) throws -> String {
        let bytes = try SummarizeHarness.read(plain)
        let name = URL(fileURLWithPath: plain).lastPathComponent
        var path = "\(directory)/\(name).gz"
        let output: [UInt8]
        switch variant {
        case .mapped, .pread: return plain
        case .gzip: output = try SummarizeHarness.gzip(bytes)
        case .gzipFastest: output = try SummarizeHarness.gzip(bytes, level: 1)
        case .gzipTwoMembersAtLineEnd:
            let cut = (bytes[(bytes.count / 2)...].firstIndex(of: 0x0A) ?? bytes.count - 1) + 1
            output = try SummarizeHarness.gzip(Array(bytes[..<cut])) + SummarizeHarness.gzip(Array(bytes[cut...]))
        case .gzipTwoMembersMidLine:
            var cut = bytes.count / 3
            while bytes[cut] == 0x0A || bytes[cut - 1] == 0x0A { cut += 1 }
            output = try SummarizeHarness.gzip(Array(bytes[..<cut])) + SummarizeHarness.gzip(Array(bytes[cut...]))
        case .gzipEmptyMemberBetween:
            let cut = bytes.count / 2
            output = try SummarizeHarness.gzip(Array(bytes[..<cut])) + SummarizeHarness.gzip([])
                + SummarizeHarness.gzip(Array(bytes[cut...]))
        case .gzipNamedLog:
            path = "\(directory)/\(name).log"
            output = try SummarizeHarness.gzip(bytes)
        }
        try SummarizeHarness.write(output, to: path)
        return path
    }

    static func check(_ variant: Variant, _ inflater: Inflater = .zlib) async throws {
        try await SummarizeHarness.withScratchDirectory { directory in
            let (plain, reference) = try inputs(directory)
            let paths = try plain.map { try make(variant, from: $0, in: directory) }
            var expected = reference
            for (old, new) in zip(plain, paths) { expected = expected.renamed(old, to: new) }
            let index = try SummarizeHarness.index(.nested)
            let mapping = variant != .pread
            for (jobs, chunk, block) in [(1, SummarizeOptions.defaultChunkSize, 4 << 20), (3, 4096, 4096), (8, 777, 333)] {
                let options = SummarizeOptions(jobs: jobs, chunkSize: chunk, allowMapping: mapping, gzipBlockSize: block)
                    .inflating(with: inflater)
                let run = await SummarizeHarness.run(paths, index: index, options: options)
                let what = "\(variant.rawValue), \(inflater), jobs \(jobs), chunk \(chunk), gzip block \(block)"
                SummarizeHarness.expectMatches(run, expected, what)
                #expect(run.result.failures.isEmpty, "\(what): \(run.result.failures.map { $0.failure!.message })")
                #expect(run.result.inputs.allSatisfy { $0.isGzip == variant.isGzip }, "\(what): gzip detection")
                #expect(run.result.inputs.map(\.format) == expectedFormats, "\(what): formats")
            }
        }
    }

    /// The formats `FlowLogGenerator.Format.allCases` are detected as.
    static let expectedFormats: [DetectedFormat.Kind?] = FlowLogGenerator.Format.allCases.map {
        $0.rawValue.hasPrefix("csv") ? .csv : .awsText
    }

    @Test("plain files, mapped and read with pread", arguments: [Variant.mapped, .pread])
    func plainFiles(_ variant: Variant) async throws {
        try await Self.check(variant)
    }

    @Test(
        "gzip files: one member, several members, an empty member, a .log name",
        arguments: Variant.allCases.filter(\.isGzip), InflaterCases.all)
    func gzipFiles(_ variant: Variant, _ inflater: Inflater) async throws {
        try InflaterCases.require(inflater)
        try await Self.check(variant, inflater)
    }

    /// Lines far longer than a chunk, a `pread` newline window (64 KiB) and a gzip block: a valid
    /// record padded with 150,000 spaces as the first line (format detection must read past its
    /// first window), a 200 KB malformed line, and a CSV row with a 100 KB column.
    @Test("lines longer than chunks, read windows and gzip blocks")
    func longLines() async throws {
        try await SummarizeHarness.withScratchDirectory { directory in
            let spaces = String(repeating: " ", count: 150_000)
            let aws = [
                "2 123456789012 eni-1 10.1.0.1\(spaces)52.94.8.1 40000 443 6 5 500 1700000000 1700000060 ACCEPT OK",
                "2 123456789012 eni-1 52.94.8.1 10.1.0.1 443 40000 6 7 700 1700000000 1700000060 ACCEPT OK",
                "2 123456789012 eni-1 10.1.0.1 " + String(repeating: "z", count: 200_000),
                "2 123456789012 eni-1 10.1.0.2 2600:1f14::1 40000 443 6 1 100 1700000000 1700000060 REJECT OK",
            ].joined(separator: "\n") + "\n"
            let csv = "srcaddr,dstaddr,note,bytes\n10.1.0.1,52.94.12.1,\(String(repeating: "n", count: 100_000)),42\n52.94.12.1,10.1.0.1,-,7\n"
            var paths = ["\(directory)/long.log", "\(directory)/long.csv"]
            try SummarizeHarness.write(Array(aws.utf8), to: paths[0])
            try SummarizeHarness.write(Array(csv.utf8), to: paths[1])
            let reference = try ReferenceSummarizer.summarize(paths: paths, ranges: try SummarizeHarness.reference(.nested))
            #expect(reference.counts.ok == 5 && reference.counts.malformed == 1)
            let index = try SummarizeHarness.index(.nested)
            for chunk in [1, 1000, 65_535, 65_536, 65_537, 150_000, 400_000] {
                for mapping in [true, false] {
                    let run = await SummarizeHarness.run(paths, index: index, options: SummarizeOptions(jobs: 2, chunkSize: chunk, allowMapping: mapping))
                    guard SummarizeHarness.expectMatches(run, reference, "chunk \(chunk), \(mapping ? "mapped" : "pread")") else { return }
                }
            }
            var expected = reference
            for (number, path) in paths.enumerated() {
                try SummarizeHarness.write(try SummarizeHarness.gzip(try SummarizeHarness.read(path)), to: "\(path).gz")
                expected = expected.renamed(path, to: "\(path).gz")
                paths[number] = "\(path).gz"
            }
            for block in [1, 4096, 1 << 20] {
                for inflater in InflaterCases.all where inflater == .zlib || ISAL.isAvailable {
                    let options = SummarizeOptions(jobs: 2, gzipBlockSize: block).inflating(with: inflater)
                    let run = await SummarizeHarness.run(paths, index: index, options: options)
                    guard SummarizeHarness.expectMatches(run, expected, "gzip, \(inflater), block \(block)") else { return }
                }
            }
        }
    }

    /// Empty inputs and inputs of blank lines only count nothing, fail nothing, and leave the
    /// reports with their header lines alone.
    @Test("empty and blank-only inputs", arguments: ["", "\n", "\n\n  \n", "\r\n\r\n", "   "])
    func emptyInputs(_ text: String) async throws {
        try await SummarizeHarness.withScratchDirectory { directory in
            let path = "\(directory)/empty.log"
            try SummarizeHarness.write(Array(text.utf8), to: path)
            let reference = try ReferenceSummarizer.summarize(paths: [path], ranges: try SummarizeHarness.reference(.example))
            for chunk in [1, 2, 1 << 20] {
                let run = await SummarizeHarness.run([path], index: try SummarizeHarness.index(.example), options: SummarizeOptions(jobs: 2, chunkSize: chunk))
                SummarizeHarness.expectMatches(run, reference, "\(String(reflecting: text)), chunk \(chunk)")
                #expect(run.result.failures.isEmpty)
                #expect(run.servicesPrimary == Array("side,region,service,flows,packets,bytes\n".utf8))
            }
        }
    }
}
