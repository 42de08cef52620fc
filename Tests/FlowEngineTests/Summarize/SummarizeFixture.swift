import Foundation
import Testing

@testable import FlowEngine

/// The small committed inputs of `Fixtures/summarize/NAME/`, each with golden `services.csv`
/// (primary attribution), `services-all.csv` (all attribution) and `paths.csv`.
///
/// The golden files were produced by `ReferenceSummarizer` and read through by hand;
/// `SummarizeHandCheckedTests` pins two of them with figures worked out on paper. With
/// `VPCFLOW_UPDATE_GOLDEN=1` the golden tests rewrite them from the reference (review the diff).
/// `SummarizeGoldenTests` (below) checks the engine against them, one fixture at a time and all
/// fixtures of one ranges file in one run.
struct SummarizeFixture: Sendable, CustomTestStringConvertible {
    let name: String
    /// The input's file name inside the fixture's folder.
    let file: String
    let ranges: SummarizeHarness.Ranges
    /// `--fields`, for headerless input in a custom order.
    var fields: [String]? = nil
    /// What the fixture is about, for the test log.
    let about: String

    var testDescription: String { name }
    var directory: String { "\(SummarizeHarness.fixtures)/\(name)" }
    var inputPath: String { "\(directory)/\(file)" }

    func index() throws -> PrefixIndex { try SummarizeHarness.index(ranges) }

    func layout() throws -> RecordLayout? { try fields.map { try RecordLayout.awsText(fields: $0) } }

    func options(jobs: Int = 1, chunkSize: Int = SummarizeOptions.defaultChunkSize, allowMapping: Bool = true,
                 gzipBlockSize: Int = 4 << 20) throws -> SummarizeOptions {
        var options = SummarizeOptions(
            jobs: jobs, chunkSize: chunkSize, fields: try layout(), allowMapping: allowMapping,
            gzipBlockSize: gzipBlockSize)
        // The fixtures count the opt-in reports (the timeline at its finest), so that they are held
        // to the reference too.
        options.timelineBucket = .fiveMinutes
        options.countsInterfaces = true
        return options
    }

    func reference(paths: [String]? = nil) throws -> ReferenceSummarizer.Output {
        try ReferenceSummarizer.summarize(
            paths: paths ?? [inputPath], ranges: try SummarizeHarness.reference(ranges), fields: fields)
    }

    /// The golden files of this fixture: name → bytes.
    func golden(_ file: String) throws -> [UInt8] { try SummarizeHarness.read("\(directory)/\(file)") }

    static let all: [SummarizeFixture] = [
        .init(name: "v2-header", file: "input.log", ranges: .example, about: "the committed example: default v2 with header, IPv6, NODATA, SKIPDATA"),
        .init(name: "v2-no-header", file: "input.log", ranges: .nested, about: "default v2 without header; nested prefixes and duplicate CIDRs"),
        .init(name: "v3-bytes-first", file: "input.log", ranges: .nested, about: "AWS's custom v3 order with bytes before packets, and its double space"),
        .init(name: "v5-order", file: "input.log", ranges: .nested, about: "AWS's v5 order, a NODATA record, IPv6 S3"),
        .init(name: "tgw-v6", file: "input.log", ranges: .nested, about: "transit-gateway v6: no action column, double spaces, a non-ASCII letter"),
        .init(name: "v8-ecs-unknown", file: "input.log", ranges: .nested, about: "v7 ECS fields, v8 reject-reason and unknown field names"),
        .init(name: "notebook-csv", file: "input.csv", ranges: .example, about: "the notebook's CSV: srcaddr,dstaddr only"),
        .init(name: "csv-columns", file: "input.csv", ranges: .nested, about: "CSV with packets and bytes in other positions, spaces, NODATA"),
        .init(name: "csv-no-header", file: "input.csv", ranges: .nested, about: "CSV whose first row is data"),
        .init(name: "crlf", file: "input.log", ranges: .example, about: "CRLF line ends, a blank CRLF line, a last line ending in CR"),
        .init(name: "no-final-newline", file: "input.log", ranges: .example, about: "the last line has no newline"),
        .init(name: "ipv4-ipv6", file: "input.log", ranges: .nested, about: "IPv4 and IPv6 mixed: mapped, private, link-local, edges of prefixes"),
        .init(name: "concatenated", file: "input.log", ranges: .nested, about: "concatenated files: repeated headers, blank and whitespace-only lines"),
        .init(name: "nodata-skipdata", file: "input.log", ranges: .example, about: "NODATA and SKIPDATA records"),
        .init(name: "missing-counters", file: "input.log", ranges: .example, about: "'-' packets, bytes, start, end and action in OK records"),
        .init(name: "malformed", file: "input.log", ranges: .nested, about: "malformed lines of every kind among good ones"),
        .init(
            name: "fields-custom", file: "input.log", ranges: .nested,
            fields: ["srcaddr", "dstaddr", "bytes", "packets", "action", "log-status"],
            about: "headerless input read with --fields in a custom order"),
        .init(name: "labels", file: "../v2-no-header/input.log", ranges: .nestedWithLabels, about: "v2-no-header with a labels file: a label nested in an AWS prefix, a private label with a region"),
    ]

