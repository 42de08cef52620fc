/// Which column of a record holds which field: fixed by a header line, by `--fields`, or by the
/// default version-2 order.
///
/// Two kinds of text are read: AWS's space-separated records (runs of spaces count as one
/// separator: AWS's own examples contain double spaces) and the notebook's CSV (comma-separated,
/// header first, `srcaddr`/`dstaddr` by name or else the first two columns).
public struct RecordLayout: Sendable, Equatable {
    public enum Separator: Sendable, Equatable {
        /// One or more spaces or tabs.
        case spaces
        /// Exactly one comma.
        case comma
    }

    public let separator: Separator
    /// The column names, as given (empty names for CSV columns without a header).
    public let fieldNames: [String]
    /// Column index of each `FlowField.Role`, -1 where the layout lacks it; indexed by raw value.
    let columns: [Int]
    /// For each column, the role it holds (raw value) or -1: the splitter's lookup table.
    let roleOfColumn: [Int8]

    init(separator: Separator, fieldNames: [String], columns: [Int]) {
        self.separator = separator
        self.fieldNames = fieldNames
        self.columns = columns
        var roleOfColumn = [Int8](repeating: -1, count: fieldNames.count)
        for (role, column) in columns.enumerated() where column >= 0 { roleOfColumn[column] = Int8(role) }
        self.roleOfColumn = roleOfColumn
    }

    /// The column of `role`, or nil.
    public func column(of role: FlowField.Role) -> Int? {
        let column = columns[role.rawValue]
        return column >= 0 ? column : nil
    }

    /// A layout for AWS space-separated text with these field names (a header line, `--fields`).
    /// Names may use AWS's (`log-status`) or Athena's (`log_status`) spelling and may be wrapped in
    /// `${...}` as in a format string; unknown names are kept and ignored.
    /// - Throws: `LayoutError` when a field the engine needs appears twice or addresses are missing.
    public static func awsText(fields: [String]) throws(LayoutError) -> RecordLayout {
        let names = fields.map { name -> String in
            name.hasPrefix("${") && name.hasSuffix("}") ? String(name.dropFirst(2).dropLast()) : name
        }
        return try make(.spaces, names, requireNames: true)
    }

    /// The default format (version 2), used for AWS text without a header line.
    public static let defaultFormat = try! awsText(fields: FlowField.defaultFormat)

    /// A layout for CSV with this header row: roles by name, or the first two columns as source and
    /// destination when the header names neither.
    public static func csv(header: [String]) throws(LayoutError) -> RecordLayout {
        try make(.comma, header, requireNames: false)
    }

    /// A layout for CSV without a header row: source and destination in the first two columns, and
    /// every row as wide as the first.
    public static func csvWithoutHeader(fieldCount: Int) -> RecordLayout {
        var columns = [Int](repeating: -1, count: FlowField.Role.allCases.count)
        columns[FlowField.Role.srcaddr.rawValue] = 0
        columns[FlowField.Role.dstaddr.rawValue] = 1
        return RecordLayout(separator: .comma, fieldNames: Array(repeating: "", count: max(fieldCount, 2)), columns: columns)
    }

    private static func make(_ separator: Separator, _ names: [String], requireNames: Bool) throws(LayoutError)
        -> RecordLayout
    {
        var columns = [Int](repeating: -1, count: FlowField.Role.allCases.count)
        for (column, name) in names.enumerated() {
            let trimmed = name.trimmingSpaces()
            guard let role = FlowField.role(named: trimmed) else { continue }
            // A detail field named twice: the first column counts (as before these were read, a
            // repeated srcport or protocol is no reason to refuse a header).
            if role.isDetail && columns[role.rawValue] >= 0 { continue }
            if columns[role.rawValue] >= 0 {
                throw LayoutError(message: "field \"\(trimmed)\" appears twice in the header")
            }
            columns[role.rawValue] = column
        }
        let src = FlowField.Role.srcaddr.rawValue
        let dst = FlowField.Role.dstaddr.rawValue
        // The notebook's CSV: addresses in the first two columns, unless a named field already has one
        // of them (a column has one role: `,bytes` as a header is not a layout).
        // (Only the judged roles count here: detail fields were not roles when this rule was made.)
        let judged = columns[..<FlowField.Role.dstport.rawValue]
        if columns[src] < 0 && columns[dst] < 0 && !requireNames && names.count >= 2 && !judged.contains(0)
            && !judged.contains(1)
        {
            columns[src] = 0
            columns[dst] = 1
            for role in FlowField.Role.allCases where role.isDetail && columns[role.rawValue] <= 1 {
                columns[role.rawValue] = -1
            }
        }
        guard columns[src] >= 0, columns[dst] >= 0 else {
            throw LayoutError(
                message: "the fields do not include both srcaddr and dstaddr (fields: \(names.joined(separator: " ")))")
        }
        return RecordLayout(separator: separator, fieldNames: names, columns: columns)
    }
}

/// A header or `--fields` list that cannot be used.
public struct LayoutError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

extension String {
    /// Without the spaces and tabs around it (not CRs: a CR inside a line is part of a field).
    func trimmingSpaces() -> String {
        let bytes = Array(utf8)
        var low = 0
        var high = bytes.count
        while low < high, bytes[low] == 0x20 || bytes[low] == 0x09 { low += 1 }
        while high > low, bytes[high - 1] == 0x20 || bytes[high - 1] == 0x09 { high -= 1 }
        return low == 0 && high == bytes.count ? self : String(decoding: bytes[low..<high], as: UTF8.self)
    }
}
