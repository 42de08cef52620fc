/// Where the fields the engine needs lie in one line: byte ranges relative to the line, filled by
/// `RecordLayout.split`. A fixed-size value on the stack, reused for every line.
public struct RecordFields {
    /// Start and end offsets per `FlowField.Role`; `end < 0` where the column is absent.
    var starts: InlineArray<8, Int>
    var ends: InlineArray<8, Int>
    /// How many columns the line had.
    public internal(set) var fieldCount: Int

    public init() {
        starts = InlineArray(repeating: 0)
        ends = InlineArray(repeating: -1)
        fieldCount = 0
    }

    /// The byte range of `role`'s field in the line, or nil when the layout or the line lacks it.
    public func range(of role: FlowField.Role) -> Range<Int>? {
        let end = ends[role.rawValue]
        return end >= 0 ? starts[role.rawValue]..<end : nil
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
        for role in 0..<8 { fields.ends[role] = -1 }
        var column = 0
        var i = 0
        let count = line.count
        switch separator {
        case .spaces:
            while true {
                while i < count, line[i] == 0x20 || line[i] == 0x09 { i += 1 }
                if i == count { break }
                let start = i
                while i < count, line[i] != 0x20 && line[i] != 0x09 { i += 1 }
                record(column, start, i, &fields)
                column += 1
            }
        case .comma:
            if count == 0 { break }
            while true {
                let start = i
                while i < count, line[i] != 0x2C { i += 1 }
                var low = start
                var high = i
                while low < high, line[low] == 0x20 || line[low] == 0x09 { low += 1 }
                while high > low, line[high - 1] == 0x20 || line[high - 1] == 0x09 { high -= 1 }
                if high - low >= 2, line[low] == 0x22, line[high - 1] == 0x22 {
                    low += 1
                    high -= 1
                }
                record(column, low, high, &fields)
                column += 1
                if i == count { break }
                i += 1  // past the comma
            }
        }
        fields.fieldCount = column
        return column
    }

    @inline(__always)
    private func record(_ column: Int, _ start: Int, _ end: Int, _ fields: inout RecordFields) {
        guard column < roleOfColumn.count else { return }
        let role = Int(roleOfColumn[column])
        if role >= 0 {
            fields.starts[role] = start
            fields.ends[role] = end
        }
    }
}
