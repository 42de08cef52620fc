import FlowIO

/// `vpcflow enrich`'s work on one block of whole lines: every OK record written out with its fields
/// and the primary attribution of both addresses; NODATA, SKIPDATA, blank, header and malformed
/// lines counted and sampled exactly as `summarize` counts them (the same judge, `RecordReader.read`).
///
/// The general path only (split, then judge): enrich writes every field, so the fast path's one
/// pass over the roles would not save the split.
public enum EnrichFormat: String, Sendable, CaseIterable {
    /// RFC 4180, a header line first: the input's field names, then `src_region,src_service,
    /// dst_region,dst_service`.
    case csv
    /// One JSON object per line: the input's field names (values as strings), then the four.
    case jsonl
}

/// What one block gave.
struct EnrichedBlock: Sendable {
    var bytes: [UInt8] = []
    var records = RecordCounts()
    var samples: [ChunkSample] = []
    var lineCount = 0
}

/// What every block of a run shares: the index and the rows' names, escaped once for the output.
struct EnrichContext: Sendable {
    let index: PrefixIndex
    let keys: ServiceKeys
    let format: EnrichFormat
    let lineLimit: Int
    /// Per primary key: `region,service` as CSV fields, or (JSON) `,"src_region":"…","src_service":"…"`
    /// in `rows` and the same for `dst_` in `destinationRows`.
    let rows: [[UInt8]]
    let destinationRows: [[UInt8]]

    init(index: PrefixIndex, format: EnrichFormat, lineLimit: Int) {
        self.index = index
        keys = ServiceKeys(index: index)
        self.format = format
        self.lineLimit = lineLimit
        func row(_ name: (region: String, service: String), side: String) -> [UInt8] {
            var out: [UInt8] = []
            switch format {
            case .csv:
                EnrichBlock.csvField(Array(name.region.utf8), into: &out)
                out.append(0x2C)
                EnrichBlock.csvField(Array(name.service.utf8), into: &out)
            case .jsonl:
                out += Array(",\"\(side)_region\":".utf8)
                EnrichBlock.jsonString(Array(name.region.utf8), into: &out)
                out += Array(",\"\(side)_service\":".utf8)
                EnrichBlock.jsonString(Array(name.service.utf8), into: &out)
            }
            return out
        }
        rows = keys.names.map { row(($0.region, $0.service), side: "src") }
        destinationRows = format == .csv ? rows : keys.names.map { row(($0.region, $0.service), side: "dst") }
    }
}

enum EnrichBlock {
    static let attributionNames = ["src_region", "src_service", "dst_region", "dst_service"]

    /// The names of a layout's columns for the output (an unnamed CSV column is `columnN`).
    static func columnNames(_ layout: RecordLayout) -> [String] {
        layout.fieldNames.enumerated().map { $0.element.isEmpty ? "column\($0.offset + 1)" : $0.element.trimmingSpaces() }
    }

    /// The CSV header line.
    static func csvHeader(_ names: [String]) -> [UInt8] {
        var out: [UInt8] = []
        for (i, name) in (names + attributionNames).enumerated() {
            if i > 0 { out.append(0x2C) }
            csvField(Array(name.utf8), into: &out)
        }
        out.append(0x0A)
        return out
    }

    /// Every line of `bytes` (whole lines), written or counted.
    /// - Parameter jsonKeys: per column, `"name":` as JSON (jsonl only).
    /// A chunk cut inside an over-long line (`ChunkPlan`): the bytes up to its first newline belong
    /// to the chunk before (`startsInsideLine`); the bytes after its last newline are one malformed
    /// line (`endsInsideLine`), as `ChunkScanner.scan` reads them.
    static func run(
        _ bytes: Span<UInt8>, format: InputFormat, jsonKeys: [[UInt8]], _ context: EnrichContext, startsInsideLine: Bool,
        endsInsideLine: Bool
    ) -> EnrichedBlock {
        guard startsInsideLine || endsInsideLine else { return run(bytes, format: format, jsonKeys: jsonKeys, context) }
        var first = 0
        if startsInsideLine {
            while first < bytes.count, bytes[first] != 0x0A { first += 1 }
            guard first < bytes.count else { return EnrichedBlock() }
            first += 1
        }
        var last = bytes.count
        if endsInsideLine {
            last -= 1
            while last >= first, bytes[last] != 0x0A { last -= 1 }
            last += 1
        }
        var block = run(bytes.extracting(first..<last), format: format, jsonKeys: jsonKeys, context)
        if endsInsideLine {
            block.lineCount += 1
            block.records.dataLines += 1
            malformed(bytes, last..<bytes.count, block.lineCount, LineLimit.reason(context.lineLimit), &block)
        }
        return block
    }

