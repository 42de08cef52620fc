/// Deterministic JSON output: the same ``JSONValue`` always renders to the
/// same bytes.
///
/// Pretty form (the default), as `JSON.stringify(v, null, 2)` would write it
/// plus a final newline:
/// ```
/// {
///   "name": "a",
///   "ports": [
///     443,
///     80
///   ],
///   "tags": {}
/// }
/// ```
/// Members and elements are written in the order given (nothing is sorted,
/// duplicate keys are written as they are), empty containers are `[]`/`{}`,
/// the key separator is `": "`, and the document ends with `"\n"`. The compact
/// form (`pretty: false`) has no whitespace at all and no final newline.
///
/// Strings are escaped per RFC 8259: `"` → `\"`, `\` → `\\`, U+0008/0009/000A/
/// 000C/000D → `\b \t \n \f \r`, other control characters below U+0020 →
/// `\u00XX` (lowercase hex). Everything else — `/`, DEL, and all non-ASCII —
/// is written as raw UTF-8. Numbers are written as their stored text.
///
/// Deliberately not done: no key sorting, no line-width wrapping, no
/// streaming to a file (callers write the returned bytes).
public enum JSONWriter {
    /// Renders `value`; see the type documentation for the exact format.
    /// - Complexity: O(n) in the size of the output.
    public static func render(_ value: JSONValue, pretty: Bool = true) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        if pretty {
            writePretty(value, indent: 0, into: &out)
            out.append(UInt8(ascii: "\n"))
        } else {
            writeCompact(value, into: &out)
        }
        return out
    }

    private static func writeCompact(_ value: JSONValue, into out: inout [UInt8]) {
        switch value {
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                writeCompact(element, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (i, member) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                writeString(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                writeCompact(member.value, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        default:
            writeScalar(value, into: &out)
        }
    }

    private static func writePretty(_ value: JSONValue, indent: Int, into out: inout [UInt8]) {
        switch value {
        case .array(let elements) where !elements.isEmpty:
            out.append(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(indent + 1, into: &out)
                writePretty(element, indent: indent + 1, into: &out)
            }
            newline(indent, into: &out)
            out.append(UInt8(ascii: "]"))
        case .object(let members) where !members.isEmpty:
            out.append(UInt8(ascii: "{"))
            for (i, member) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(indent + 1, into: &out)
                writeString(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                out.append(UInt8(ascii: " "))
                writePretty(member.value, indent: indent + 1, into: &out)
            }
            newline(indent, into: &out)
            out.append(UInt8(ascii: "}"))
        default:
            writeCompact(value, into: &out)
        }
    }

    private static func newline(_ indent: Int, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\n"))
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * indent))
    }

    private static func writeScalar(_ value: JSONValue, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(true): out.append(contentsOf: "true".utf8)
        case .bool(false): out.append(contentsOf: "false".utf8)
        case .number(let number): out.append(contentsOf: number.text.utf8)
        case .string(let string): writeString(string, into: &out)
        case .array([]): out.append(contentsOf: "[]".utf8)
        case .object([]): out.append(contentsOf: "{}".utf8)
        case .array, .object: preconditionFailure("containers are written by the callers")
        }
    }

    /// Writes `string` quoted and escaped.
    private static func writeString(_ string: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        let bytes = string.utf8.span
        var runStart = 0
        for i in 0..<bytes.count where bytes[i] < 0x20 || bytes[i] == 0x22 || bytes[i] == 0x5C {
            let byte = bytes[i]
            for j in runStart..<i { out.append(bytes[j]) }
            runStart = i + 1
            out.append(UInt8(ascii: "\\"))
            switch byte {
            case 0x22: out.append(UInt8(ascii: "\""))
            case 0x5C: out.append(UInt8(ascii: "\\"))
            case 0x08: out.append(UInt8(ascii: "b"))
            case 0x09: out.append(UInt8(ascii: "t"))
            case 0x0A: out.append(UInt8(ascii: "n"))
            case 0x0C: out.append(UInt8(ascii: "f"))
            case 0x0D: out.append(UInt8(ascii: "r"))
            default:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: "u00".utf8)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            }
        }
        for j in runStart..<bytes.count { out.append(bytes[j]) }
        out.append(UInt8(ascii: "\""))
    }
}
