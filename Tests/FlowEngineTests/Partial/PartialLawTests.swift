import FlowIO
import Foundation
import Testing

@testable import FlowEngine

/// The merge law: for any split of a set of inputs into groups, any order and any tree of merges,
/// the reports rendered from the merged partial equal those of one run over all the inputs, byte for
/// byte (summary.json without `run`); and the merged partial's bytes equal the whole run's partial.
/// The partials go through their on-disk form (`PartialCodec`) on the way.
struct PartialLawTests {
    struct Rendered: Equatable {
        let servicesPrimary: [UInt8]
        let servicesAll: [UInt8]
        let paths: [UInt8]
        let summary: [UInt8]
        var ports: [UInt8] = []
        var interfaces: [UInt8]? = nil
        /// timeline.csv by the hour and by the day (empty without a timeline).
        var timeline1h: [UInt8] = []
        var timeline1d: [UInt8] = []
    }

    static func render(_ partial: Partial) -> Rendered {
        let value = SummaryReport.json(partial, run: RunInfo(version: "test", jobs: 1, chunkSize: 1, attribution: .primary))
        guard case .object(let members) = value else { return Rendered(servicesPrimary: [], servicesAll: [], paths: [], summary: []) }
        var rendered = Rendered(
            servicesPrimary: ServicesReport.csv(ServicesReport.rows(partial, attribution: .primary)),
            servicesAll: ServicesReport.csv(ServicesReport.rows(partial, attribution: .all)),
            paths: PathsReport.csv(PathsReport.rows(partial)),
            summary: JSONWriter.render(.object(members.filter { $0.key != "run" })))
        rendered.ports = PortsReport.csv(PortsReport.rows(partial, top: .max))
        rendered.interfaces = InterfacesReport.csv(partial)
        if TimelineReport.canRender(partial, bucket: .hour) {
            rendered.timeline1h = TimelineReport.csv(TimelineReport.rows(partial, bucket: .hour))
            rendered.timeline1d = TimelineReport.csv(TimelineReport.rows(partial, bucket: .day))
        }
        return rendered
    }

    static func partial(_ paths: [String], index: PrefixIndex, options: SummarizeOptions) async throws -> Partial {
        let result = await SummarizeJob.run(paths.map(InputSource.file), index: index, options: options)
        let built = Partial(result, options: options.countingOptions, version: "test")
        let decoded = try PartialCodec.decode(PartialCodec.encode(built))
        #expect(decoded == built, "a partial survives its on-disk form")
        return decoded
    }

    /// Writes 14 inputs: every generated format twice (one gzip), one with malformed lines, an empty
    /// one and one that does not exist.
    static func inputs(_ directory: String, ranges: ReferenceRanges) throws -> [String] {
        let pool = FlowLogGenerator.pool(prefixes: ranges.entries.map(\.prefix), perPrefix: 10, extra: 100, seed: 21)
        var generator = FlowLogGenerator(seed: 22, pool: pool)
        var paths: [String] = []
        for (number, format) in FlowLogGenerator.Format.allCases.enumerated() {
            for copy in 0..<2 {
                let path = "\(directory)/\(number)-\(copy)-\(format.rawValue).log\(copy == 1 ? ".gz" : "")"
                let text = generator.file(format, records: 400 + number * 50)
                try SummarizeHarness.write(copy == 1 ? try SummarizeHarness.gzip(text) : text, to: path)
                paths.append(path)
            }
        }
        try SummarizeHarness.write([], to: "\(directory)/empty.log")
        paths += ["\(directory)/empty.log", "\(directory)/missing.log"]
        return paths
    }

