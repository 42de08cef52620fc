// Fuzz target: a whole chunk against the plain reference.
// fuzz-sources: Tests/FlowEngineTests/Summarize/ReferenceSummarizer.swift Tests/FlowEngineTests/Summarize/ReferenceRanges.swift
//
// Input: the text of one input file (any bytes), read as one chunk by `ChunkScanner` (format
// detection as `SummarizeJob` does it, the fast path, the SWAR scanner, the general path and the
// one judge), against `ReferenceSummarizer` (the tests' naive implementation: Foundation strings,
// `String.split`, `inet_pton`, a linear scan over the ranges), both classifying against the tests'
// nested ranges plus labels (`Tests/FlowEngineTests/Fixtures/summarize`).
// Holds: the same services.csv (primary and all attribution), the same paths.csv, ports.csv,
// interfaces.csv and timeline.csv (5m and 1h), the same record
// counts (data lines, OK, NODATA, SKIPDATA, malformed, headers, blank, missing counters), conserved
// counts, and the same malformed samples (line numbers, a reason naming the same field). And: the
// same text cut in two chunks at a line end (as `ChunkPlan` cuts) and merged gives the same aggregate.
//
// Needs VPCFLOW_FUZZ_ROOT (the repository root; scripts/fuzz.sh sets it) to find the fixtures.
// Text that is not UTF-8 is skipped: the reference reads files as Swift strings, which replace
// invalid bytes, so it cannot be the judge there (the `line` target covers such bytes).
import FlowIO
import Foundation

@testable import FlowEngine

private struct Setup: @unchecked Sendable {
    let index: PrefixIndex
    let keys: ServiceKeys
    let reference: ReferenceRanges
}

private let setup: Setup = {
    guard let root = ProcessInfo.processInfo.environment["VPCFLOW_FUZZ_ROOT"] else {
        fatalError("set VPCFLOW_FUZZ_ROOT to the repository root (scripts/fuzz.sh does)")
    }
    let fixtures = "\(root)/Tests/FlowEngineTests/Fixtures/summarize"
    do {
        let rangesPath = "\(fixtures)/ranges-nested.json"
        let labelsPath = "\(fixtures)/labels.csv"
        let ranges = try RangesLoader.load(try FileReading.readAll(rangesPath), path: rangesPath)
        let labels = try LabelsLoader.load(try FileReading.readAll(labelsPath), path: labelsPath)
        let index = PrefixIndex(ranges.adding(labels: labels, from: labelsPath))
        return Setup(
            index: index, keys: ServiceKeys(index: index),
            reference: try ReferenceRanges.load(rangesPath: rangesPath, labelsPath: labelsPath))
    } catch {
        fatalError("cannot load the fixtures under \(fixtures): \(error)")
    }
}()

private func scan(_ span: Span<UInt8>, format: InputFormat) -> ChunkScanner {
    // The opt-in reports are counted too (the timeline at 5 minutes), to be held to the reference.
    var scanner = ChunkScanner(
        index: setup.index, keys: setup.keys, format: format, bucketSeconds: 300, countsInterfaces: true)
    scanner.scan(span)
    return scanner
}

