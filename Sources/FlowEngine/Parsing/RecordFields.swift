/// Where the fields the engine needs lie in one line: byte ranges filled by `RecordLayout.split`
/// (relative to the span it was given). A fixed-size value on the stack, reused for every line.
public struct RecordFields {
    /// Start and end offsets per `FlowField.Role`; `end < 0` where the column is absent.
    @usableFromInline var starts: InlineArray<11, Int>
    @usableFromInline var ends: InlineArray<11, Int>
    /// How many columns the line had.
    public internal(set) var fieldCount: Int

    public init() {
        starts = InlineArray(repeating: 0)
        ends = InlineArray(repeating: -1)
        fieldCount = 0
    }

    /// The byte range of `role`'s field, or nil when the layout or the line lacks it.
    @inline(__always)
    public func range(of role: FlowField.Role) -> Range<Int>? {
        let end = ends[role.rawValue]
        return end >= 0 ? starts[role.rawValue]..<end : nil
    }

    /// Forgets every field (before the next line).
    @inline(__always)
    mutating func reset() {
        for role in 0..<11 { ends[role] = -1 }
        fieldCount = 0
    }

    /// Records field `column` at `start..<end` if the layout gives it a role.
    @inline(__always)
    mutating func record(_ column: Int, _ start: Int, _ end: Int, roles: [Int8]) {
        guard column < roles.count else { return }
        let role = Int(roles[column])
        if role >= 0 {
            starts[role] = start
            ends[role] = end
        }
    }
}

extension RecordLayout {
    /// Splits one line (without its line end) into fields and records where the role fields are.
    ///
    /// Space-separated text: runs of spaces and tabs are one separator, leading and trailing ones are
    /// ignored. CSV: every comma separates; spaces around a field are trimmed, and a pair of double
    /// quotes around it is removed (the notebook's files never quote, spreadsheets sometimes do).
    ///
    /// - Returns: the number of fields in the line.
    /// - Complexity: O(line length); no allocation.
    public func split(_ line: Span<UInt8>, into fields: inout RecordFields) -> Int {
        split(line, 0..<line.count, into: &fields)
    }

    /// Splits `bytes[range]` (one line); field ranges are offsets into `bytes`.
    func split(_ bytes: Span<UInt8>, _ range: Range<Int>, into fields: inout RecordFields) -> Int {
        fields.reset()
        var column = 0
        var i = range.lowerBound
        let end = range.upperBound
        switch separator {
        case .spaces:
            while true {
                while i < end, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
                if i == end { break }
                let start = i
                while i < end, bytes[i] != 0x20 && bytes[i] != 0x09 { i += 1 }
                fields.record(column, start, i, roles: roleOfColumn)
                column += 1
            }
        case .comma:
            LineScanning.forEachCSVField(bytes, range) { field in
                fields.record(column, field.lowerBound, field.upperBound, roles: roleOfColumn)
                column += 1
                return true
            }
        }
        fields.fieldCount = column
        return column
    }
}
