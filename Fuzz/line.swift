// Fuzz target: the record reader on single lines.
//
// Input: one control byte, then a line (up to the first LF) and whatever follows it in the chunk.
// Holds, for every line: when the fast path (`RecordReader.readDefaultFormat` or `readFused`, read
// through a `ByteWindow`) takes the line, it ends just past the line's LF and the exact path
// (`RecordLayout.split`, then `RecordReader.read`, the single judge) returns `.ok` with the same
// record; `readDefaultFormat` and `readFused` on the default format take the same lines with the same
// records; and `ChunkScanner` on the line alone (its SWAR field scanner, the exact path for lines
// that start with a digit or `-`) counts the verdict `split` + `read` gives. Whether that verdict is
// right is the `chunk` target's question (against the reference).
//
// The control byte picks the layout (default format, version-5 order, a short custom one, a long
// one), where the line starts in the chunk, and what fills the chunk after it; the chunk is a heap
// block of exactly its size, so a fast-path read past the window is an address-sanitizer report.
import FlowIO

@testable import FlowEngine

private let layouts: [RecordLayout] = [
    RecordLayout.defaultFormat,
    try! RecordLayout.awsText(fields: [
        "version", "vpc-id", "srcaddr", "dstaddr", "bytes", "packets", "action", "start", "end", "log-status",
        "pkt-srcaddr", "flow-direction",
    ]),
    try! RecordLayout.awsText(fields: ["srcaddr", "dstaddr", "bytes"]),
    try! RecordLayout.awsText(fields: [
        "account-id", "action", "az-id", "bytes", "dstaddr", "dstport", "end", "flow-direction", "instance-id",
        "interface-id", "log-status", "packets", "pkt-dst-aws-service", "pkt-dstaddr", "pkt-src-aws-service",
        "pkt-srcaddr", "protocol", "region", "srcaddr", "srcport", "start", "sublocation-id", "sublocation-type",
        "subnet-id", "tcp-flags", "traffic-path", "type", "version", "vpc-id",
    ]),
]

private let index: PrefixIndex = {
    let json = #"{"syncToken":"1","createDate":"x","prefixes":[{"ip_prefix":"10.0.0.0/8","region":"r","service":"AMAZON"}],"ipv6_prefixes":[{"ipv6_prefix":"2600:1f14::/35","region":"us-west-2","service":"EC2"}]}"#
    return PrefixIndex(try! RangesLoader.load(Array(json.utf8), path: "r.json"))
}()
private let keys = ServiceKeys(index: index)

private func describe(_ r: FlowRecord) -> String {
    "src \(r.source) dst \(r.destination) packets \(r.packets) bytes \(r.bytes) missing \(r.missingCounters) "
        + "start \(String(describing: r.start)) end \(String(describing: r.end)) action \(r.action)"
}

