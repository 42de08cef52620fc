/// One data line judged: the single place that decides whether a line is an OK record (and reads
/// it), a NODATA or SKIPDATA record, or a malformed line. `summarize` and `classify` both use it, so
/// they agree on what a record is.
enum RecordVerdict {
    case ok(FlowRecord)
    case nodata
    case skipdata
    case malformed(String)
}

/// The fields of an OK record that the engine uses.
struct FlowRecord {
    var source: IPAddress
    var destination: IPAddress
    /// 0 when absent or `-`.
    var packets: UInt64
    var bytes: UInt64
    /// Whether `packets` or `bytes` was `-`.
    var missingCounters: Bool
    /// Unix seconds, or nil when absent or `-`.
    var start: UInt64?
    var end: UInt64?
    /// 0 ACCEPT, 1 REJECT, 2 absent or `-`.
    var action: UInt64
    /// The detail fields (`FlowField.Role.isDetail`): destination port, 0...65535, else
    /// `PortKey.noPort` (absent, `-`, or not a port number); protocol, 0...255, else
    /// `PortKey.noProtocol`; where `interface-id` lies in the bytes the line was read from
    /// (`interfaceLength` 0: absent or `-`).
    var dstPort: UInt32 = PortKey.noPort
    var protocolNumber: UInt32 = PortKey.noProtocol
    var interfaceStart = 0
    var interfaceLength = 0
}

enum RecordReader {
    /// Judges a data line whose fields `split` (or the fused scanner) located in `bytes`.
    ///
    /// Rules, in order: the field count must match the layout (for a headerless CSV, the first row's);
    /// `log-status` decides NODATA and SKIPDATA (without that column, both addresses `-` is NODATA);
    /// then both addresses must parse, the counters and timestamps be `-` or decimal, and the action
    /// `ACCEPT`, `REJECT` or `-`.
    @inline(__always)
    static func read(_ bytes: Span<UInt8>, _ fields: RecordFields, layout: RecordLayout) -> RecordVerdict {
        let fieldCount = fields.fieldCount
        guard fieldCount == layout.fieldNames.count else {
            return .malformed("expected \(layout.fieldNames.count) fields, found \(fieldCount)")
        }
        let src = fields.range(of: .srcaddr)!
        let dst = fields.range(of: .dstaddr)!
        if let statusRange = fields.range(of: .logStatus) {
            switch FieldValue.status(bytes.extracting(statusRange)) {
            case .ok: break
            case .nodata: return .nodata
            case .skipdata: return .skipdata
            case nil: return .malformed("log-status is not OK, NODATA or SKIPDATA")
            }
        } else if FieldValue.isMissing(bytes.extracting(src)) && FieldValue.isMissing(bytes.extracting(dst)) {
            return .nodata
        }
        guard let source = IPAddress.parse(bytes, src) else { return .malformed("srcaddr is not an IP address") }
        guard let destination = IPAddress.parse(bytes, dst) else {
            return .malformed("dstaddr is not an IP address")
        }
        var missing = false
        guard let packets = number(bytes, fields, .packets, &missing) else {
            return .malformed(problem(bytes, fields, .packets, "packets"))
        }
        guard let octets = number(bytes, fields, .bytes, &missing) else {
            return .malformed(problem(bytes, fields, .bytes, "bytes"))
        }
        var ignored = false
        guard let start = number(bytes, fields, .start, &ignored) else {
            return .malformed(problem(bytes, fields, .start, "start"))
        }
        guard let end = number(bytes, fields, .end, &ignored) else { return .malformed(problem(bytes, fields, .end, "end")) }
        var action: UInt64 = 2
        if let actionRange = fields.range(of: .action) {
            guard let value = FieldValue.action(bytes.extracting(actionRange)) else {
                return .malformed("action is not ACCEPT or REJECT")
            }
            action = value
        }
        var record = FlowRecord(
            source: source, destination: destination, packets: packets ?? 0, bytes: octets ?? 0,
            missingCounters: missing, start: start.map(FieldValue.seconds), end: end.map(FieldValue.seconds),
            action: action)
        readDetails(bytes, fields, into: &record)
        return .ok(record)
    }

    /// The detail fields of an OK record: read where the layout has them, never judged (a value
    /// that is not a port, a protocol number or an interface id reads as absent).
    @inline(__always)
    static func readDetails(_ bytes: Span<UInt8>, _ fields: RecordFields, into record: inout FlowRecord) {
        if let range = fields.range(of: .dstport), let value = FieldValue.decimal(bytes.extracting(range)), value <= 65535 {
            record.dstPort = UInt32(value)
        }
        if let range = fields.range(of: .protocol), let value = FieldValue.decimal(bytes.extracting(range)), value <= 255 {
            record.protocolNumber = UInt32(value)
        }
        if let range = fields.range(of: .interfaceId), !FieldValue.isMissing(bytes.extracting(range)) {
            record.interfaceStart = range.lowerBound
            record.interfaceLength = range.count
        }
    }

    /// Why a numeric field was refused: too large for 64 bits, or not a decimal number.
    @inline(never)
    private static func problem(_ bytes: Span<UInt8>, _ fields: RecordFields, _ role: FlowField.Role, _ name: String)
        -> String
    {
        guard let range = fields.range(of: role) else { return "\(name) is not a number" }
        let text = bytes.extracting(range)
        var digitsOnly = text.count > 0
        for i in 0..<text.count where text[i] &- 0x30 >= 10 { digitsOnly = false }
        return digitsOnly ? "\(name) is out of range (above 18446744073709551615, 2^64 - 1)" : "\(name) is not a number"
    }

    /// A numeric field: `.some(nil)` when absent from the layout or `-` (sets `missing` for `-`),
    /// nil when it is not a decimal number.
    @inline(__always)
    private static func number(
        _ bytes: Span<UInt8>, _ fields: RecordFields, _ role: FlowField.Role, _ missing: inout Bool
    ) -> UInt64?? {
        guard let range = fields.range(of: role) else { return .some(nil) }
        let text = bytes.extracting(range)
        if FieldValue.isMissing(text) {
            missing = true
            return .some(nil)
        }
        guard let value = FieldValue.decimal(text) else { return nil }
        return .some(value)
    }
}

extension IPAddress {
    /// Parses `bytes[range]` without making a sub-span first.
    @inline(__always)
    static func parse(_ bytes: Span<UInt8>, _ range: Range<Int>) -> IPAddress? {
        if let value = parseIPv4(bytes, from: range.lowerBound, to: range.upperBound) { return .v4(value) }
        if let value = parseIPv6(bytes, from: range.lowerBound, to: range.upperBound) { return .v6(value) }
        return nil
    }
}