    static func run(
        _ bytes: Span<UInt8>, format: InputFormat, jsonKeys: [[UInt8]], _ context: EnrichContext
    ) -> EnrichedBlock {
        var block = EnrichedBlock()
        // The output is about 1.2 times the input as CSV, 3.2 times as JSON lines (measured on the
        // bench set): reserved once, so that it is not grown (copied, new pages zeroed) as it fills.
        block.bytes.reserveCapacity(context.format == .csv ? bytes.count + bytes.count / 2 : bytes.count * 4)
        var fields = RecordFields()
        let layout = format.detected.layout
        if layout.separator == .spaces {
            // AWS text: a line that starts with a digit or `-` tries the fast path first (the same
            // one summarize takes, which reads a plain OK record in one pass or gives the line up
            // unjudged); other lines, and those it gives up, take the exact path below.
            let roles = layout.roleOfColumn
            let isDefaultFormat = roles == RecordLayout.defaultFormat.roleOfColumn
            let count = bytes.count
            var i = 0
            var number = 0
            while i < count {
                number += 1
                let first = bytes[i]
                if (first >= 0x30 && first <= 0x39) || first == 0x2D {
                    let start = i
                    let read = bytes.withWindow(at: i) { w -> (Int, FlowRecord) in
                        var record = FlowRecord(
                            source: .v4(0), destination: .v4(0), packets: 0, bytes: 0, missingCounters: false, start: nil,
                            end: nil, action: 2)
                        let end =
                            isDefaultFormat
                            ? RecordReader.readDefaultFormat(w, bytes, origin: start, into: &record)
                            : RecordReader.readFused(w, bytes, origin: start, roles: roles, into: &record)
                        return (end, record)
                    }
                    if let (end, record) = read, end >= 0 {
                        block.records.dataLines += 1
                        counted(record, bytes, start..<(start + end - 1), layout, jsonKeys, context, &block)
                        i += end
                        continue
                    }
                }
                var end = i
                while end < count, bytes[end] != 0x0A { end += 1 }
                let next = end + 1
                if end > i, bytes[end - 1] == 0x0D { end -= 1 }
                line(bytes, i..<end, number, format, layout, jsonKeys, context, &fields, &block)
                i = next
            }
            block.lineCount = number
            return block
        }
        LineScanning.forEachLine(in: bytes) { number, range in
            block.lineCount += 1
            line(bytes, range, number, format, layout, jsonKeys, context, &fields, &block)
            return true
        }
        return block
    }

    /// An OK record: counted and written.
    @inline(__always)
    private static func counted(
        _ record: FlowRecord, _ bytes: Span<UInt8>, _ range: Range<Int>, _ layout: RecordLayout, _ jsonKeys: [[UInt8]],
        _ context: EnrichContext, _ block: inout EnrichedBlock
    ) {
        block.records.ok += 1
        if record.missingCounters { block.records.missingCounters += 1 }
        let source = context.keys.primaryKey(context.index.addressClass(of: record.source))
        let destination = context.keys.primaryKey(context.index.addressClass(of: record.destination))
        write(bytes, range, layout, jsonKeys, source: source, destination: destination, context, &block.bytes)
    }

    /// One line by the exact path: blank, header, or a record split by the layout and judged.
    private static func line(
        _ bytes: Span<UInt8>, _ range: Range<Int>, _ number: Int, _ format: InputFormat, _ layout: RecordLayout,
        _ jsonKeys: [[UInt8]], _ context: EnrichContext, _ fields: inout RecordFields, _ block: inout EnrichedBlock
    ) {
        if range.count > context.lineLimit {
            block.records.dataLines += 1
            malformed(bytes, range, number, LineLimit.reason(context.lineLimit), &block)
            return
        }
        let line = bytes.extracting(range)
        if LineScanning.isBlank(line) {
            block.records.blank += 1
            return
        }
        switch format.header(line) {
        case .own?:
            block.records.headers += 1
            return
        case .different?:
            block.records.dataLines += 1
            malformed(bytes, range, number, InputFormat.differentHeaderReason, &block)
            return
        case nil: break
        }
        block.records.dataLines += 1
        _ = layout.split(bytes, range, into: &fields)
        switch RecordReader.read(bytes, fields, layout: layout) {
        case .ok(let record): counted(record, bytes, range, layout, jsonKeys, context, &block)
        case .nodata: block.records.nodata += 1
        case .skipdata: block.records.skipdata += 1
        case .malformed(let reason): malformed(bytes, range, number, reason, &block)
        }
    }

    private static func malformed(_ bytes: Span<UInt8>, _ line: Range<Int>, _ number: Int, _ reason: String, _ block: inout EnrichedBlock) {
        block.records.malformed += 1
        if block.samples.count < MalformedRecord.samplesPerInput {
            block.samples.append(
                ChunkSample(line: number, record: MalformedRecord(path: "", line: number, reason: reason, bytes: bytes.extracting(line))))
        }
    }

