import FlowIO
import Foundation
import Testing

@testable import FlowEngine

/// Larger generated inputs.
///
/// `SummarizeGeneratedTests`: the chunk contract on 35,000 generated records (3.5 MB) in seven
/// files of seven formats (with IPv6, NODATA, SKIPDATA, malformed, blank and repeated header
/// lines), run with ten seeded random chunk sizes between 1 KiB and 4 MiB and 1, 2, 3 and 8 jobs.
/// Every run must give the same services.csv (both attributions), paths.csv and summary.json
/// (without `run`) as the jobs-1 default run, which must equal the reference. (35,000 rather than
/// 200,000 records: a debug build reads about 15 MB/s here, and the suites must stay within their
/// time budget.)
///
/// `SummarizeRealSnapshotTests` (below): addresses inside real AWS prefixes.
struct SummarizeGeneratedTests {
    static let recordsPerFile = 5_000

    /// Writes one file per format into `directory`; returns their paths in order.
    static func writeInputs(_ directory: String, ranges: ReferenceRanges, recordsPerFile: Int, seed: UInt64) throws
        -> [String]
    {
        let pool = FlowLogGenerator.pool(prefixes: ranges.entries.map(\.prefix), perPrefix: 20, extra: 300, seed: seed)
        var generator = FlowLogGenerator(seed: seed &+ 1, pool: pool)
        var paths: [String] = []
        for (number, format) in FlowLogGenerator.Format.allCases.enumerated() {
            let path = "\(directory)/\(number)-\(format.rawValue).\(format.rawValue.hasPrefix("csv") ? "csv" : "log")"
            try SummarizeHarness.write(generator.file(format, records: recordsPerFile), to: path)
            paths.append(path)
        }
        return paths
    }

    /// Ten chunk sizes, log-uniform between 1 KiB and 4 MiB.
    static func chunkSizes(seed: UInt64) -> [Int] {
        var random = SplitMix64(seed: seed)
        return (0..<10).map { _ in
            let exponent = 10 + 12 * Double(random.next() % 1_000_000) / 1_000_000
            return Int(pow(2, exponent))
        }
    }

    @Test("35,000 generated records: random chunk sizes × jobs 1, 2, 3, 8 equal the reference")
    func randomChunkSizes() async throws {
        try await SummarizeHarness.withScratchDirectory { directory in
            let referenceRanges = try SummarizeHarness.reference(.nested)
            let paths = try Self.writeInputs(directory, ranges: referenceRanges, recordsPerFile: Self.recordsPerFile, seed: 2026)
            let index = try SummarizeHarness.index(.nested)
            let reference = try ReferenceSummarizer.summarize(paths: paths, ranges: referenceRanges)
            #expect(reference.counts.malformed > 300 && reference.counts.nodata > 500 && reference.counts.headers > 7)
            let baseline = await SummarizeHarness.run(paths, index: index, options: SummarizeOptions(jobs: 1))
            try #require(SummarizeHarness.expectMatches(baseline, reference, "generated, jobs 1"))
            for (number, chunk) in Self.chunkSizes(seed: 99).enumerated() {
                for jobs in SummarizeChunkContractTests.jobCounts {
                    let options = SummarizeOptions(jobs: jobs, chunkSize: chunk, allowMapping: number % 2 == 0)
                    let run = await SummarizeHarness.run(paths, index: index, options: options)
                    guard SummarizeChunkContractTests.same(run, baseline, "generated: chunk \(chunk), jobs \(jobs)") else { return }
                }
            }
        }
    }
}

/// The real AWS snapshot (`../shared/datasets/ip-ranges.json`, about 16,800 entries, nested
/// prefixes, CIDRs listed up to three times): 50,000 generated records whose addresses lie inside
/// real prefixes (IPv4 and IPv6, the first, last and a random address of each chosen prefix),
/// private and internet, summarized by the engine under both attributions and by the reference's
/// linear scan. Skipped when the snapshot is absent.
@Suite(.enabled(if: TestSupport.realSnapshot != nil, Comment(rawValue: TestSupport.skipReal)))
struct SummarizeRealSnapshotTests {
    @Test("50,000 records with real prefixes equal the reference, both attributions")
    func realPrefixes() async throws {
        let snapshot = try #require(TestSupport.realSnapshot)
        let reference = try ReferenceRanges.load(rangesPath: snapshot)
        // 600 entries chosen by a seeded generator, spread over the whole file (both families).
        var random = SplitMix64(seed: 1_787_411_825)
        let chosen = (0..<600).map { _ in reference.entries[Int(random.next() % UInt64(reference.entries.count))].prefix }
        let pool = FlowLogGenerator.pool(prefixes: chosen, perPrefix: 1, extra: 300, seed: 11)
        #expect(pool.contains { $0.contains(":") } && pool.contains { !$0.contains(":") })

        try await SummarizeHarness.withScratchDirectory { directory in
            var generator = FlowLogGenerator(seed: 12, pool: pool)
            var paths: [String] = []
            for format in [FlowLogGenerator.Format.v2Header, .csvHeader] {
                let path = "\(directory)/\(format.rawValue)"
                try SummarizeHarness.write(generator.file(format, records: 25_000), to: path)
                paths.append(path)
            }
            let expected = try ReferenceSummarizer.summarize(paths: paths, ranges: reference)
            let index = PrefixIndex(try TestSupport.loadRanges(snapshot))
            for (jobs, chunk) in [(1, SummarizeOptions.defaultChunkSize), (3, 65_536)] {
                let run = await SummarizeHarness.run(paths, index: index, options: SummarizeOptions(jobs: jobs, chunkSize: chunk))
                SummarizeHarness.expectMatches(run, expected, "real snapshot, jobs \(jobs), chunk \(chunk)")
            }
            // The figures are not trivial: many AWS rows, both families, specific services.
            let rows = String(decoding: expected.primaryServices, as: UTF8.self).split(separator: "\n")
            #expect(rows.count > 200)
            #expect(rows.contains { $0.contains(",S3,") } && rows.contains { $0.contains(",EC2,") })
            #expect(rows.contains { $0.contains(",AMAZON,") } && rows.contains { $0.contains(",PRIVATE,") })
        }
    }
}
