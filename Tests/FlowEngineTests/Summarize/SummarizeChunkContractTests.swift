import FlowIO
import Testing

@testable import FlowEngine

/// The chunk contract, from every angle on the small fixtures: `ChunkPlan` cuts where the rule
/// says; and for every chunk size from 1 byte to the file's size, with 1, 2, 3 and 8 jobs, mapped
/// and read with `pread`, services.csv (both attributions), paths.csv and summary.json without its
/// `run` object are byte-identical to the jobs-1, default-chunk run, which itself equals the
/// reference; and every line is accounted for.
///
/// The same for gzip input, whose blocks are cut by `LineBlockReader` rather than `ChunkPlan`:
/// every decompressed block size from 1 byte up, and a few around the file size.
struct SummarizeChunkContractTests {
    static let jobCounts = [1, 2, 3, 8]

    /// Whether `run` produced exactly the baseline's bytes; records one issue naming the
    /// configuration when it did not.
    static func same(_ run: SummarizeHarness.Run, _ baseline: SummarizeHarness.Run, _ what: String) -> Bool {
        let pairs = [
            ("services.csv (primary)", run.servicesPrimary, baseline.servicesPrimary),
            ("services.csv (all)", run.servicesAll, baseline.servicesAll),
            ("paths.csv", run.paths, baseline.paths),
            ("summary.json without run", run.summary, baseline.summary),
            ("ports.csv", run.ports, baseline.ports),
            ("interfaces.csv", run.interfaces ?? [], baseline.interfaces ?? []),
            ("timeline.csv (5m)", run.timeline5m, baseline.timeline5m),
            ("timeline.csv (1h)", run.timeline1h, baseline.timeline1h),
        ]
        for (name, actual, expected) in pairs where actual != expected {
            Issue.record("\(what): \(name) differs from jobs 1, default chunk: \(SummarizeHarness.firstDifference(expected, actual))")
            return false
        }
        guard run.result.aggregate.records.isConserved else {
            Issue.record("\(what): records not conserved: \(run.result.aggregate.records)")
            return false
        }
        return true
    }

    /// The eight (jobs, mapping) configurations.
    static let configurations = jobCounts.flatMap { jobs in [true, false].map { (jobs: jobs, mapping: $0) } }

    /// The chunk ends for `bytes` cut at `size`, by the rule written out again here: a chunk ends
    /// just after the first newline at or after `start + size - 1`, unless no more than `size`
    /// bytes remain (then at the end of the file).
    static func plan(_ bytes: [UInt8], size: Int) -> [Int] {
        var ends: [Int] = []
        var start = 0
        while start < bytes.count {
            var end = bytes.count
            if bytes.count - start > size, let newline = bytes[(start + size - 1)...].firstIndex(of: 0x0A) {
                end = newline + 1
            }
            ends.append(end)
            start = end
        }
        return ends
    }

    /// The chunk sizes at which the plan changes (plus 1 and the file size). Sizes between two of
    /// these cut the file in exactly the same places.
    static func planChanges(_ bytes: [UInt8]) -> Set<Int> {
        var changes: Set<Int> = [1, bytes.count]
        var previous: [Int] = []
        for size in 1...max(1, bytes.count) {
            let ends = plan(bytes, size: size)
            if ends != previous { changes.insert(size) }
            previous = ends
        }
        return changes
    }

    @Test("ChunkPlan cuts every fixture where the rule says, for every chunk size")
    func chunkPlanFollowsTheRule() throws {
        for fixture in SummarizeFixture.all {
            let bytes = try SummarizeHarness.read(fixture.inputPath)
            for size in 1...bytes.count + 1 {
                let ranges = ChunkPlan.chunks(in: bytes.span, size: size).map(\.range)
                guard ranges.map(\.upperBound) == Self.plan(bytes, size: size), ranges.first?.lowerBound == 0 else {
                    Issue.record("\(fixture.name), size \(size): \(ranges)")
                    return
                }
            }
        }
    }

