/// Reads the records of one chunk (whole lines) and counts them into an `Aggregate`.
///
/// Per line: blank lines and header lines are skipped (and counted as such); every other line is a
/// data line and ends up exactly once as OK, NODATA, SKIPDATA or malformed. An OK record is counted
/// only after every field it needs has been read, so a malformed line never counts partly.
///
/// AWS space-separated text, the bulk of the work, takes a fused path: one pass over the bytes
/// finds the line end and the fields together. Lines that may be headers (they start with a
/// letter), blank lines and CSV take the general path (`LineScanning`, `RecordLayout.split`). Both
/// end in `judge(_:_:number:)`, the one place a record is judged and counted.
///
/// No allocation per record: field ranges live in a stack value, addresses and numbers are parsed
/// from the bytes in place.
struct ChunkScanner {
    let index: PrefixIndex
    let keys: ServiceKeys
    /// Replaceable until the first non-blank line has been seen (streams detect late).
    var format: InputFormat
    var aggregate: Aggregate
    /// The first malformed lines of the chunk, numbered from the chunk's first line (1-based).
    var samples: [ChunkSample] = []
    /// Lines in the chunk, including blank and header lines.
    var lineCount = 0
    private var fields = RecordFields()

    static let sampleLimit = 10

    init(index: PrefixIndex, keys: ServiceKeys, format: InputFormat) {
        self.index = index
        self.keys = keys
        self.format = format
        aggregate = .empty(classCount: index.classCount)
    }

    /// Counts every line of `bytes`.
    /// - Precondition: `bytes` holds whole lines (see `ChunkPlan`).
    mutating func scan(_ bytes: Span<UInt8>) {
        if format.detected.layout.separator == .spaces {
            scanSpaceSeparated(bytes)
        } else {
            var lines = 0
            LineScanning.forEachLine(in: bytes, firstLineNumber: lineCount + 1) { number, range in
                lines += 1
                consume(bytes, range, number: number)
                return true
            }
            lineCount += lines
        }
    }

