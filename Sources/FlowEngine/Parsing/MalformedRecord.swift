/// A line that could not be read as a record: kept as a sample with where and why.
public struct MalformedRecord: Sendable, Hashable {
    /// How many malformed lines are kept as samples per input (the rest are counted).
    public static let samplesPerInput = 10

    /// How many characters of the line a sample keeps.
    public static let sampleLength = 200

    public private(set) var path: String
    /// 1-based line number in the file (after decompression, for gzip).
    public private(set) var line: Int
    public let reason: String
    /// The line's first `sampleLength` bytes, escaped (`SampleEscaping`: control bytes and bytes that
    /// are not valid UTF-8 as `\xNN`, a backslash doubled), so that binary input never reaches a
    /// terminal or summary.json raw.
    public let text: String

    public init(path: String, line: Int, reason: String, bytes: Span<UInt8>) {
        self.path = path
        self.line = line
        self.reason = reason
        var kept: [UInt8] = []
        let count = min(bytes.count, Self.sampleLength)
        kept.reserveCapacity(count)
        for i in 0..<count { kept.append(bytes[i]) }
        text = SampleEscaping.escape(kept) + (bytes.count > count ? "…" : "")
    }

    /// A sample read back from a partial: `text` is already escaped.
    init(path: String, line: Int, reason: String, text: String) {
        self.path = path
        self.line = line
        self.reason = reason
        self.text = text
    }

    /// The same sample, placed in its file.
    func located(path: String, line: Int) -> MalformedRecord {
        var copy = self
        copy.path = path
        copy.line = line
        return copy
    }

    /// `file:line: reason: text`.
    public var description: String { "\(path):\(line): \(reason): \(text)" }
}