    /// Every chunk size runs at least once, in one of the eight configurations in turn (so each
    /// size meets each job count and both read paths across neighbouring sizes); every size at which
    /// the plan changes runs in all eight. (All eight for all sizes would take minutes in a debug
    /// build and repeat identical plans thousands of times.) The cheap comparisons (CSV bytes, counts,
    /// samples, per-input outcomes) run every time; summary.json is rendered and compared where all
    /// eight run.
    @Test("every chunk size × jobs 1, 2, 3, 8 × mapped and pread", arguments: SummarizeFixture.all.filter { $0.name != "labels" })
    func everyChunkSize(_ fixture: SummarizeFixture) async throws {
        let index = try fixture.index()
        let baseline = await SummarizeHarness.run([fixture.inputPath], index: index, options: try fixture.options())
        try #require(SummarizeHarness.expectMatches(baseline, try fixture.reference(), "\(fixture.name): jobs 1"))
        let bytes = try SummarizeHarness.read(fixture.inputPath)
        let changes = Self.planChanges(bytes)
        for chunk in 1...bytes.count {
            let all = changes.contains(chunk)
            let chosen = all ? Self.configurations : [Self.configurations[chunk % Self.configurations.count]]
            for (jobs, mapping) in chosen {
                let options = try fixture.options(jobs: jobs, chunkSize: chunk, allowMapping: mapping)
                let what = "\(fixture.name): chunk \(chunk), jobs \(jobs), \(mapping ? "mapped" : "pread")"
                // One failing configuration is enough to report; the rest would repeat it.
                if all {
                    let run = await SummarizeHarness.run([fixture.inputPath], index: index, options: options)
                    guard Self.same(run, baseline, what) else { return }
                } else {
                    let result = await SummarizeJob.run([.file(fixture.inputPath)], index: index, options: options)
                    guard Self.sameValues(result, baseline, what) else { return }
                }
            }
        }
    }

    /// The cheaper comparison: the CSV bytes, and the values summary.json is rendered from.
    static func sameValues(_ result: SummarizeResult, _ baseline: SummarizeHarness.Run, _ what: String) -> Bool {
        let base = baseline.result
        let csv = [
            ServicesReport.csv(ServicesReport.rows(result, attribution: .primary)) == baseline.servicesPrimary,
            ServicesReport.csv(ServicesReport.rows(result, attribution: .all)) == baseline.servicesAll,
            PathsReport.csv(PathsReport.rows(result)) == baseline.paths,
        ]
        guard csv.allSatisfy({ $0 }), result.aggregate == base.aggregate, result.samples == base.samples,
            result.inputs == base.inputs, result.aggregate.records.isConserved
        else {
            // Render everything to say where.
            let run = SummarizeHarness.rendered(result)
            if same(run, baseline, what) { Issue.record("\(what): results differ from jobs 1 (aggregate, samples or inputs)") }
            return false
        }
        return true
    }

    @Test(
        "gzip: every decompressed block size",
        arguments: SummarizeFixture.all, InflaterCases.all)
    func everyGzipBlockSize(_ fixture: SummarizeFixture, _ inflater: Inflater) async throws {
        try InflaterCases.require(inflater)
        let plain = try SummarizeHarness.read(fixture.inputPath)
        try await SummarizeHarness.withScratchDirectory { scratch in
            let path = "\(scratch)/input.gz"
            try SummarizeHarness.write(try SummarizeHarness.gzip(plain), to: path)
            let index = try fixture.index()
            let reference = try fixture.reference()
            let baseline = await SummarizeHarness.run([path], index: index, options: try fixture.options().inflating(with: inflater))
            try #require(
                SummarizeHarness.expectMatches(baseline, reference.renamed(fixture.inputPath, to: path), "\(fixture.name) gzip, \(inflater)"))
            let sizes = Array(1...min(plain.count, 96)) + [plain.count - 1, plain.count, plain.count + 1, 1 << 16]
            for block in sizes where block >= 1 {
                for jobs in [1, 3] {
                    let options = try fixture.options(jobs: jobs, gzipBlockSize: block).inflating(with: inflater)
                    let run = await SummarizeHarness.run([path], index: index, options: options)
                    guard Self.same(run, baseline, "\(fixture.name) gzip (\(inflater)): block \(block), jobs \(jobs)") else { return }
                }
            }
        }
    }
}

extension ReferenceSummarizer.Output {
    /// The same output with the samples of `old` attributed to `new` (the same bytes under another name).
    func renamed(_ old: String, to new: String) -> ReferenceSummarizer.Output {
        var copy = self
        copy.samples = samples.map {
            $0.path == old ? .init(path: new, line: $0.line, fault: $0.fault, text: $0.text, truncated: $0.truncated) : $0
        }
        return copy
    }
}
