/// The line rule, written once: a line ends at `\n` (a preceding `\r` is not part of it); the last
/// line may lack its `\n` (and a `\r` that ends it is still the line end's, as in a CRLF file whose
/// final LF was cut off). Every reader of records (classify, chunked summarize) goes through this.
public enum LineScanning {
    /// Calls `body` for each line of `bytes` with the line's number (1-based, counted from the start
    /// of `bytes`) and its byte range, without the line end. Stops early when `body` returns false.
    @inlinable
    public static func forEachLine(
        in bytes: Span<UInt8>, firstLineNumber: Int = 1, _ body: (_ number: Int, _ range: Range<Int>) -> Bool
    ) {
        var start = 0
        var number = firstLineNumber
        let count = bytes.count
        while start < count {
            var end = start
            while end < count, bytes[end] != 0x0A { end += 1 }
            let next = end + 1
            if end > start, bytes[end - 1] == 0x0D { end -= 1 }
            if !body(number, start..<end) { return }
            number += 1
            start = next
        }
    }

    /// Whether a line holds only spaces, tabs or nothing.
    public static func isBlank(_ line: Span<UInt8>) -> Bool {
        for i in 0..<line.count where line[i] != 0x20 && line[i] != 0x09 { return false }
        return true
    }

    /// Whether a space-separated line is a header of field names rather than a record: every token is
    /// a name (a letter, then letters, digits, `-`, `_`, optionally wrapped in `${}`) and at least one
    /// token is a documented field name. Records always hold a number, an address or a `-` token, so
    /// they fail on the first such token; the common case (a line starting with a digit) costs one
    /// byte test.
    public static func isHeaderLine(_ line: Span<UInt8>) -> Bool {
        var i = 0
        let count = line.count
        var sawKnown = false
        while true {
            while i < count, line[i] == 0x20 || line[i] == 0x09 { i += 1 }
            if i == count { return sawKnown }
            let start = i
            while i < count, line[i] != 0x20 && line[i] != 0x09 { i += 1 }
            var low = start
            var high = i
            if high - low > 3, line[low] == 0x24, line[low + 1] == 0x7B, line[high - 1] == 0x7D {
                low += 2
                high -= 1
            }
            guard isLetter(line[low]) else { return false }
            for j in low..<high {
                let byte = line[j]
                guard isLetter(byte) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x5F else {
                    return false
                }
            }
            // No field name is longer than 64 bytes: a longer token is not looked up.
            if !sawKnown && high - low <= 64 {
                var name: [UInt8] = []
                for j in low..<high { name.append(line[j]) }
                sawKnown = FlowField.isKnown(String(decoding: name, as: UTF8.self))
            }
        }
    }

    /// Calls `body` with each CSV field of `bytes[range]` (one line, without its line end) as records
    /// read it: every comma separates, spaces and tabs around a field are trimmed, then one pair of
    /// surrounding double quotes is removed. An empty line has no field. `body` returns false to stop.
    @inline(__always)
    static func forEachCSVField(_ bytes: Span<UInt8>, _ range: Range<Int>, _ body: (Range<Int>) -> Bool) {
        if range.isEmpty { return }
        var i = range.lowerBound
        let end = range.upperBound
        while true {
            let start = i
            while i < end, bytes[i] != 0x2C { i += 1 }
            var low = start
            var high = i
            while low < high, bytes[low] == 0x20 || bytes[low] == 0x09 { low += 1 }
            while high > low, bytes[high - 1] == 0x20 || bytes[high - 1] == 0x09 { high -= 1 }
            if high - low >= 2, bytes[low] == 0x22, bytes[high - 1] == 0x22 {
                low += 1
                high -= 1
            }
            if !body(low..<high) || i == end { return }
            i += 1  // past the comma
        }
    }

    /// The CSV fields of a line as bytes, cut by `forEachCSVField`.
    static func csvFields(_ line: Span<UInt8>) -> [[UInt8]] {
        var fields: [[UInt8]] = []
        forEachCSVField(line, 0..<line.count) { field in
            var bytes: [UInt8] = []
            for i in field { bytes.append(line[i]) }
            fields.append(bytes)
            return true
        }
        return fields
    }

    /// The tokens of a line, as strings (header lines, `--fields`), cut as records are cut: CSV by
    /// `forEachCSVField` (spaces and tabs around a field and one pair of quotes removed), AWS text at
    /// runs of spaces and tabs. A CR inside the line is part of its token, as in a record.
    public static func tokens(_ line: Span<UInt8>, separator: RecordLayout.Separator) -> [String] {
        var result: [String] = []
        switch separator {
        case .comma:
            result = csvFields(line).map { String(decoding: $0, as: UTF8.self) }
        case .spaces:
            var current: [UInt8] = []
            for i in 0..<line.count {
                let byte = line[i]
                if byte == 0x20 || byte == 0x09 {
                    if !current.isEmpty { result.append(String(decoding: current, as: UTF8.self)) }
                    current.removeAll(keepingCapacity: true)
                } else {
                    current.append(byte)
                }
            }
            if !current.isEmpty { result.append(String(decoding: current, as: UTF8.self)) }
        }
        return result
    }

    @inline(__always)
    static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
}