private func same(_ a: FlowRecord, _ b: FlowRecord) -> Bool {
    a.source == b.source && a.destination == b.destination && a.packets == b.packets && a.bytes == b.bytes
        && a.missingCounters == b.missingCounters && a.start == b.start && a.end == b.end && a.action == b.action
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLine(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = inputBytes(data, size)
    guard let control = input.first else { return 0 }
    let rest = Array(input.dropFirst())
    let lineLength = rest.firstIndex(of: 0x0A) ?? rest.count
    let layout = layouts[Int(control & 3)]
    // The line's start in the chunk, after earlier bytes that end with an LF.
    let origin = [0, 1, 8, 37][Int(control >> 2 & 3)]
    var chunk = [UInt8](repeating: 0x41, count: origin)
    if origin > 0 { chunk[origin - 1] = 0x0A }
    chunk += rest.prefix(lineLength)
    chunk.append(0x0A)
    if lineLength < rest.count { chunk += rest[(lineLength + 1)...] }
    let fill: [UInt8] = [[0x20], [0x0A], [0x30], Array("2 123456789012 eni-0123456789abcdef0 10.0.0.1 ".utf8)][Int(control >> 4 & 3)]
    var k = 0
    while chunk.count < origin + ByteWindow.size + 8 {
        chunk.append(fill[k % fill.count])
        k += 1
    }
    let lineEnd = origin + lineLength
    let first = lineLength > 0 ? chunk[origin] : 0x0A
    // Only lines that start with a digit or `-` take the fast path (`ChunkScanner`).
    let fastEntry = (first >= 0x30 && first <= 0x39) || first == 0x2D

    withExactSpan(chunk) { span in
        // The exact path, as `ChunkScanner` calls it: one CR before the LF is the line end's.
        var contentEnd = lineEnd
        if contentEnd > origin, span[contentEnd - 1] == 0x0D { contentEnd -= 1 }
        var fields = RecordFields()
        _ = layout.split(span, origin..<contentEnd, into: &fields)
        let verdict = RecordReader.read(span, fields, layout: layout)

        guard fastEntry else { return }
        // The SWAR field scanner (`ChunkScanner`'s exact path for such lines): the line alone as a
        // chunk, too short for a window, must get the same verdict.
        var scanner = ChunkScanner(
            index: index, keys: keys,
            format: InputFormat(detected: DetectedFormat(kind: .awsText, layout: layout, firstLineIsHeader: false), headerLine: nil))
        withExactSpan(Array(chunk[origin...lineEnd])) { scanner.scan($0) }
        let counts = scanner.aggregate.records
        let expected: (ok: Int, nodata: Int, skipdata: Int, malformed: Int, missing: Int)
        switch verdict {
        case .ok(let r): expected = (1, 0, 0, 0, r.missingCounters ? 1 : 0)
        case .nodata: expected = (0, 1, 0, 0, 0)
        case .skipdata: expected = (0, 0, 1, 0, 0)
        case .malformed: expected = (0, 0, 0, 1, 0)
        }
        if counts.dataLines != 1 || counts.ok != expected.ok || counts.nodata != expected.nodata
            || counts.skipdata != expected.skipdata || counts.malformed != expected.malformed
            || counts.missingCounters != expected.missing
        {
            disagreement("ChunkScanner counted \(counts), RecordLayout.split + RecordReader.read said \(verdict) (layout \(control & 3))", input)
        }
        var record = FlowRecord(
            source: .v4(0), destination: .v4(0), packets: 0, bytes: 0, missingCounters: false, start: nil, end: nil,
            action: 2)
        let isDefault = layout.roleOfColumn == RecordLayout.defaultFormat.roleOfColumn
        let end =
            span.withWindow(at: origin) { w in
                isDefault
                    ? RecordReader.readDefaultFormat(w, span, origin: origin, into: &record)
                    : RecordReader.readFused(w, span, origin: origin, roles: layout.roleOfColumn, into: &record)
            } ?? -1
        if isDefault {
            var fused = FlowRecord(
                source: .v4(0), destination: .v4(0), packets: 0, bytes: 0, missingCounters: false, start: nil,
                end: nil, action: 2)
            let fusedEnd =
                span.withWindow(at: origin) { w in
                    RecordReader.readFused(w, span, origin: origin, roles: layout.roleOfColumn, into: &fused)
                } ?? -1
            if (end >= 0) != (fusedEnd >= 0) || (end >= 0 && (end != fusedEnd || !same(record, fused))) {
                disagreement(
                    "readDefaultFormat (end \(end)\(end >= 0 ? ", " + describe(record) : "")) vs readFused (end \(fusedEnd)\(fusedEnd >= 0 ? ", " + describe(fused) : ""))",
                    input)
            }
        }
        guard end >= 0 else { return }
        if end != lineLength + 1 {
            disagreement("fast path ended at \(end), the line's LF is at \(lineLength) (layout \(control & 3))", input)
        }
        switch verdict {
        case .ok(let exact):
            if !same(exact, record) {
                disagreement("fast path read \(describe(record)), exact path \(describe(exact)) (layout \(control & 3))", input)
            }
        case .nodata: disagreement("fast path took a line the exact path calls NODATA (layout \(control & 3))", input)
        case .skipdata: disagreement("fast path took a line the exact path calls SKIPDATA (layout \(control & 3))", input)
        case .malformed(let reason):
            disagreement("fast path took a line the exact path calls malformed: \(reason) (layout \(control & 3))", input)
        }
    }
    return 0
}
