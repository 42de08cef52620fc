import FlowIO

/// The on-disk form of a `Partial` (PARTIAL-FORMAT.md is the specification; this file is its
/// implementation, and `PartialCodecTests` holds the two together).
///
/// ```
/// magic      16 bytes  "vpcflow-partial\n"
/// version    varint    container version (1)
/// count      varint    number of components
/// component  ×count    name (string), version (varint), length (varint), payload (length bytes)
/// checksum   32 bytes  SHA-256 of every byte before it
/// ```
///
/// Components are written in name order, each once. Integers are unsigned LEB128 varints; a
/// string is a varint byte count and UTF-8 bytes; a boolean is one byte, 0 or 1; maps are written
/// sorted by key. Nothing depends on the clock, the host, the folder or the order work completed:
/// the same inputs give the same bytes.
///
/// Reading is strict: the checksum is checked first, then every length against what is left;
/// an unknown component, an unknown component version, a trailing byte or a value out of range is
/// an error, never a zero.
public enum PartialCodec {
    public static let magic = Array("vpcflow-partial\n".utf8)
    public static let containerVersion: UInt64 = 1
    /// The components of container version 1 and their versions.
    public static let componentVersions: [String: UInt64] = [
        "inputs": 1, "interfaces": 1, "meta": 1, "notes": 1, "paths": 1, "ports": 1, "records": 1, "services": 1,
        "shards": 1, "timeline": 1,
    ]
    /// The components added after the first partials were written (issue 14): a partial without
    /// them is refused by name (re-run `summarize` on its inputs), never read as if its ports or
    /// timeline were empty.
    static let addedComponents: Set<String> = ["interfaces", "ports", "timeline"]

