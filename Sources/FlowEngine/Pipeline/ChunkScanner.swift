/// Reads the records of one chunk (whole lines) and counts them into an `Aggregate`.
///
/// Per line: blank lines and header lines are skipped (and counted as such); every other line is a
/// data line and ends up exactly once as OK, NODATA, SKIPDATA or malformed. An OK record is counted
/// only after every field it needs has been read, so a malformed line never counts partly.
///
/// AWS space-separated text, the bulk of the work, first tries the fast path
/// (`RecordReader.readDefaultFormat`, `readFused`), which reads a plain OK record in one pass or
/// gives the line up unjudged. Lines it gives up take the SWAR field scanner; lines that may be
/// headers (they start with a letter), blank lines and CSV take the general path (`LineScanning`,
/// `RecordLayout.split`). Those two end in `judge(_:_:number:)`, the one place that decides NODATA,
/// SKIPDATA and malformed. Every OK record is counted by `countOK`, its classes in batches
/// (`PendingRecords`).
///
/// No allocation per record: field ranges and the record live in stack values, addresses and
/// numbers are parsed from the bytes in place.
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
    /// OK records whose classes are not looked up yet; empty whenever `scan` returns.
    private var pending = PendingRecords()


    /// The longest line read as a line (`LineLimit`).
    let lineLimit: Int
    /// The timeline's bucket width (`SummarizeOptions.timelineBucket`), 0 when no timeline is counted.
    let bucketSeconds: UInt64
    /// `SummarizeOptions.countsInterfaces`.
    let countsInterfaces: Bool

    /// - Parameter aggregate: an empty aggregate of `index` to count into (a task's scratch, reused
    ///   across items); nil for a new one.
    init(
        index: PrefixIndex, keys: ServiceKeys, format: InputFormat, lineLimit: Int = LineLimit.bytes,
        bucketSeconds: UInt64 = 0, countsInterfaces: Bool = false, aggregate: Aggregate? = nil
    ) {
        self.bucketSeconds = bucketSeconds
        self.countsInterfaces = countsInterfaces
        self.index = index
        self.keys = keys
        self.format = format
        self.lineLimit = lineLimit
        self.aggregate = aggregate ?? .empty(classCount: index.classCount)
    }

    /// Counts every line of `bytes`.
    /// - Precondition: `bytes` holds whole lines (see `ChunkPlan`), except where the chunk plan cut
    ///   inside an over-long line.
    /// - Parameters:
    ///   - startsInsideLine: the bytes up to the first newline are the rest of an over-long line
    ///     that the chunk before judged: not a line of this chunk.
    ///   - endsInsideLine: the bytes after the last newline are the start of an over-long line that
    ///     the chunks after skip: one malformed line of this chunk.
    mutating func scan(_ bytes: Span<UInt8>, startsInsideLine: Bool = false, endsInsideLine: Bool = false) {
        guard startsInsideLine || endsInsideLine else { return scanLines(bytes) }
        var first = 0
        if startsInsideLine {
            while first < bytes.count, bytes[first] != 0x0A { first += 1 }
            guard first < bytes.count else { return }  // all of it inside the line
            first += 1
        }
        var last = bytes.count
        if endsInsideLine {
            last -= 1
            while last >= first, bytes[last] != 0x0A { last -= 1 }
            last += 1
        }
        scanLines(bytes.extracting(first..<last))
        if endsInsideLine {
            lineCount += 1
            aggregate.records.dataLines += 1
            malformed(bytes, last..<bytes.count, lineCount, LineLimit.reason(lineLimit))
        }
    }

    private mutating func scanLines(_ bytes: Span<UInt8>) {
        // interfaces.csv is written when an input has the field: a line (a header or a data line,
        // not a blank one) was read under a layout with interface-id.
        let linesBefore = aggregate.records.dataLines + aggregate.records.headers
        defer {
            pending.flush(into: &aggregate, index: index, keys: keys, countsTimeline: bucketSeconds > 0)
            if countsInterfaces, aggregate.records.dataLines + aggregate.records.headers > linesBefore,
                format.detected.layout.column(of: .interfaceId) != nil
            {
                aggregate.details.hasInterfaceField = true
            }
        }
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

    /// AWS text: each line that starts with a digit or `-` tries the fast path first; a line it
    /// gives up is split by the fused scanner below (fields and line end in one pass, eight bytes at
    /// a time) and judged.
    ///
    /// A word of eight bytes is tested for bytes at or below 0x20 at once (space, tab and LF are all
    /// below 0x21); each candidate is then checked exactly, so CR and other control bytes stay inside
    /// their field, as in `split`, except one CR just before the LF (a CRLF line end).
    ///
    /// Only lines that start with a digit or `-` take this path (every record of the default format
    /// and of most custom ones); anything else (a header, a blank line, a format whose first field is
    /// text) takes the general path, which decides exactly.
    private mutating func scanSpaceSeparated(_ bytes: Span<UInt8>) {
        let roles = format.detected.layout.roleOfColumn
        let isDefaultFormat = roles == RecordLayout.defaultFormat.roleOfColumn
        let count = bytes.count
        var i = 0
        while i < count {
            lineCount += 1
            let lineStart = i
            let first = bytes[i]
            if !((first >= 0x30 && first <= 0x39) || first == 0x2D) {
                var end = lineStart
                while end < count, bytes[end] != 0x0A { end += 1 }
                let next = end + 1
                if end > lineStart, bytes[end - 1] == 0x0D { end -= 1 }
                consume(bytes, lineStart..<end, number: lineCount)
                i = next
                continue
            }
            // The fast path reads through a window of the line (none in a chunk's last 264
            // bytes: those lines take the exact path). A record it reads is counted inside the
            // window's closure, where it is a local value (in registers, not written out and read
            // back across the closure's call).
            let end =
                bytes.withWindow(at: i) { w in
                    var record = FlowRecord(
                        source: .v4(0), destination: .v4(0), packets: 0, bytes: 0, missingCounters: false,
                        start: nil, end: nil, action: 2)
                    let end =
                        isDefaultFormat
                        ? RecordReader.readDefaultFormat(w, bytes, origin: i, into: &record)
                        : RecordReader.readFused(w, bytes, origin: i, roles: roles, into: &record)
                    if end >= 0 {
                        aggregate.records.dataLines += 1
                        countOK(record, bytes)
                    }
                    return end
                } ?? -1
            if end >= 0 {
                i &+= end
                continue
            }
            fields.reset()
            var column = 0
            var fieldStart = i
            var lineEnd = -1
            var p = i
            words: while p + 8 <= count {
                var candidates = SWAR.bytesBelow0x21(bytes.word(at: p))
                while candidates != 0 {
                    let q = p + candidates.trailingZeroBitCount >> 3
                    candidates &= candidates - 1
                    let byte = bytes[q]
                    guard byte == 0x20 || byte == 0x0A || byte == 0x09 else { continue }
                    if Self.closeField(bytes, q, byte, &fieldStart, &column, &fields, roles) {
                        lineEnd = q
                        break words
                    }
                }
                p += 8
            }
            if lineEnd < 0 {
                // The last bytes of the chunk, fewer than eight.
                while p < count {
                    let byte = bytes[p]
                    if byte == 0x20 || byte == 0x0A || byte == 0x09,
                        Self.closeField(bytes, p, byte, &fieldStart, &column, &fields, roles)
                    {
                        lineEnd = p
                        break
                    }
                    p += 1
                }
                if lineEnd < 0 {
                    // The last line without a line end (a final CR still belongs to the line end).
                    let fieldEnd = count > fieldStart && bytes[count - 1] == 0x0D ? count - 1 : count
                    if fieldEnd > fieldStart {
                        fields.record(column, fieldStart, fieldEnd, roles: roles)
                        column += 1
                    }
                    lineEnd = count
                }
            }
            fields.fieldCount = column
            i = lineEnd + 1
            var contentEnd = lineEnd
            if contentEnd > lineStart, bytes[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            judge(bytes, lineStart..<contentEnd, number: lineCount)
        }
    }

    /// Handles the separator `byte` (space, tab or LF) at `q`: records the field before it, if any
    /// (a CR just before an LF belongs to the line end, not the field), and says whether the line
    /// ended.
    @inline(__always)
    private static func closeField(
        _ bytes: Span<UInt8>, _ q: Int, _ byte: UInt8, _ fieldStart: inout Int, _ column: inout Int,
        _ fields: inout RecordFields, _ roles: [Int8]
    ) -> Bool {
        let fieldEnd = byte == 0x0A && q > fieldStart && bytes[q - 1] == 0x0D ? q - 1 : q
        if fieldEnd > fieldStart {
            fields.record(column, fieldStart, fieldEnd, roles: roles)
            column += 1
        }
        fieldStart = q + 1
        return byte == 0x0A
    }

    /// The general path for one line: blank, header, or a record split by the layout.
    private mutating func consume(_ bytes: Span<UInt8>, _ range: Range<Int>, number: Int) {
        if range.count > lineLimit {
            // Over-long whatever it holds (the rule in `LineLimit`); judged before any other test,
            // which would each read the whole line.
            aggregate.records.dataLines += 1
            malformed(bytes, range, number, LineLimit.reason(lineLimit))
            return
        }
        let line = bytes.extracting(range)
        if LineScanning.isBlank(line) {
            aggregate.records.blank += 1
            return
        }
        switch format.header(line) {
        case .own:
            aggregate.records.headers += 1
            return
        case .different:
            aggregate.records.dataLines += 1
            malformed(bytes, range, number, InputFormat.differentHeaderReason)
            return
        case nil: break
        }
        _ = format.detected.layout.split(bytes, range, into: &fields)
        judge(bytes, range, number: number)
    }

    /// Judges one data line whose fields are in `fields` (offsets into `bytes`) and counts it.
    @inline(__always)
    private mutating func judge(_ bytes: Span<UInt8>, _ line: Range<Int>, number: Int) {
        aggregate.records.dataLines += 1
        if line.count > lineLimit {
            malformed(bytes, line, number, LineLimit.reason(lineLimit))
            return
        }
        switch RecordReader.read(bytes, fields, layout: format.detected.layout) {
        case .ok(let record): countOK(record, bytes)
        case .nodata: aggregate.records.nodata += 1
        case .skipdata: aggregate.records.skipdata += 1
        case .malformed(let reason): malformed(bytes, line, number, reason)
        }
    }

    /// Counts an OK record (its data line is already counted): the record counts at once, its
    /// addresses and counters when the batch is flushed.
    @inline(__always)
    private mutating func countOK(_ record: FlowRecord, _ bytes: Span<UInt8>) {
        aggregate.records.ok += 1
        var interface: Int32 = -1
        if countsInterfaces && record.interfaceLength > 0 {
            interface = aggregate.details.interfaces.entry(
                bytes, record.interfaceStart..<(record.interfaceStart + record.interfaceLength))
        }
        if record.missingCounters { aggregate.records.missingCounters += 1 }
        if let start = record.start { aggregate.firstStart = min(aggregate.firstStart, start) }
        if let end = record.end { aggregate.lastEnd = max(aggregate.lastEnd, end) }
        pending.append(record, interface: interface, index: index, bucketSeconds: bucketSeconds)
        if pending.isFull { pending.flush(into: &aggregate, index: index, keys: keys, countsTimeline: bucketSeconds > 0) }
    }

    private mutating func malformed(_ bytes: Span<UInt8>, _ line: Range<Int>, _ number: Int, _ reason: String) {
        aggregate.records.malformed += 1
        if samples.count < MalformedRecord.samplesPerInput {
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
