/// How to read the lines of one input: its detected format and its header line (to recognise the
/// header when it is repeated mid-file, as concatenated S3 objects repeat it).
public struct InputFormat: Sendable, Equatable {
    public let detected: DetectedFormat
    /// The first header line's bytes (without line end), when the input has one.
    let headerLine: [UInt8]?
    /// Its field names, to recognise a repeat written with other spacing.
    let headerNames: [String]?

    init(detected: DetectedFormat, headerLine: [UInt8]?) {
        self.detected = detected
        self.headerLine = headerLine
        headerNames = headerLine.map { LineScanning.tokens($0.span, separator: detected.layout.separator) }
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

    /// Whether `line` is this input's header line: the same bytes, or (AWS text) the same field
    /// names with other spacing.
    func isOwnHeader(_ line: Span<UInt8>) -> Bool {
        guard let headerLine, let headerNames else { return false }
        if headerLine.count == line.count {
            var same = true
            for i in 0..<line.count where line[i] != headerLine[i] {
                same = false
                break
            }
            if same { return true }
        }
        // AWS text only (a CSV header repeats byte for byte or not at all), and only for lines that
        // look like a header, which are rare: compare names.
        guard detected.kind == .awsText, LineScanning.isHeaderLine(line) else { return false }
        return LineScanning.tokens(line, separator: .spaces) == headerNames
    }
}