    static func named(_ name: String) -> SummarizeFixture { all.first { $0.name == name }! }
}

/// The golden files, checked against the engine (jobs 1, default chunk) and the reference.
struct SummarizeGoldenTests {
    static let updating = ProcessInfo.processInfo.environment["VPCFLOW_UPDATE_GOLDEN"] == "1"
    static let goldenFiles = ["services.csv", "services-all.csv", "paths.csv"]

    @Test("engine output equals the golden files and the reference", arguments: SummarizeFixture.all)
    func engineMatchesGolden(_ fixture: SummarizeFixture) async throws {
        let reference = try fixture.reference()
        let expected = [reference.primaryServices, reference.allServices, reference.paths]
        if Self.updating {
            for (file, bytes) in zip(Self.goldenFiles, expected) {
                try SummarizeHarness.write(bytes, to: "\(fixture.directory)/\(file)")
            }
        }
        let run = await SummarizeHarness.run([fixture.inputPath], index: try fixture.index(), options: try fixture.options())
        let actual = [run.servicesPrimary, run.servicesAll, run.paths]
        for (file, (engine, ref)) in zip(Self.goldenFiles, zip(actual, expected)) {
            let golden = try fixture.golden(file)
            SummarizeHarness.expectSame(ref, golden, "\(fixture.name): reference vs golden \(file)")
            SummarizeHarness.expectSame(engine, golden, "\(fixture.name): engine vs golden \(file)")
        }
        SummarizeHarness.expectMatches(run, reference, fixture.name)
        #expect(run.result.failures.isEmpty, "\(fixture.name): \(run.result.failures)")
        #expect(run.result.aggregate.records.isConserved)
    }

    /// All fixtures of one ranges file as one run of several inputs: chunks of different files
    /// interleave in flight, and the per-file line numbers and counts must still come out right.
    @Test("several inputs in one run", arguments: [SummarizeHarness.Ranges.example, .nested])
    func severalInputs(_ ranges: SummarizeHarness.Ranges) async throws {
        let fixtures = SummarizeFixture.all.filter { $0.ranges == ranges && $0.fields == nil }
        let paths = fixtures.map(\.inputPath)
        let index = try SummarizeHarness.index(ranges)
        let reference = try ReferenceSummarizer.summarize(paths: paths, ranges: try SummarizeHarness.reference(ranges))
        let baseline = await SummarizeHarness.run(paths, index: index, options: SummarizeOptions(jobs: 1))
        try #require(SummarizeHarness.expectMatches(baseline, reference, "\(ranges) fixtures, jobs 1"))
        for chunk in [1, 5, 64, 257, 4096] {
            for jobs in SummarizeChunkContractTests.jobCounts {
                let run = await SummarizeHarness.run(paths, index: index, options: SummarizeOptions(jobs: jobs, chunkSize: chunk))
                guard SummarizeChunkContractTests.same(run, baseline, "\(ranges) fixtures: chunk \(chunk), jobs \(jobs)") else { return }
            }
        }
    }
}
