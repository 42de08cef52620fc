/// How to read the lines of one input: its detected format and its header line (to recognise the
/// header when it is repeated mid-file, as concatenated S3 objects repeat it).
public struct InputFormat: Sendable, Equatable {
    public let detected: DetectedFormat
    /// The first header line's bytes (without line end), when the input has one.
    let headerLine: [UInt8]?

    /// Detects the format from the first non-blank line of `bytes` (nil when there is none yet).
    ///
    /// - Returns: the format and the byte offset just past the header line (0 without header).
    /// - Throws: `LayoutError` for a header without the address fields.
    static func detect(in bytes: Span<UInt8>, fields: RecordLayout?) throws(LayoutError) -> InputFormat? {
        var found: (range: Range<Int>, isLast: Bool)?
        LineScanning.forEachLine(in: bytes) { _, range in
            if LineScanning.isBlank(bytes.extracting(range)) { return true }
            found = (range, false)
            return false
        }
        guard let found else { return nil }
        let line = bytes.extracting(found.range)
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

    /// Whether `line` is exactly this input's header line.
    func isOwnHeader(_ line: Span<UInt8>) -> Bool {
        guard let headerLine, headerLine.count == line.count else { return false }
        for i in 0..<line.count where line[i] != headerLine[i] { return false }
        return true
    }
}