    /// The fused path for AWS text: fields and line end in one pass.
    private mutating func scanSpaceSeparated(_ bytes: Span<UInt8>) {
        let roles = format.detected.layout.roleOfColumn
        let count = bytes.count
        var i = 0
        while i < count {
            lineCount += 1
            let lineStart = i
            let first = bytes[i]
            // A line that starts with a letter may be a header, and a line that starts with a
            // space or a line end may be blank: the general path decides.
            if LineScanning.isLetter(first) || first == 0x20 || first == 0x09 || first == 0x0A || first == 0x0D {
                var end = lineStart
                while end < count, bytes[end] != 0x0A { end += 1 }
                let next = end + 1
                if end > lineStart, bytes[end - 1] == 0x0D { end -= 1 }
                consume(bytes, lineStart..<end, number: lineCount)
                i = next
                continue
            }
            fields.reset()
            var column = 0
            var fieldStart = i
            var lineEnd = count
            while i < count {
                let byte = bytes[i]
                if byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D {
                    if i > fieldStart {
                        fields.record(column, fieldStart, i, roles: roles)
                        column += 1
                    }
                    if byte == 0x0A {
                        lineEnd = i
                        break
                    }
                    fieldStart = i + 1
                }
                i += 1
            }
            if i == count {
                // The last line without a line end.
                if i > fieldStart {
                    fields.record(column, fieldStart, i, roles: roles)
                    column += 1
                }
                lineEnd = count
            }
            fields.fieldCount = column
            i = lineEnd + 1
            var contentEnd = lineEnd
            if contentEnd > lineStart, bytes[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            judge(bytes, lineStart..<contentEnd, number: lineCount)
        }
    }

    /// The general path for one line: blank, header, or a record split by the layout.
    private mutating func consume(_ bytes: Span<UInt8>, _ range: Range<Int>, number: Int) {
        let line = bytes.extracting(range)
        if LineScanning.isBlank(line) {
            aggregate.records.blank += 1
            return
        }
        if format.isOwnHeader(line) {
            aggregate.records.headers += 1
            return
        }
        if format.detected.kind == .awsText, LineScanning.isHeaderLine(line) {
            aggregate.records.dataLines += 1
            malformed(
                bytes, range, number,
                "a header line different from the file's first header (split concatenated files of different formats)")
            return
        }
        _ = format.detected.layout.split(bytes, range, into: &fields)
        judge(bytes, range, number: number)
    }

    /// Judges one data line whose fields are in `fields` (offsets into `bytes`) and counts it.
    @inline(__always)
    private mutating func judge(_ bytes: Span<UInt8>, _ line: Range<Int>, number: Int) {
        aggregate.records.dataLines += 1
        let layout = format.detected.layout
        let fieldCount = fields.fieldCount
        guard fieldCount == layout.fieldNames.count || (layout.isHeaderless && fieldCount >= 2) else {
            malformed(bytes, line, number, "expected \(layout.fieldNames.count) fields, found \(fieldCount)")
            return
        }
        // Status: from log-status, or (formats without it) NODATA when both addresses are missing.
        let src = fields.range(of: .srcaddr)!
        let dst = fields.range(of: .dstaddr)!
        if let statusRange = fields.range(of: .logStatus) {
            switch FieldValue.status(bytes.extracting(statusRange)) {
            case .ok: break
            case .nodata:
                aggregate.records.nodata += 1
                return
            case .skipdata:
                aggregate.records.skipdata += 1
                return
            case nil:
                malformed(bytes, line, number, "log-status is not OK, NODATA or SKIPDATA")
                return
            }
        } else if FieldValue.isMissing(bytes.extracting(src)) && FieldValue.isMissing(bytes.extracting(dst)) {
            aggregate.records.nodata += 1
            return
        }
        guard let source = IPAddress.parse(bytes, src) else {
            malformed(bytes, line, number, "srcaddr is not an IP address")
            return
        }
        guard let destination = IPAddress.parse(bytes, dst) else {
            malformed(bytes, line, number, "dstaddr is not an IP address")
            return
        }
        var missing = false
        guard let packets = numeric(bytes, .packets, &missing) else {
            malformed(bytes, line, number, "packets is not a number")
            return
        }
        guard let octets = numeric(bytes, .bytes, &missing) else {
            malformed(bytes, line, number, "bytes is not a number")
            return
        }
        var ignored = false
        guard let start = numeric(bytes, .start, &ignored), let end = numeric(bytes, .end, &ignored) else {
            malformed(bytes, line, number, "start or end is not a number")
            return
        }
        var action: UInt64 = 2
        if let actionRange = fields.range(of: .action) {
            guard let value = FieldValue.action(bytes.extracting(actionRange)) else {
                malformed(bytes, line, number, "action is not ACCEPT or REJECT")
                return
            }
            action = value
        }
        // Everything is read: count it.
        aggregate.records.ok += 1
        if missing { aggregate.records.missingCounters += 1 }
        if start >= 0 { aggregate.firstStart = min(aggregate.firstStart, FieldValue.seconds(UInt64(start))) }
        if end >= 0 { aggregate.lastEnd = max(aggregate.lastEnd, FieldValue.seconds(UInt64(end))) }
        let sourceClass = index.addressClass(of: source)
        let destinationClass = index.addressClass(of: destination)
        let pathKey = PathKey.make(
            source: keys.primaryKey(sourceClass), destination: keys.primaryKey(destinationClass), action: action)
        aggregate.add(
            source: sourceClass, destination: destinationClass, pathKey: pathKey, packets: UInt64(max(packets, 0)),
            bytes: UInt64(max(octets, 0)))
    }

    /// A numeric field: -1 when absent from the layout or `-` (sets `missing` for `-`), nil when it
    /// is not a number.
    @inline(__always)
    private func numeric(_ bytes: Span<UInt8>, _ role: FlowField.Role, _ missing: inout Bool) -> Int64? {
        guard let range = fields.range(of: role) else { return -1 }
        let text = bytes.extracting(range)
        if FieldValue.isMissing(text) {
            missing = true
            return -1
        }
        guard let value = FieldValue.decimal(text), value <= UInt64(Int64.max) else { return nil }
        return Int64(value)
    }

    private mutating func malformed(_ bytes: Span<UInt8>, _ line: Range<Int>, _ number: Int, _ reason: String) {
        aggregate.records.malformed += 1
        if samples.count < Self.sampleLimit {
            samples.append(
                ChunkSample(
                    line: number,
                    record: MalformedRecord(path: "", line: number, reason: reason, bytes: bytes.extracting(line))))
        }
    }
}

/// A malformed line found in a chunk; its path and absolute line number are filled in when the
/// chunk's place in its file is known.
struct ChunkSample: Sendable {
    var line: Int
    var record: MalformedRecord
}

extension RecordLayout {
    /// A CSV layout without a header row (columns by position only).
    var isHeaderless: Bool { separator == .comma && fieldNames.allSatisfy(\.isEmpty) }
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
