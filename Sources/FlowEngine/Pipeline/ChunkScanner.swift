/// Reads the records of one chunk (whole lines) and counts them into an `Aggregate`.
///
/// Per line: blank lines and header lines are skipped (and counted as such); every other line is a
/// data line and ends up exactly once as OK, NODATA, SKIPDATA or malformed. An OK record is counted
/// only after every field it needs has been read, so a malformed line never counts partly.
///
/// No allocation per record: fields are located by `RecordLayout.split` into a stack value,
/// addresses and numbers are parsed from the bytes in place.
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
        var lines = 0
        LineScanning.forEachLine(in: bytes, firstLineNumber: lineCount + 1) { number, range in
            lines += 1
            consume(bytes.extracting(range), number: number)
            return true
        }
        lineCount += lines
    }

    private mutating func consume(_ line: Span<UInt8>, number: Int) {
        if LineScanning.isBlank(line) {
            aggregate.records.blank += 1
            return
        }
        if format.isOwnHeader(line) {
            aggregate.records.headers += 1
            return
        }
        let layout = format.detected.layout
        if format.detected.kind == .awsText, LineScanning.isHeaderLine(line) {
            aggregate.records.dataLines += 1
            malformed(line, number, "a header line different from the file's first header (split concatenated files of different formats)")
            return
        }
        aggregate.records.dataLines += 1
        let count = layout.split(line, into: &fields)
        let expected = layout.fieldNames.count
        guard count == expected || (layout.isHeaderless && count >= 2) else {
            malformed(line, number, "expected \(expected) fields, found \(count)")
            return
        }
        // Status: from log-status, or (formats without it) NODATA when both addresses are missing.
        let src = line.extracting(fields.range(of: .srcaddr)!)
        let dst = line.extracting(fields.range(of: .dstaddr)!)
        if let statusRange = fields.range(of: .logStatus) {
            switch FieldValue.status(line.extracting(statusRange)) {
            case .ok: break
            case .nodata:
                aggregate.records.nodata += 1
                return
            case .skipdata:
                aggregate.records.skipdata += 1
                return
            case nil:
                malformed(line, number, "log-status is not OK, NODATA or SKIPDATA")
                return
            }
        } else if FieldValue.isMissing(src) && FieldValue.isMissing(dst) {
            aggregate.records.nodata += 1
            return
        }
        guard let source = IPAddress.parse(src) else {
            malformed(line, number, "srcaddr is not an IP address")
            return
        }
        guard let destination = IPAddress.parse(dst) else {
            malformed(line, number, "dstaddr is not an IP address")
            return
        }
        var missing = false
        guard let packets = counter(line, .packets, &missing) else {
            malformed(line, number, "packets is not a number")
            return
        }
        guard let bytes = counter(line, .bytes, &missing) else {
            malformed(line, number, "bytes is not a number")
            return
        }
        var ignored = false
        guard let start = counter(line, .start, &ignored), let end = counter(line, .end, &ignored) else {
            malformed(line, number, "start or end is not a number")
            return
        }
        var action: UInt64 = 2
        if let actionRange = fields.range(of: .action) {
            guard let value = FieldValue.action(line.extracting(actionRange)) else {
                malformed(line, number, "action is not ACCEPT or REJECT")
                return
            }
            action = value
        }
        // Everything is read: count it.
        aggregate.records.ok += 1
        if missing { aggregate.records.missingCounters += 1 }
        if let start = start.value { aggregate.firstStart = min(aggregate.firstStart, FieldValue.seconds(start)) }
        if let end = end.value { aggregate.lastEnd = max(aggregate.lastEnd, FieldValue.seconds(end)) }
        let sourceClass = index.addressClass(of: source)
        let destinationClass = index.addressClass(of: destination)
        let pathKey = PathKey.make(
            source: keys.primaryKey(sourceClass), destination: keys.primaryKey(destinationClass), action: action)
        aggregate.add(
            source: sourceClass, destination: destinationClass, pathKey: pathKey, packets: packets.value ?? 0,
            bytes: bytes.value ?? 0)
    }

    /// A numeric field: `.some(nil)` when absent from the layout or `-` (sets `missing` for `-`),
    /// nil when it is not a number.
    @inline(__always)
    private func counter(_ line: Span<UInt8>, _ role: FlowField.Role, _ missing: inout Bool) -> OptionalNumber? {
        guard let range = fields.range(of: role) else { return OptionalNumber(value: nil) }
        let text = line.extracting(range)
        if FieldValue.isMissing(text) {
            missing = true
            return OptionalNumber(value: nil)
        }
        guard let value = FieldValue.decimal(text) else { return nil }
        return OptionalNumber(value: value)
    }

    private mutating func malformed(_ line: Span<UInt8>, _ number: Int, _ reason: String) {
        aggregate.records.malformed += 1
        if samples.count < Self.sampleLimit {
            samples.append(ChunkSample(line: number, record: MalformedRecord(path: "", line: number, reason: reason, bytes: line)))
        }
    }
}

/// A number that may be legitimately absent.
struct OptionalNumber {
    var value: UInt64?
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
