/// Reads CSV as `CSVWriter` writes it (RFC 4180): fields separated by commas, records ended by LF
/// (or CRLF); a field in double quotes may hold commas, quotes (doubled) and line breaks. Strict: a
/// quote inside an unquoted field, text after a closing quote, or an unclosed quote is an error
/// with its line, since the reader's input is a report vpcflow wrote (`vpcflow diff`).
public enum CSVReader {
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public let line: Int
        public let reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    /// Every record, each a list of fields; a final line end is optional; no record for empty input.
    public static func records(_ bytes: [UInt8]) throws(Failure) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field: [UInt8] = []
        var line = 1
        var i = 0
        var atFieldStart = true
        func endField() {
            record.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }
        while i < bytes.count {
            let byte = bytes[i]
            if atFieldStart && byte == 0x22 {
                // A quoted field: to the closing quote; "" is one quote.
                i += 1
                let opened = line
                while true {
                    guard i < bytes.count else { throw Failure(line: opened, reason: "a quoted field is not closed") }
                    let b = bytes[i]
                    if b == 0x22 {
                        if i + 1 < bytes.count && bytes[i + 1] == 0x22 {
                            field.append(0x22)
                            i += 2
                            continue
                        }
                        i += 1
                        break
                    }
                    if b == 0x0A { line += 1 }
                    field.append(b)
                    i += 1
                }
                guard i == bytes.count || bytes[i] == 0x2C || bytes[i] == 0x0A || (bytes[i] == 0x0D && i + 1 < bytes.count && bytes[i + 1] == 0x0A)
                else { throw Failure(line: line, reason: "text after a closing quote") }
                atFieldStart = false
                continue
            }
            switch byte {
            case 0x2C:
                endField()
                atFieldStart = true
            case 0x0A, 0x0D:
                if byte == 0x0D {
                    guard i + 1 < bytes.count, bytes[i + 1] == 0x0A else {
                        throw Failure(line: line, reason: "a carriage return outside quotes, not before a line feed")
                    }
                    i += 1
                }
                endField()
                records.append(record)
                record = []
                atFieldStart = true
                line += 1
            case 0x22:
                throw Failure(line: line, reason: "a double quote inside an unquoted field")
            default:
                field.append(byte)
                atFieldStart = false
            }
            i += 1
        }
        if !atFieldStart || !record.isEmpty || !field.isEmpty {
            endField()
            records.append(record)
        }
        return records
    }
}