    @Test(arguments: [SummarizeHarness.Ranges.nested, .nestedWithLabels])
    func anySplitAnyOrderAnyTreeEqualsOneRun(ranges: SummarizeHarness.Ranges) async throws {
        let index = try SummarizeHarness.index(ranges)
        let reference = try SummarizeHarness.reference(ranges)
        try await SummarizeHarness.withScratchDirectory { directory in
            let paths = try Self.inputs(directory, ranges: reference)
            var options = SummarizeOptions(jobs: 2, chunkSize: 4096)
            options.timelineBucket = .hour
            options.countsInterfaces = true
            let whole = try await Self.partial(paths, index: index, options: options)
            let expected = Self.render(whole)
            #expect(!expected.timeline1h.isEmpty && !expected.ports.isEmpty && expected.interfaces != nil)
            #expect(!whole.paths.isEmpty && whole.failures.count == 1)
            var random = SplitMix64(seed: 99)
            var stoppedNever = false
            for trial in 0..<12 {
                // A random split into 1...6 groups (some perhaps empty), each counted with its own
                // jobs and chunk size.
                let groupCount = 1 + Int(random.next() % 6)
                var groups = [[String]](repeating: [], count: groupCount)
                for path in paths { groups[Int(random.next() % UInt64(groupCount))].append(path) }
                var partials: [Partial] = []
                for group in groups {
                    var groupOptions = SummarizeOptions(
                        jobs: 1 + Int(random.next() % 3), chunkSize: 512 << Int(random.next() % 6),
                        allowMapping: random.next() % 2 == 0)
                    // Narrower buckets too: a merge sums them into the wider ones.
                    groupOptions.timelineBucket = random.next() % 2 == 0 ? .fiveMinutes : .hour
                    groupOptions.countsInterfaces = true
                    partials.append(try await Self.partial(group, index: index, options: groupOptions))
                }
                partials.shuffle(using: &random)
                // A random tree: repeatedly merge two random partials (through their bytes).
                while partials.count > 1 {
                    let a = partials.remove(at: Int(random.next() % UInt64(partials.count)))
                    let b = partials.remove(at: Int(random.next() % UInt64(partials.count)))
                    var merged = a
                    try merged.merge(b)
                    partials.append(try PartialCodec.decode(PartialCodec.encode(merged)))
                }
                let merged = partials[0]
                let rendered = Self.render(merged)
                SummarizeHarness.expectSame(rendered.servicesPrimary, expected.servicesPrimary, "trial \(trial): services.csv")
                SummarizeHarness.expectSame(rendered.servicesAll, expected.servicesAll, "trial \(trial): services.csv (all)")
                SummarizeHarness.expectSame(rendered.paths, expected.paths, "trial \(trial): paths.csv")
                SummarizeHarness.expectSame(rendered.summary, expected.summary, "trial \(trial): summary.json")
                SummarizeHarness.expectSame(rendered.ports, expected.ports, "trial \(trial): ports.csv")
                SummarizeHarness.expectSame(rendered.interfaces ?? [], expected.interfaces ?? [], "trial \(trial): interfaces.csv")
                SummarizeHarness.expectSame(rendered.timeline1h, expected.timeline1h, "trial \(trial): timeline.csv (1h)")
                SummarizeHarness.expectSame(rendered.timeline1d, expected.timeline1d, "trial \(trial): timeline.csv (1d)")
                // Bytes: equal once a group with cells counted by the hour; all at 5m, only the width differs.
                if merged.timelineBucket == .hour {
                    #expect(PartialCodec.encode(merged) == PartialCodec.encode(whole), "trial \(trial): partial bytes")
                } else {
                    var widened = merged
                    widened.timeline = Partial.widened(merged.timeline, to: 3600, &stoppedNever)
                    widened.timelineBucket = .hour
                    #expect(PartialCodec.encode(widened) == PartialCodec.encode(whole), "trial \(trial): partial bytes (widened)")
                }
            }
        }
    }

    @Test func theEmptyPartialIsTheIdentity() async throws {
        let index = try SummarizeHarness.index(.nested)
        try await SummarizeHarness.withScratchDirectory { directory in
            let paths = try Self.inputs(directory, ranges: try SummarizeHarness.reference(.nested))
            let whole = try await Self.partial(paths, index: index, options: SummarizeOptions(jobs: 2))
            let empty = try await Self.partial([], index: index, options: SummarizeOptions(jobs: 2))
            #expect(empty.inputs.isEmpty && empty.primary.isEmpty)
            var left = empty
            try left.merge(whole)
            var right = whole
            try right.merge(empty)
            #expect(PartialCodec.encode(left) == PartialCodec.encode(whole))
            #expect(PartialCodec.encode(right) == PartialCodec.encode(whole))
        }
    }

    /// The same inputs give the same bytes whatever jobs, chunk size or mmap/pread.
    @Test func deterministicBytes() async throws {
        let index = try SummarizeHarness.index(.nestedWithLabels)
        try await SummarizeHarness.withScratchDirectory { directory in
            let paths = try Self.inputs(directory, ranges: try SummarizeHarness.reference(.nestedWithLabels))
            let first = PartialCodec.encode(try await Self.partial(paths, index: index, options: SummarizeOptions(jobs: 1)))
            for (jobs, chunk, mapping) in [(2, 600, true), (3, 1 << 20, false), (4, 4096, true)] {
                let other = PartialCodec.encode(
                    try await Self.partial(
                        paths.reversed(), index: index, options: SummarizeOptions(jobs: jobs, chunkSize: chunk, allowMapping: mapping)))
                #expect(other == first, "jobs \(jobs), chunk \(chunk), mapping \(mapping)")
            }
        }
    }

    /// Sums near 2^64 - 1 merge as one run counts them: saturated exactly when a true total passed it.
    @Test func saturationMergesLikeOneRun() async throws {
        let index = try SummarizeHarness.index(.example)
        try await SummarizeHarness.withScratchDirectory { directory in
            let big = "9223372036854775807"
            let line = { (bytes: String) in "2 123456789012 eni-1 10.0.0.1 52.95.0.1 1 2 6 1 \(bytes) 1600000000 1600000060 ACCEPT OK\n" }
            try SummarizeHarness.write(Array(line(big).utf8), to: "\(directory)/a.log")
            try SummarizeHarness.write(Array(line(big).utf8), to: "\(directory)/b.log")
            try SummarizeHarness.write(Array((line("2") + line("1")).utf8), to: "\(directory)/c.log")
            let all = ["\(directory)/a.log", "\(directory)/b.log", "\(directory)/c.log"]
            let options = SummarizeOptions(jobs: 1)
            let whole = try await Self.partial(all, index: index, options: options)
            #expect(whole.saturated)
            var merged = try await Self.partial([all[0]], index: index, options: options)
            for path in all.dropFirst() { try merged.merge(try await Self.partial([path], index: index, options: options)) }
            #expect(Self.render(merged) == Self.render(whole))
            #expect(merged.saturated)
            // Two that stay below the ceiling are not saturated.
            var small = try await Self.partial([all[0]], index: index, options: options)
            try small.merge(try await Self.partial([all[2]], index: index, options: options))
            #expect(!small.saturated && small.totals.bytes == 9_223_372_036_854_775_810)
        }
    }
}
