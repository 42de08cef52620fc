/// How one input's records are laid out, decided from its first line.
public struct DetectedFormat: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        /// AWS space-separated records.
        case awsText = "aws-text"
        /// Comma-separated, the notebook's input.
        case csv
    }

    public let kind: Kind
    public let layout: RecordLayout
    /// Whether the first line is a header (not a record).
    public let firstLineIsHeader: Bool

    /// Decides the format of an input from its first non-blank line.
    ///
    /// - A line with a comma is CSV (AWS text never contains one: tags are percent-encoded). Its first
    ///   line is a header unless its first field is an IP address.
    /// - Otherwise AWS text. A header line (`LineScanning.isHeaderLine`) fixes the layout; without
    ///   one, `fields` (from `--fields`) does, or else the default version-2 format.
    ///
    /// - Throws: `LayoutError` for a header that lacks `srcaddr` or `dstaddr`.
    public static func detect(firstLine: Span<UInt8>, fields: RecordLayout? = nil) throws(LayoutError)
        -> DetectedFormat
    {
        var hasComma = false
        for i in 0..<firstLine.count where firstLine[i] == 0x2C {
            hasComma = true
            break
        }
        if hasComma {
            let names = LineScanning.tokens(firstLine, separator: .comma)
            if IPAddress(names[0]) != nil {
                return DetectedFormat(
                    kind: .csv, layout: .csvWithoutHeader(fieldCount: names.count), firstLineIsHeader: false)
            }
            return DetectedFormat(kind: .csv, layout: try .csv(header: names), firstLineIsHeader: true)
        }
        if LineScanning.isHeaderLine(firstLine) {
            let names = LineScanning.tokens(firstLine, separator: .spaces)
            return DetectedFormat(kind: .awsText, layout: try .awsText(fields: names), firstLineIsHeader: true)
        }
        return DetectedFormat(kind: .awsText, layout: fields ?? .defaultFormat, firstLineIsHeader: false)
    }
}
