/// Reads the user's own labels: a CSV of `cidr,label[,region]`, one network per row.
///
/// Each row becomes a `RangeEntry` with `service` = label and `region` = the third column, or `-`
/// when it is absent or empty. Rows behave exactly like AWS entries (match sets, attribution).
///
/// Accepted: an optional header row whose first field is `cidr` (any case); blank lines; lines
/// starting with `#` (comments); CRLF line ends; spaces around fields; fields in double quotes
/// (without embedded quotes or commas). Refused, with the line number: a CIDR that is invalid or has
/// host bits set, an empty label, more than three fields.
public enum LabelsLoader {
    public static func load(_ bytes: [UInt8], path: String) throws(RangesError) -> [RangeEntry] {
        // Spreadsheets write a UTF-8 byte-order mark first; it is not part of the header.
        let content = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        guard let text = String(validating: content, as: UTF8.self) else {
            throw RangesError(path: path, location: "", message: "not UTF-8 text")
        }
        var entries: [RangeEntry] = []
        var lineNumber = 0
        var seenData = false
        // "\r\n" is one Character in Swift, so split on both forms of line end.
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            let line = rawLine.trimmingCSVSpace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimmingCSVSpace().unquoted()
            }
            if !seenData, fields[0].lowercased() == "cidr" {
                seenData = true
                continue
            }
            seenData = true
            let location = "line \(lineNumber)"
            guard fields.count == 2 || fields.count == 3 else {
                throw RangesError(
                    path: path, location: location,
                    message: "expected \"cidr,label\" or \"cidr,label,region\", found \(fields.count) fields")
            }
            let prefix: IPPrefix
            do {
                prefix = try IPPrefix(fields[0])
            } catch {
                throw RangesError(path: path, location: location, message: error.description)
            }
            let label = fields[1]
            guard !label.isEmpty else {
                throw RangesError(path: path, location: location, message: "empty label")
            }
            let region = fields.count == 3 && !fields[2].isEmpty ? fields[2] : "-"
            entries.append(
                RangeEntry(prefix: prefix, region: region, service: label, networkBorderGroup: region, origin: .label))
        }
        return entries
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces, tabs and carriage returns.
    fileprivate func trimmingCSVSpace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }

    /// Without one pair of surrounding double quotes.
    fileprivate func unquoted() -> String {
        if count >= 2, hasPrefix("\""), hasSuffix("\"") { return String(dropFirst().dropLast()) }
        return String(self)
    }
}