private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzChunk(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = inputBytes(data, size)
    guard String(validating: input, as: UTF8.self) != nil else { return 0 }
    // Header names: the engine accepts any case and Athena's underscores (`FlowField.role(named:)`
    // lowercases, which also folds non-ASCII letters such as the Kelvin sign); the reference knows
    // only AWS's spelling. A first line with such bytes is not judged here.
    if let first = input.split(separator: 0x0A).first(where: { $0.contains { $0 > 0x20 } }),
        first.contains(where: { ($0 >= 0x41 && $0 <= 0x5A) || $0 == 0x5F || $0 >= 0x80 })
    {
        return 0
    }
    let format: InputFormat
    do {
        format = try withExactSpan(input) { span in Result { () throws(LayoutError) in try InputFormat.detect(in: span, fields: nil) } }.get()
            ?? .blankOnly
    } catch {
        return 0  // a header without the address fields: the whole input is refused
    }
    let scanner = withExactSpan(input) { scan($0, format: format) }
    let aggregate = scanner.aggregate
    let r = aggregate.records
    if !r.isConserved { disagreement("counts not conserved: \(r)", input) }

    let result = SummarizeResult(
        aggregate: aggregate, inputs: [], samples: [], interrupted: false, elapsedSeconds: 0, index: setup.index,
        keys: setup.keys, timelineBucket: .fiveMinutes)
    let reference = ReferenceSummarizer.summarize(files: [(name: "fuzz", text: text(input))], ranges: setup.reference)
    let counts = ReferenceSummarizer.Counts(
        dataLines: r.dataLines, ok: r.ok, nodata: r.nodata, skipdata: r.skipdata, malformed: r.malformed,
        headers: r.headers, blank: r.blank, missingCounters: r.missingCounters)
    if counts != reference.counts { disagreement("counts \(counts), reference \(reference.counts)", input) }
    let primary = ServicesReport.csv(ServicesReport.rows(result, attribution: .primary))
    if primary != reference.primaryServices {
        disagreement("services.csv (primary):\n\(text(primary))reference:\n\(text(reference.primaryServices))", input)
    }
    let all = ServicesReport.csv(ServicesReport.rows(result, attribution: .all))
    if all != reference.allServices {
        disagreement("services.csv (all):\n\(text(all))reference:\n\(text(reference.allServices))", input)
    }
    let paths = PathsReport.csv(PathsReport.rows(result))
    if paths != reference.paths { disagreement("paths.csv:\n\(text(paths))reference:\n\(text(reference.paths))", input) }
    let partial = Partial(result, options: [:], version: "")
    let ports = PortsReport.csv(PortsReport.rows(partial, top: .max))
    if ports != reference.ports { disagreement("ports.csv:\n\(text(ports))reference:\n\(text(reference.ports))", input) }
    let interfaces = InterfacesReport.csv(partial)
    if interfaces != reference.interfaces {
        disagreement("interfaces.csv:\n\(interfaces.map(text) ?? "(absent)")reference:\n\(reference.interfaces.map(text) ?? "(absent)")", input)
    }
    for (bucket, expected) in [(TimelineBucket.fiveMinutes, reference.timeline5m), (.hour, reference.timeline1h)] {
        let timeline = TimelineReport.csv(TimelineReport.rows(partial, bucket: bucket))
        if timeline != expected {
            disagreement("timeline.csv (\(bucket.rawValue)):\n\(text(timeline))reference:\n\(text(expected))", input)
        }
    }
    let lines = scanner.samples.map(\.line)
    let referenceLines = reference.samples.map(\.line)
    if lines != referenceLines { disagreement("malformed samples at lines \(lines), reference \(referenceLines)", input) }
    // A header line unlike the first one is malformed for both; the reference, which knows no
    // headers past the first, blames its field count, the engine names it a header.
    for (sample, expected) in zip(scanner.samples, reference.samples)
    where !sample.record.reason.contains(expected.fault.keyword) && !sample.record.reason.hasPrefix("a header line different") {
        disagreement("line \(sample.line): reason \"\(sample.record.reason)\", reference says \(expected.fault.keyword)", input)
    }

    // The same text in two chunks, cut after an LF chosen from the input.
    let ends = input.indices.filter { input[$0] == 0x0A }
    if !ends.isEmpty {
        var random = InputRandom(input)
        let cut = ends[Int(random.next() % UInt64(ends.count))] + 1
        var merged = withExactSpan(Array(input[..<cut])) { scan($0, format: format) }.aggregate
        let second = withExactSpan(Array(input[cut...])) { scan($0, format: format) }.aggregate
        merged.merge(second)
        if merged != aggregate { disagreement("two chunks cut at \(cut) merge to another aggregate than one chunk", input) }
    }
    return 0
}
