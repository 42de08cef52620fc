/// How to read the lines of one input: its detected format and its header line (to recognise the
/// header when it is repeated mid-file, as concatenated S3 objects repeat it).
public struct InputFormat: Sendable, Equatable {
    public let detected: DetectedFormat
    /// The first header line's bytes (without line end), when the input has one.
    let headerLine: [UInt8]?
    /// Its field names, to recognise a repeat written with other spacing.
    let headerNames: [String]?
    /// CSV: its fields as `RecordLayout.split` reads a record's (trimmed, one pair of quotes removed),
    /// to recognise a repeat written with other spacing around the commas.
    let csvHeaderFields: [[UInt8]]?

    init(detected: DetectedFormat, headerLine: [UInt8]?) {
        self.detected = detected
        self.headerLine = headerLine
        headerNames = headerLine.map { LineScanning.tokens($0.span, separator: detected.layout.separator) }
        csvHeaderFields = detected.kind == .csv ? headerLine.map { LineScanning.csvFields($0.span) } : nil
    }

    /// The format of input read before its first non-blank line (streams detect late): only blank
    /// lines are read with it, so it never judges a record.
    static let blankOnly = InputFormat(
        detected: DetectedFormat(kind: .awsText, layout: .defaultFormat, firstLineIsHeader: false), headerLine: nil)

    /// The format of an input whose first non-blank line is longer than the line limit: the default
    /// one, or `--fields`'s.
    static func forOverLongFirstLine(fields: RecordLayout?) -> InputFormat {
        InputFormat(
            detected: DetectedFormat(kind: .awsText, layout: fields ?? .defaultFormat, firstLineIsHeader: false), headerLine: nil)
    }

    /// Detects the format from the first non-blank line of `bytes` (nil when there is none yet).
    ///
    /// - Returns: the format and the byte offset just past the header line (0 without header).
    /// - Throws: `LayoutError` for a header without the address fields.
    static func detect(in bytes: Span<UInt8>, fields: RecordLayout?, lineLimit: Int = LineLimit.bytes) throws(LayoutError)
        -> InputFormat?
    {
        var found: Range<Int>?
        LineScanning.forEachLine(in: bytes) { _, range in
            if range.count <= lineLimit, LineScanning.isBlank(bytes.extracting(range)) { return true }
            found = range
            return false
        }
        guard let found else { return nil }
        // An over-long line is malformed whatever it holds (`LineLimit`), so it is no header either.
        if found.count > lineLimit { return forOverLongFirstLine(fields: fields) }
        let line = bytes.extracting(found)
        let detected = try DetectedFormat.detect(firstLine: line, fields: fields)
        var header: [UInt8]?
        if detected.firstLineIsHeader {
            var copy: [UInt8] = []
            copy.reserveCapacity(line.count)
            for i in 0..<line.count { copy.append(line[i]) }
            header = copy
        }
        return InputFormat(detected: detected, headerLine: header)
    }

    /// What a header-shaped line mid-file is (the one rule for repeated headers, used by `summarize`
    /// and `classify`).
    enum HeaderLine {
        /// The input's own header, repeated (concatenated S3 objects repeat it): not a record.
        case own
        /// AWS text: a line of field names unlike the first header: a malformed data line.
        case different
    }

    /// The reason given for a `HeaderLine.different` line.
    static let differentHeaderReason =
        "a header line different from the file's first header (split concatenated files of different formats)"

    /// Whether `line` (not blank) is a header line, and which; nil for a record.
    ///
    /// The own header is the same bytes, or the same fields read as records are read: for AWS text,
    /// the same names with other spacing; for CSV, the same fields once each is trimmed of spaces
    /// and tabs and one pair of surrounding double quotes (`RecordLayout.split`'s rule).
    func header(_ line: Span<UInt8>) -> HeaderLine? {
        guard let headerLine else {
            return detected.kind == .awsText && LineScanning.isHeaderLine(line) ? .different : nil
        }
        if headerLine.count == line.count {
            var same = true
            for i in 0..<line.count where line[i] != headerLine[i] {
                same = false
                break
            }
            if same { return .own }
        }
        if let csvHeaderFields {
            // Every CSV line comes here: first a test that never turns a repeat away, on the first
            // field's first byte (after spaces, and after a quote that may be removed).
            if let lead = csvHeaderFields.first?.first {
                var i = 0
                while i < line.count, line[i] == 0x20 || line[i] == 0x09 { i += 1 }
                guard i < line.count, line[i] == lead || (line[i] == 0x22 && i + 1 < line.count && line[i + 1] == lead)
                else { return nil }
            }
            return Self.sameFields(line, csvHeaderFields) ? .own : nil
        }
        // AWS text, and only for lines that look like a header, which are rare: compare names.
        guard LineScanning.isHeaderLine(line) else { return nil }
        return LineScanning.tokens(line, separator: .spaces) == headerNames ? .own : .different
    }

    /// Whether the CSV fields of `line` are `fields`; stops at the first difference (a record's first
    /// field, an address, differs from a header's first byte), without allocating.
    private static func sameFields(_ line: Span<UInt8>, _ fields: [[UInt8]]) -> Bool {
        var column = 0
        var same = true
        LineScanning.forEachCSVField(line, 0..<line.count) { field in
            guard column < fields.count, fields[column].count == field.count else {
                same = false
                return false
            }
            let expected = fields[column]
            var j = 0
            for i in field {
                if line[i] != expected[j] {
                    same = false
                    return false
                }
                j += 1
            }
            column += 1
            return true
        }
        return same && column == fields.count
    }
}

/// The format of the last input a task detected, by its first line: S3 delivers a flow log as
/// thousands of objects that all begin with the same header line, and parsing that header into a
/// layout (names, lowercased, looked up) was a tenth of the fixed cost of a small file.
///
/// Exact: detection reads only the first non-blank line (`InputFormat.detect`), so a file whose
/// first line is, byte for byte, the one cached gets the cached format. Only a first line that
/// starts the bytes, is not blank and ends with a newline within 64 KiB and the line limit is cached
/// or matched (the window in which `WorkPlanner.detectFormat` decides from that line alone); anything
/// else is detected as without the cache.
struct FormatCache: Sendable {
    private var line: [UInt8] = []
    private var format: InputFormat?

    /// The format of `bytes` (an input's first bytes): the cached one when its first line is the
    /// cached line, else `detect()`'s, cached when the first line qualifies.
    mutating func format<E: Error>(
        of bytes: Span<UInt8>, lineLimit: Int, detect: () throws(E) -> InputFormat?
    ) throws(E) -> InputFormat? {
        var end = 0
        let limit = min(bytes.count, min(lineLimit, (64 << 10) - 1))
        while end < limit, bytes[end] != 0x0A { end += 1 }
        guard end < bytes.count, bytes[end] == 0x0A, end <= limit, !LineScanning.isBlank(bytes.extracting(0..<end)) else {
            return try detect()
        }
        if let format, end == line.count {
            var same = true
            for i in 0..<end where bytes[i] != line[i] {
                same = false
                break
            }
            if same { return format }
        }
        let detected = try detect()
        if let detected {
            line.removeAll(keepingCapacity: true)
            for i in 0..<end { line.append(bytes[i]) }
            format = detected
        }
        return detected
    }
}