    /// Why bytes are not a partial.
    public struct DecodeError: Error, Sendable, Equatable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
        init(_ message: String) { self.message = message }
    }

    /// Whether `bytes` start like a partial (the magic), whatever follows.
    public static func looksLikePartial(_ bytes: [UInt8]) -> Bool { bytes.starts(with: magic) }

    public static func encode(_ partial: Partial) -> [UInt8] {
        var components: [(String, [UInt8])] = []
        components.append(("inputs", encodeInputs(partial)))
        components.append(("interfaces", encodeInterfaces(partial)))
        components.append(("meta", encodeMeta(partial)))
        components.append(("notes", encodeNotes(partial)))
        components.append(("paths", encodePaths(partial)))
        components.append(("ports", encodePorts(partial)))
        components.append(("records", encodeRecords(partial)))
        components.append(("services", encodeServices(partial)))
        components.append(("shards", encodeShards(partial)))
        components.append(("timeline", encodeTimeline(partial)))
        var out = ByteWriter()
        out.bytes = magic
        out.varint(containerVersion)
        out.varint(UInt64(components.count))
        for (name, payload) in components {
            out.string(name)
            out.varint(componentVersions[name]!)
            out.varint(UInt64(payload.count))
            out.bytes += payload
        }
        out.bytes += SHA256.hash(out.bytes)
        return out.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws(DecodeError) -> Partial {
        guard bytes.count >= magic.count + 32, bytes.starts(with: magic) else {
            if bytes.starts(with: magic) { throw DecodeError("truncated: \(bytes.count) bytes, too short for a partial") }
            throw DecodeError("not a vpcflow partial (it does not start with \"vpcflow-partial\")")
        }
        let body = Array(bytes[..<(bytes.count - 32)])
        guard SHA256.hash(body) == Array(bytes[(bytes.count - 32)...]) else {
            throw DecodeError("checksum mismatch: the partial is truncated or was altered")
        }
        var reader = ByteReader(body, at: magic.count)
        let version = try reader.varint()
        guard version == containerVersion else {
            throw DecodeError("partial format version \(version); this vpcflow reads version \(containerVersion)")
        }
        let count = try reader.varint()
        var payloads: [String: [UInt8]] = [:]
        var previous: String?
        for _ in 0..<count {
            let name = try reader.string()
            let componentVersion = try reader.varint()
            let length = try reader.count()
            let payload = try reader.take(length)
            guard let known = componentVersions[name] else {
                throw DecodeError("unknown component \"\(name)\" (written by a newer vpcflow?)")
            }
            guard componentVersion == known else {
                throw DecodeError("component \"\(name)\" version \(componentVersion); this vpcflow reads version \(known)")
            }
            if let previous, !ByteOrder.precedes(previous, name) {
                throw DecodeError("components out of order or repeated at \"\(name)\"")
            }
            previous = name
            payloads[name] = payload
        }
        guard reader.isAtEnd else { throw DecodeError("\(reader.remaining) bytes after the last component") }
        for name in componentVersions.keys.sorted() where payloads[name] == nil {
            if addedComponents.contains(name) {
                throw DecodeError(
                    "component \"\(name)\" is missing: the partial was written by an earlier vpcflow, which did not count \(name); run summarize on its inputs again")
            }
            throw DecodeError("component \"\(name)\" is missing")
        }
        var partial = try decodeMeta(payloads["meta"]!)
        try decodeRecords(payloads["records"]!, into: &partial)
        try decodeServices(payloads["services"]!, into: &partial)
        try decodePaths(payloads["paths"]!, into: &partial)
        try decodeInputs(payloads["inputs"]!, into: &partial)
        try decodeNotes(payloads["notes"]!, into: &partial)
        try decodeShards(payloads["shards"]!, into: &partial)
        try decodePorts(payloads["ports"]!, into: &partial)
        try decodeInterfaces(payloads["interfaces"]!, into: &partial)
        try decodeTimeline(payloads["timeline"]!, into: &partial)
        return partial
    }

    // MARK: components

    private static func encodeMeta(_ p: Partial) -> [UInt8] {
        var out = ByteWriter()
        out.varint(UInt64(p.vpcflowVersions.count))
        for version in p.vpcflowVersions { out.string(version) }
        let s = p.snapshot
        out.string(s.rangesDigest)
        out.string(s.syncToken)
        out.string(s.createDate)
        out.varint(UInt64(s.ipv4Entries))
        out.varint(UInt64(s.ipv6Entries))
        out.bool(s.labelsDigest != nil)
        out.string(s.labelsDigest ?? "")
        out.varint(UInt64(s.labelEntries))
        let keys = p.options.keys.sorted(by: ByteOrder.precedes)
        out.varint(UInt64(keys.count))
        for key in keys {
            out.string(key)
            out.string(p.options[key]!)
        }
        return out.bytes
    }

    private static func decodeMeta(_ bytes: [UInt8]) throws(DecodeError) -> Partial {
        var r = ByteReader(bytes)
        var versions: [String] = []
        for _ in 0..<(try r.count()) { versions.append(try r.string()) }
        let digest = try r.string()
        let syncToken = try r.string()
        let createDate = try r.string()
        let ipv4 = try r.count()
        let ipv6 = try r.count()
        let hasLabels = try r.bool()
        let labelsDigest = try r.string()
        let labelEntries = try r.count()
        var options: [String: String] = [:]
        for _ in 0..<(try r.count()) {
            let key = try r.string()
            options[key] = try r.string()
        }
        try r.end("meta")
        let snapshot = Partial.Snapshot(
            rangesDigest: digest, syncToken: syncToken, createDate: createDate, ipv4Entries: ipv4, ipv6Entries: ipv6,
            labelsDigest: hasLabels ? labelsDigest : nil, labelEntries: labelEntries)
        return Partial(vpcflowVersions: versions, snapshot: snapshot, options: options)
    }

    private static func encodeRecords(_ p: Partial) -> [UInt8] {
        var out = ByteWriter()
        let r = p.records
        for value in [r.dataLines, r.ok, r.nodata, r.skipdata, r.malformed, r.headers, r.blank, r.missingCounters] {
            out.varint(UInt64(value))
        }
        out.varint(p.firstStart)
        out.varint(p.lastEnd)
        out.bool(p.saturated)
        return out.bytes
    }

    private static func decodeRecords(_ bytes: [UInt8], into p: inout Partial) throws(DecodeError) {
        var r = ByteReader(bytes)
        var counts = RecordCounts()
        counts.dataLines = try r.count()
        counts.ok = try r.count()
        counts.nodata = try r.count()
        counts.skipdata = try r.count()
        counts.malformed = try r.count()
        counts.headers = try r.count()
        counts.blank = try r.count()
        counts.missingCounters = try r.count()
        p.records = counts
        p.firstStart = try r.varint()
        p.lastEnd = try r.varint()
        p.saturated = try r.bool()
        try r.end("records")
    }

    private static func encodeServices(_ p: Partial) -> [UInt8] {
        var out = ByteWriter()
        for table in [p.primary, p.all] {
            out.varint(UInt64(table.count))
            for key in table.keys.sorted() {
                out.byte(key.side)
                out.string(key.region)
                out.string(key.service)
                out.counters(table[key]!)
            }
        }
        return out.bytes
    }

    private static func decodeServices(_ bytes: [UInt8], into p: inout Partial) throws(DecodeError) {
        var r = ByteReader(bytes)
        for table in 0..<2 {
            var rows: [Partial.ServiceKey: Partial.Counters] = [:]
            var previous: Partial.ServiceKey?
            for _ in 0..<(try r.count()) {
                let side = try r.byte()
                guard side < 2 else { throw DecodeError("services: side \(side) is neither 0 nor 1") }
                let key = Partial.ServiceKey(side: side, region: try r.string(), service: try r.string())
                if let previous, !(previous < key) { throw DecodeError("services: rows out of order or repeated") }
                previous = key
                rows[key] = try r.counters()
            }
            if table == 0 { p.primary = rows } else { p.all = rows }
        }
        try r.end("services")
    }

    private static func encodePaths(_ p: Partial) -> [UInt8] {
        var out = ByteWriter()
        out.varint(UInt64(p.paths.count))
        for key in p.paths.keys.sorted() {
            out.string(key.sourceRegion)
            out.string(key.sourceService)
            out.string(key.destinationRegion)
            out.string(key.destinationService)
            out.byte(key.action)
            out.counters(p.paths[key]!)
        }
        return out.bytes
    }

    private static func decodePaths(_ bytes: [UInt8], into p: inout Partial) throws(DecodeError) {
        var r = ByteReader(bytes)
        var previous: Partial.PathKey?
        for _ in 0..<(try r.count()) {
            let key = Partial.PathKey(
                sourceRegion: try r.string(), sourceService: try r.string(), destinationRegion: try r.string(),
                destinationService: try r.string(), action: try r.byte())
            guard key.action < 3 else { throw DecodeError("paths: action \(key.action) is not 0, 1 or 2") }
            if let previous, !(previous < key) { throw DecodeError("paths: cells out of order or repeated") }
            previous = key
            p.paths[key] = try r.counters()
        }
        try r.end("paths")
    }

    private static func encodePorts(_ p: Partial) -> [UInt8] {
        var out = ByteWriter()
        out.varint(UInt64(p.ports.count))
        for key in p.ports.keys.sorted() {
            out.varint(key.protocolNumber.map { UInt64($0) + 1 } ?? 0)
            out.varint(key.port.map { UInt64($0) + 1 } ?? 0)
            let c = p.ports[key]!
            for value in [c.flows, c.packets, c.bytes, c.rejected] { out.varint(value) }
        }
        return out.bytes
    }

    private static func decodePorts(_ bytes: [UInt8], into p: inout Partial) throws(DecodeError) {
        var r = ByteReader(bytes)
        var previous: Partial.PortKey?
        for _ in 0..<(try r.count()) {
            let number = try r.varint()
            let port = try r.varint()
            guard number <= 256, port <= 65536 else {
                throw DecodeError("ports: protocol \(number) - 1 or port \(port) - 1 out of range")
            }
            let key = Partial.PortKey(
                protocolNumber: number == 0 ? nil : UInt16(number - 1), port: port == 0 ? nil : UInt32(port - 1))
            if let previous, !(previous < key) { throw DecodeError("ports: rows out of order or repeated") }
            previous = key
            p.ports[key] = Partial.PortCounters(
                flows: try r.varint(), packets: try r.varint(), bytes: try r.varint(), rejected: try r.varint())
        }
        try r.end("ports")
    }

    private static func encodeInterfaces(_ p: Partial) -> [UInt8] {
        var out = ByteWriter()
        out.bool(p.interfaces != nil)
        let table = p.interfaces ?? [:]
        out.varint(UInt64(table.count))
        for name in table.keys.sorted(by: ByteOrder.precedes) {
            out.string(name)
            let c = table[name]!
            for value in [c.flows, c.packets, c.bytes, c.accepted, c.rejected] { out.varint(value) }
        }
        return out.bytes
    }

    private static func decodeInterfaces(_ bytes: [UInt8], into p: inout Partial) throws(DecodeError) {
        var r = ByteReader(bytes)
        let present = try r.bool()
        var table: [String: Partial.InterfaceCounters] = [:]
        var previous: String?
        for _ in 0..<(try r.count()) {
            let name = try r.string()
            if let previous, !ByteOrder.precedes(previous, name) {
                throw DecodeError("interfaces: names out of order or repeated at \"\(name)\"")
            }
            previous = name
            table[name] = Partial.InterfaceCounters(
                flows: try r.varint(), packets: try r.varint(), bytes: try r.varint(), accepted: try r.varint(),
                rejected: try r.varint())
        }
        guard present || table.isEmpty else { throw DecodeError("interfaces: rows in a partial without the field") }
        p.interfaces = present ? table : nil
        try r.end("interfaces")
    }

    private static func encodeTimeline(_ p: Partial) -> [UInt8] {
        var out = ByteWriter()
        out.varint(p.timelineBucket?.seconds ?? 0)
        out.varint(UInt64(p.timeline.count))
        for key in p.timeline.keys.sorted() {
            out.varint(key.bucketStart.map { $0 + 1 } ?? 0)
            out.byte(key.side)
            out.string(key.region)
            out.string(key.service)
            out.counters(p.timeline[key]!)
        }
        return out.bytes
    }

    private static func decodeTimeline(_ bytes: [UInt8], into p: inout Partial) throws(DecodeError) {
        var r = ByteReader(bytes)
        let width = try r.varint()
        var bucket: TimelineBucket?
        if width != 0 {
            guard let known = TimelineBucket.allCases.first(where: { $0.seconds == width }) else {
                throw DecodeError("timeline: buckets of \(width) s; this vpcflow reads 300, 3600 or 86400 (0: not counted)")
            }
            bucket = known
        }
        p.timelineBucket = bucket
        var previous: Partial.TimelineKey?
        for _ in 0..<(try r.count()) {
            let start = try r.varint()
            guard width != 0, start == 0 || (start - 1) % width == 0 else {
                throw DecodeError("timeline: bucket start \(start - 1) is not a multiple of \(width) s")
            }
            let side = try r.byte()
            guard side < 2 else { throw DecodeError("timeline: side \(side) is neither 0 nor 1") }
            let key = Partial.TimelineKey(
                bucketStart: start == 0 ? nil : start - 1, side: side, region: try r.string(), service: try r.string())
            if let previous, !(previous < key) { throw DecodeError("timeline: cells out of order or repeated") }
            previous = key
            p.timeline[key] = try r.counters()
        }
        try r.end("timeline")
    }

    private static let failureKinds: [InputFailure.Kind] = [.cannotOpen, .ioError, .badHeader, .changed]

    private static func encodeInputs(_ p: Partial) -> [UInt8] {
        var out = ByteWriter()
        out.varint(UInt64(p.inputs.count))
        for input in p.inputs {
            out.string(input.name)
            out.varint(UInt64(input.bytes))
            out.varint(UInt64(input.textBytes))
            out.bool(input.isGzip)
            out.string(input.format?.rawValue ?? "")
            out.varint(UInt64(input.lines))
            out.varint(UInt64(input.malformed))
            out.varint(UInt64(input.records))
            out.varint(input.grewTo.map { UInt64($0) + 1 } ?? 0)
            if let failure = input.failure {
                out.byte(UInt8(failureKinds.firstIndex(of: failure.kind)! + 1))
                out.string(failure.message)
            } else {
                out.byte(0)
            }
            out.varint(UInt64(input.samples.count))
            for sample in input.samples {
                out.varint(UInt64(sample.line))
                out.string(sample.reason)
                out.string(sample.text)
            }
        }
        return out.bytes
    }

    private static func decodeInputs(_ bytes: [UInt8], into p: inout Partial) throws(DecodeError) {
        var r = ByteReader(bytes)
        var inputs: [Partial.Input] = []
        for _ in 0..<(try r.count()) {
            let name = try r.string()
            if let last = inputs.last, !ByteOrder.precedes(last.name, name) {
                throw DecodeError("inputs: names out of order or repeated at \"\(name)\"")
            }
            let bytes = try r.count()
            let textBytes = try r.count()
            let isGzip = try r.bool()
            let formatName = try r.string()
            var format: DetectedFormat.Kind?
            if !formatName.isEmpty {
                guard let known = DetectedFormat.Kind(rawValue: formatName) else {
                    throw DecodeError("inputs: unknown format \"\(formatName)\"")
                }
                format = known
            }
            let lines = try r.count()
            let malformed = try r.count()
            let records = try r.count()
            let grew = try r.count()
            let kind = try r.byte()
            var failure: InputFailure?
            if kind > 0 {
                guard Int(kind) <= failureKinds.count else { throw DecodeError("inputs: unknown failure kind \(kind)") }
                failure = InputFailure(kind: failureKinds[Int(kind) - 1], message: try r.string())
            }
            var samples: [MalformedRecord] = []
            for _ in 0..<(try r.count()) {
                let line = try r.count()
                samples.append(MalformedRecord(path: name, line: line, reason: try r.string(), text: try r.string()))
            }
            inputs.append(
                Partial.Input(
                    name: name, bytes: bytes, textBytes: textBytes, isGzip: isGzip, format: format, lines: lines,
                    malformed: malformed, records: records, grewTo: grew == 0 ? nil : grew - 1, failure: failure,
                    samples: samples))
        }
        p.inputs = inputs
        try r.end("inputs")
    }

    private static func encodeNotes(_ p: Partial) -> [UInt8] {
        var out = ByteWriter()
        out.varint(UInt64(p.duplicates.count))
        for duplicate in p.duplicates {
            out.string(duplicate.path)
            out.string(duplicate.sameAs)
        }
        out.varint(UInt64(p.emptyDirectories.count))
        for folder in p.emptyDirectories { out.string(folder) }
        return out.bytes
    }

    private static func decodeNotes(_ bytes: [UInt8], into p: inout Partial) throws(DecodeError) {
        var r = ByteReader(bytes)
        for _ in 0..<(try r.count()) { p.duplicates.append(Partial.Duplicate(path: try r.string(), sameAs: try r.string())) }
        for _ in 0..<(try r.count()) { p.emptyDirectories.append(try r.string()) }
        try r.end("notes")
    }

    private static func encodeShards(_ p: Partial) -> [UInt8] {
        var out = ByteWriter()
        out.varint(UInt64(p.shards.count))
        for group in p.shards {
            out.string(group.listDigest)
            out.varint(UInt64(group.count))
            out.varint(UInt64(group.held.count))
            for shard in group.held { out.varint(UInt64(shard)) }
        }
        return out.bytes
    }

    private static func decodeShards(_ bytes: [UInt8], into p: inout Partial) throws(DecodeError) {
        var r = ByteReader(bytes)
        for _ in 0..<(try r.count()) {
            let digest = try r.string()
            let count = try r.count()
            var held: [Int] = []
            for _ in 0..<(try r.count()) {
                let shard = try r.count()
                guard shard < count, held.last.map({ $0 < shard }) ?? true else {
                    throw DecodeError("shards: shard \(shard) of \(count) out of range or order")
                }
                held.append(shard)
            }
            p.shards.append(Partial.ShardGroup(listDigest: digest, count: count, held: held))
        }
        try r.end("shards")
    }
}

