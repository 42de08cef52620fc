import FlowIO
import Foundation
import Testing

@testable import FlowEngine

/// Runs `SummarizeJob` the way the summarize tests need it and compares what it produced: the three
/// report byte strings of one run (`services.csv` under both attributions, `paths.csv`, and
/// `summary.json` without its `run` object), the engine against the reference, scratch directories,
/// and gzip made with the system's `gzip`.
enum SummarizeHarness {
    static let fixtures = "\(TestSupport.packageRoot)/Tests/FlowEngineTests/Fixtures/summarize"
    static let exampleRangesPath = "\(TestSupport.packageRoot)/datasets/example/ip-ranges.json"
    static let nestedRangesPath = "\(fixtures)/ranges-nested.json"
    static let labelsPath = "\(fixtures)/labels.csv"

    /// Which ranges a run classifies against.
    enum Ranges: String, Sendable {
        /// `datasets/example/ip-ranges.json`: the notebook's six entries.
        case example
        /// `Fixtures/summarize/ranges-nested.json`: nested prefixes, AMAZON+EC2+S3 on one CIDR, a
        /// repeated entry, IPv6, a label-like private entry.
        case nested
        /// `nested` plus `Fixtures/summarize/labels.csv`.
        case nestedWithLabels
    }

    static func index(_ ranges: Ranges) throws -> PrefixIndex {
        switch ranges {
        case .example: return PrefixIndex(try TestSupport.exampleRanges())
        case .nested: return PrefixIndex(try TestSupport.loadRanges(nestedRangesPath))
        case .nestedWithLabels:
            let labels = try LabelsLoader.load(try FileReading.readAll(labelsPath), path: labelsPath)
            return PrefixIndex(try TestSupport.loadRanges(nestedRangesPath).adding(labels: labels, from: labelsPath))
        }
    }

    static func reference(_ ranges: Ranges) throws -> ReferenceRanges {
        switch ranges {
        case .example: try ReferenceRanges.load(rangesPath: exampleRangesPath)
        case .nested: try ReferenceRanges.load(rangesPath: nestedRangesPath)
        case .nestedWithLabels: try ReferenceRanges.load(rangesPath: nestedRangesPath, labelsPath: labelsPath)
        }
    }

    /// What one engine run produced, as bytes.
    struct Run: Sendable {
        let result: SummarizeResult
        let servicesPrimary: [UInt8]
        let servicesAll: [UInt8]
        let paths: [UInt8]
        /// `summary.json` without its `run` object (the part that must not depend on jobs or chunks).
        let summary: [UInt8]
        /// ports.csv with every row, interfaces.csv (nil: not written), timeline.csv at 5m and 1h
        /// (empty when the run counted no timeline, or a wider one).
        let ports: [UInt8]
        let interfaces: [UInt8]?
        let timeline5m: [UInt8]
        let timeline1h: [UInt8]
    }

    static func run(_ sources: [InputSource], index: PrefixIndex, options: SummarizeOptions) async -> Run {
        // The timeline and interfaces are opt-in; the tests count them (the timeline at its finest)
        // wherever a test did not choose.
        var options = options
        if options.timelineBucket == nil { options.timelineBucket = .fiveMinutes }
        options.countsInterfaces = true
        return rendered(await SummarizeJob.run(sources, index: index, options: options))
    }

    /// Every report of `result`, rendered.
    static func rendered(_ result: SummarizeResult) -> Run {
        let partial = Partial(result, options: [:], version: "")
        return Run(
            result: result, servicesPrimary: ServicesReport.csv(ServicesReport.rows(result, attribution: .primary)),
            servicesAll: ServicesReport.csv(ServicesReport.rows(result, attribution: .all)),
            paths: PathsReport.csv(PathsReport.rows(result)), summary: summaryWithoutRun(result),
            ports: PortsReport.csv(PortsReport.rows(partial, top: .max)), interfaces: InterfacesReport.csv(partial),
            timeline5m: TimelineReport.canRender(partial, bucket: .fiveMinutes)
                ? TimelineReport.csv(TimelineReport.rows(partial, bucket: .fiveMinutes)) : [],
            timeline1h: TimelineReport.canRender(partial, bucket: .hour)
                ? TimelineReport.csv(TimelineReport.rows(partial, bucket: .hour)) : [])
    }

    static func run(_ paths: [String], index: PrefixIndex, options: SummarizeOptions) async -> Run {
        await run(paths.map(InputSource.file), index: index, options: options)
    }

    static func summaryWithoutRun(_ result: SummarizeResult) -> [UInt8] {
        let value = SummaryReport.json(result, run: RunInfo(version: "test", jobs: 1, chunkSize: 1, attribution: .primary))
        guard case .object(let members) = value else { return [] }
        return JSONWriter.render(.object(members.filter { $0.key != "run" }))
    }