    /// One record: its columns as the layout splits them, then both rows.
    private static func write(
        _ bytes: Span<UInt8>, _ range: Range<Int>, _ layout: RecordLayout, _ jsonKeys: [[UInt8]], source: UInt32,
        destination: UInt32, _ context: EnrichContext, _ out: inout [UInt8]
    ) {
        var column = 0
        let csv = context.format == .csv
        if csv && layout.separator == .spaces && out.appendCommaJoined(bytes.extracting(range)) {
            // The common line: fields separated by single spaces, nothing to quote: the line itself,
            // its spaces made commas.
            out.append(0x2C)
            out += context.rows[Int(source)]
            out.append(0x2C)
            out += context.rows[Int(destination)]
            out.append(0x0A)
            return
        }
        if !csv { out.append(0x7B) }  // {
        forEachColumn(bytes, range, layout.separator) { field in
            if csv {
                if column > 0 { out.append(0x2C) }
                csvField(bytes, field, into: &out)
            } else {
                if column > 0 { out.append(0x2C) }
                out += jsonKeys[column]
                jsonString(bytes, field, into: &out)
            }
            column += 1
        }
        if csv {
            out.append(0x2C)
            out += context.rows[Int(source)]
            out.append(0x2C)
            out += context.rows[Int(destination)]
            out.append(0x0A)
        } else {
            out += context.rows[Int(source)]
            out += context.destinationRows[Int(destination)]
            out.append(0x7D)  // }
            out.append(0x0A)
        }
    }

    /// The columns of a line as `RecordLayout.split` sees them (runs of spaces and tabs separate AWS
    /// text; CSV fields are trimmed and unquoted).
    @inline(__always)
    static func forEachColumn(_ bytes: Span<UInt8>, _ range: Range<Int>, _ separator: RecordLayout.Separator, _ body: (Range<Int>) -> Void) {
        switch separator {
        case .spaces:
            var i = range.lowerBound
            let end = range.upperBound
            while true {
                while i < end, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
                if i == end { return }
                let start = i
                while i < end, bytes[i] != 0x20 && bytes[i] != 0x09 { i += 1 }
                body(start..<i)
            }
        case .comma:
            LineScanning.forEachCSVField(bytes, range) { field in
                body(field)
                return true
            }
        }
    }

    /// A CSV field: quoted (quotes doubled) when it holds a comma, a quote, CR or LF.
    static func csvField(_ bytes: Span<UInt8>, _ range: Range<Int>, into out: inout [UInt8]) {
        var plain = true
        for i in range where bytes[i] == 0x2C || bytes[i] == 0x22 || bytes[i] == 0x0D || bytes[i] == 0x0A { plain = false }
        if plain {
            out.append(span: bytes.extracting(range))
            return
        }
        out.append(0x22)
        for i in range {
            if bytes[i] == 0x22 { out.append(0x22) }
            out.append(bytes[i])
        }
        out.append(0x22)
    }

    static func csvField(_ bytes: [UInt8], into out: inout [UInt8]) { csvField(bytes.span, 0..<bytes.count, into: &out) }

    /// A JSON string: `"` and `\` escaped, control bytes as \u00XX; bytes that are not UTF-8 as
    /// U+FFFD (a field of a malformed encoding still makes valid JSON).
    static func jsonString(_ bytes: Span<UInt8>, _ range: Range<Int>, into out: inout [UInt8]) {
        out.append(0x22)
        var ascii = true
        var plain = true
        for i in range {
            let b = bytes[i]
            if b >= 0x80 { ascii = false }
            if b < 0x20 || b == 0x22 || b == 0x5C || b >= 0x7F { plain = false }
        }
        if plain {
            out.append(span: bytes.extracting(range))
        } else if ascii {
            for i in range {
                let b = bytes[i]
                if b == 0x22 || b == 0x5C {
                    out.append(0x5C)
                    out.append(b)
                } else if b < 0x20 || b == 0x7F {
                    out += Array(String(format4: b).utf8)
                } else {
                    out.append(b)
                }
            }
        } else {
            var raw: [UInt8] = []
            for i in range { raw.append(bytes[i]) }
            for scalar in String(decoding: raw, as: UTF8.self).unicodeScalars {
                if scalar == "\"" || scalar == "\\" {
                    out.append(0x5C)
                    out.append(UInt8(scalar.value))
                } else if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += Array(String(format4: UInt8(scalar.value)).utf8)
                } else {
                    out += Array(String(scalar).utf8)
                }
            }
        }
        out.append(0x22)
    }

    static func jsonString(_ bytes: [UInt8], into out: inout [UInt8]) { jsonString(bytes.span, 0..<bytes.count, into: &out) }
}

extension String {
    /// `\u00XX` for a control byte.
    fileprivate init(format4 byte: UInt8) {
        let hex = Array("0123456789abcdef")
        self = "\\u00" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 15)])
    }
}