/// Appends varints, strings and bytes.
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func byte(_ value: UInt8) { bytes.append(value) }
    mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func string(_ text: String) {
        varint(UInt64(text.utf8.count))
        bytes += text.utf8
    }

    mutating func counters(_ c: Partial.Counters) {
        varint(c.flows)
        varint(c.packets)
        varint(c.bytes)
    }
}

/// Reads what `ByteWriter` wrote, checking every length against what is left.
struct ByteReader {
    private let bytes: [UInt8]
    private var at: Int

    init(_ bytes: [UInt8], at: Int = 0) {
        self.bytes = bytes
        self.at = at
    }

    var isAtEnd: Bool { at == bytes.count }
    var remaining: Int { bytes.count - at }

    mutating func byte() throws(PartialCodec.DecodeError) -> UInt8 {
        guard at < bytes.count else { throw .init("truncated inside a component") }
        defer { at += 1 }
        return bytes[at]
    }

    mutating func bool() throws(PartialCodec.DecodeError) -> Bool {
        let value = try byte()
        guard value < 2 else { throw .init("a boolean of \(value)") }
        return value == 1
    }

    /// A minimal LEB128 varint of at most 64 bits.
    mutating func varint() throws(PartialCodec.DecodeError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            guard shift < 64, shift < 63 || b <= 1 else { throw .init("a number of more than 64 bits") }
            value |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 {
                guard b != 0 || shift == 0 else { throw .init("a number written with needless bytes") }
                return value
            }
            shift += 7
        }
    }

    /// A varint that is a count or a size: at most `Int.max`.
    mutating func count() throws(PartialCodec.DecodeError) -> Int {
        let value = try varint()
        guard value <= UInt64(Int.max) else { throw .init("a count of \(value)") }
        return Int(value)
    }

    mutating func take(_ count: Int) throws(PartialCodec.DecodeError) -> [UInt8] {
        guard count <= remaining else { throw .init("truncated: a length of \(count) with \(remaining) bytes left") }
        defer { at += count }
        return Array(bytes[at..<at + count])
    }

    mutating func string() throws(PartialCodec.DecodeError) -> String {
        let raw = try take(try count())
        guard let text = String(validating: raw, as: UTF8.self) else { throw .init("a string that is not UTF-8") }
        return text
    }

    mutating func counters() throws(PartialCodec.DecodeError) -> Partial.Counters {
        Partial.Counters(flows: try varint(), packets: try varint(), bytes: try varint())
    }

    func end(_ component: String) throws(PartialCodec.DecodeError) {
        guard isAtEnd else { throw .init("component \"\(component)\": \(remaining) bytes after its last field") }
    }
}