    /// Records an issue naming the first differing line when `actual != expected`; returns whether
    /// they were equal (so sweeps can stop at the first failure instead of flooding the log).
    @discardableResult
    static func expectSame(
        _ actual: [UInt8], _ expected: [UInt8], _ what: @autoclosure () -> String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> Bool {
        guard actual != expected else { return true }
        Issue.record("\(what()): \(firstDifference(expected, actual))", sourceLocation: sourceLocation)
        return false
    }

    static func firstDifference(_ expected: [UInt8], _ actual: [UInt8]) -> String {
        let e = String(decoding: expected, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let a = String(decoding: actual, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        for line in 0..<max(e.count, a.count) {
            let left = line < e.count ? String(reflecting: String(e[line])) : "(end)"
            let right = line < a.count ? String(reflecting: String(a[line])) : "(end)"
            if left != right { return "line \(line + 1): expected \(left), got \(right)" }
        }
        return "\(expected.count) bytes expected, \(actual.count) got"
    }

    /// Compares an engine run with the reference: reports, counts, per-file figures and samples.
    @discardableResult
    static func expectMatches(
        _ run: Run, _ reference: ReferenceSummarizer.Output, _ what: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> Bool {
        var same = expectSame(run.servicesPrimary, reference.primaryServices, "\(what): services.csv (primary)", sourceLocation: sourceLocation)
        same = expectSame(run.servicesAll, reference.allServices, "\(what): services.csv (all)", sourceLocation: sourceLocation) && same
        same = expectSame(run.paths, reference.paths, "\(what): paths.csv", sourceLocation: sourceLocation) && same
        same = expectSame(run.ports, reference.ports, "\(what): ports.csv", sourceLocation: sourceLocation) && same
        if (run.interfaces == nil) != (reference.interfaces == nil) {
            Issue.record(
                "\(what): interfaces.csv \(run.interfaces == nil ? "absent" : "written"), reference \(reference.interfaces == nil ? "absent" : "written")",
                sourceLocation: sourceLocation)
            same = false
        } else if let interfaces = run.interfaces, let expected = reference.interfaces {
            same = expectSame(interfaces, expected, "\(what): interfaces.csv", sourceLocation: sourceLocation) && same
        }
        same = expectSame(run.timeline5m, reference.timeline5m, "\(what): timeline.csv (5m)", sourceLocation: sourceLocation) && same
        same = expectSame(run.timeline1h, reference.timeline1h, "\(what): timeline.csv (1h)", sourceLocation: sourceLocation) && same
        let r = run.result.aggregate.records
        let counts = ReferenceSummarizer.Counts(
            dataLines: r.dataLines, ok: r.ok, nodata: r.nodata, skipdata: r.skipdata, malformed: r.malformed,
            headers: r.headers, blank: r.blank, missingCounters: r.missingCounters)
        if counts != reference.counts || !r.isConserved {
            Issue.record("\(what): counts \(counts) (conserved: \(r.isConserved)), reference \(reference.counts)", sourceLocation: sourceLocation)
            same = false
        }
        let perFile = run.result.inputs.map { [$0.malformed, $0.lines] }
        let expectedPerFile = zip(reference.malformedPerFile, reference.linesPerFile).map { [$0, $1] }
        if perFile != expectedPerFile {
            Issue.record("\(what): per-file [malformed, lines] \(perFile), reference \(expectedPerFile)", sourceLocation: sourceLocation)
            same = false
        }
        return expectSamples(run.result.samples, reference.samples, what, sourceLocation: sourceLocation) && same
    }

    /// Samples: same files and line numbers in the same order, a reason naming the same field, and
    /// the same text (its start, for lines longer than a sample keeps).
    @discardableResult
    static func expectSamples(
        _ actual: [MalformedRecord], _ expected: [ReferenceSummarizer.Sample], _ what: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> Bool {
        let got = actual.map { "\($0.path):\($0.line)" }
        let want = expected.map { "\($0.path):\($0.line)" }
        guard got == want else {
            Issue.record("\(what): samples at \(got), reference \(want)", sourceLocation: sourceLocation)
            return false
        }
        for (sample, reference) in zip(actual, expected) {
            let text = reference.truncated ? sample.text.hasPrefix(reference.text) : sample.text == reference.text
            guard sample.reason.contains(reference.fault.keyword), text else {
                Issue.record(
                    "\(what): sample \(sample.description) should name \"\(reference.fault.keyword)\" and hold \(String(reflecting: reference.text))",
                    sourceLocation: sourceLocation)
                return false
            }
        }
        return true
    }

    // MARK: - Files

    /// Runs `body` with a new empty directory, removed afterwards.
    static func withScratchDirectory<R>(
        isolation: isolated (any Actor)? = #isolation, _ body: (String) async throws -> R
    ) async throws -> R {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vpcflow-summarize-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: url) }
        return try await body(url.path)
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    static func read(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// `bytes` compressed as one gzip member by FlowIO's `FileWriter` (the system zlib): no `gzip`
    /// tool is needed, so the gzip tests always run instead of passing silently without it.
    static func gzip(_ bytes: [UInt8], level: Int = 6) throws -> [UInt8] {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("vpcflow-gzip-\(UUID().uuidString).gz")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let writer = try FileWriter(path: scratch.path, gzip: true, level: level)
        try writer.write(bytes)
        try writer.close()
        return try read(scratch.path)
    }
}
