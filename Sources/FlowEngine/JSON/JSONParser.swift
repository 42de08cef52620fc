/// A strict RFC 8259 JSON reader producing ``JSONValue``.
///
/// Refused: trailing commas, single quotes, comments, `NaN`/`Infinity`,
/// leading zeros (`01`), `+1`, `.5`, `1.`, unescaped control characters,
/// unknown escapes, invalid UTF-8 inside strings, lone or mis-ordered
/// surrogate escapes, and anything after the value. Accepted beyond the bare
/// grammar: one leading UTF-8 byte order mark, and any value at top level.
///
/// Deliberately not done: no streaming, no JSON5 leniency, no duplicate-key
/// detection (duplicates are kept in order), no number conversion (numbers
/// keep their text), and no UTF-8 checking *outside* strings (any non-ASCII
/// byte there is a syntax error anyway).
public enum JSONParser {
    /// Arrays and objects nested deeper than this are refused with an error
    /// instead of risking a stack overflow.
    public static let maximumDepth = 512

    /// Parses a whole document: one value surrounded by optional whitespace.
    /// - Throws: ``JSONError`` locating the first problem.
    /// - Complexity: O(n) in the byte count, one pass; strings without
    ///   escapes are created straight from their byte range.
    public static func parse(_ bytes: Span<UInt8>) throws(JSONError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { (buffer) throws(JSONError) -> JSONValue in
            var reader = Reader(buffer)
            return try reader.document()
        }
    }

    /// Parses a whole document held in an array; see the `Span` overload.
    public static func parse(_ bytes: [UInt8]) throws(JSONError) -> JSONValue {
        try parse(bytes.span)
    }
}

/// Where and why a document was refused.
///
/// `offset` is the 0-based byte offset; `line` is 1-based and counts `\n`
/// only; `column` is 1-based and counts *bytes* from the line start (so a
/// leading BOM or multi-byte characters widen it).
public struct JSONError: Error, Equatable, Sendable, CustomStringConvertible {
    /// 0-based byte offset of the problem.
    public let offset: Int
    /// 1-based line number.
    public let line: Int
    /// 1-based byte column within the line.
    public let column: Int
    /// One-line reason, e.g. `expected ',' or '}' after object member`.
    public let message: String

    /// Creates an error with an already computed position.
    public init(offset: Int, line: Int, column: Int, message: String) {
        self.offset = offset
        self.line = line
        self.column = column
        self.message = message
    }

    /// Creates an error at `offset` in `bytes`, computing line and column.
    init(offset: Int, in bytes: UnsafeBufferPointer<UInt8>, message: String) {
        var line = 1
        var lineStart = 0
        for i in 0..<min(offset, bytes.count) where bytes[i] == UInt8(ascii: "\n") {
            line += 1
            lineStart = i + 1
        }
        self.init(offset: offset, line: line, column: offset - lineStart + 1, message: message)
    }

    /// `line L, column C: message`.
    public var description: String { "line \(line), column \(column): \(message)" }
}

/// The single-pass cursor over the input buffer.
private struct Reader {
    let bytes: UnsafeBufferPointer<UInt8>
    var pos = 0
    var depth = 0
    /// Decoded bytes of the string being unescaped (reused; slow path only).
    var scratch: [UInt8] = []
    /// Finished elements / members of the containers still open, so each
    /// container is allocated once at its exact size.
    var values: [JSONValue] = []
    var members: [JSONMember] = []

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    @inline(never)
    func error(_ offset: Int, _ message: String) -> JSONError {
        JSONError(offset: offset, in: bytes, message: message)
    }

    @inline(never)
    func endOfInput(_ expected: String) -> JSONError {
        error(bytes.count, "unexpected end of input, \(expected)")
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while pos < bytes.count {
            switch bytes[pos] {
            case 0x20, 0x0A, 0x0D, 0x09: pos += 1
            default: return
            }
        }
    }

    mutating func document() throws(JSONError) -> JSONValue {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { pos = 3 }
        let value = try self.value()
        skipWhitespace()
        guard pos == bytes.count else {
            throw error(pos, "unexpected \(describe(bytes[pos])) after the JSON value")
        }
        return value
    }

    /// Skips leading whitespace, then reads one value.
    mutating func value() throws(JSONError) -> JSONValue {
        skipWhitespace()
        guard pos < bytes.count else { throw endOfInput("expected a JSON value") }
        switch bytes[pos] {
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case let c: throw error(pos, "expected a JSON value, found \(describe(c))\(hint(c))")
        }
    }

    mutating func literal(_ word: StaticString) throws(JSONError) {
        let count = word.utf8CodeUnitCount
        let start = word.utf8Start
        guard pos + count <= bytes.count,
              (0..<count).allSatisfy({ bytes[pos + $0] == start[$0] }) else {
            throw error(pos, "invalid literal, expected '\(word)'")
        }
        pos += count
    }

    mutating func enter() throws(JSONError) {
        depth += 1
        guard depth <= JSONParser.maximumDepth else {
            throw error(pos, "nesting depth exceeds the maximum of \(JSONParser.maximumDepth)")
        }
        pos += 1
    }

    mutating func array() throws(JSONError) -> JSONValue {
        try enter()
        let base = values.count
        skipWhitespace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") {
            pos += 1; depth -= 1
            return .array([])
        }
        while true {
            values.append(try value())
            skipWhitespace()
            guard pos < bytes.count else { throw endOfInput("expected ',' or ']' after array element") }
            let c = bytes[pos]
            pos += 1
            if c == UInt8(ascii: "]") { break }
            guard c == UInt8(ascii: ",") else {
                throw error(pos - 1, "expected ',' or ']' after array element")
            }
            skipWhitespace()
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") {
                throw error(pos, "trailing comma before ']' is not allowed")
            }
        }
        depth -= 1
        let elements = Array(values[base...])
        values.removeSubrange(base...)
        return .array(elements)
    }

    mutating func object() throws(JSONError) -> JSONValue {
        try enter()
        let base = members.count
        skipWhitespace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") {
            pos += 1; depth -= 1
            return .object([])
        }
        while true {
            guard pos < bytes.count else { throw endOfInput("expected a string key") }
            guard bytes[pos] == UInt8(ascii: "\"") else {
                let c = bytes[pos]
                throw error(pos, c == UInt8(ascii: "}") && members.count > base
                    ? "trailing comma before '}' is not allowed"
                    : "expected a string key, found \(describe(c))\(hint(c))")
            }
            let key = try string()
            skipWhitespace()
            guard pos < bytes.count else { throw endOfInput("expected ':' after object key") }
            guard bytes[pos] == UInt8(ascii: ":") else { throw error(pos, "expected ':' after object key") }
            pos += 1
            members.append(JSONMember(key: key, value: try value()))
            skipWhitespace()
            guard pos < bytes.count else { throw endOfInput("expected ',' or '}' after object member") }
            let c = bytes[pos]
            pos += 1
            if c == UInt8(ascii: "}") { break }
            guard c == UInt8(ascii: ",") else {
                throw error(pos - 1, "expected ',' or '}' after object member")
            }
            skipWhitespace()
        }
        depth -= 1
        let result = Array(members[base...])
        members.removeSubrange(base...)
        return .object(result)
    }

    mutating func number() throws(JSONError) -> JSONValue {
        let start = pos
        var i = pos
        @inline(__always) func isDigit(_ i: Int) -> Bool {
            i < bytes.count && bytes[i] &- UInt8(ascii: "0") < 10
        }
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        if i < bytes.count, bytes[i] == UInt8(ascii: "0") {
            i += 1
            if isDigit(i) { throw error(i - 1, "leading zeros are not allowed in numbers") }
        } else if isDigit(i) {
            while isDigit(i) { i += 1 }
        } else {
            throw error(i, "expected a digit after '-'")
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard isDigit(i) else { throw error(i, "expected a digit after the decimal point") }
            while isDigit(i) { i += 1 }
        }
        if i < bytes.count, bytes[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard isDigit(i) else { throw error(i, "expected a digit in the exponent") }
            while isDigit(i) { i += 1 }
        }
        pos = i
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        return .number(JSONNumber(uncheckedText: text))
    }

    /// Reads a string starting at the opening quote.
    mutating func string() throws(JSONError) -> String {
        let start = pos + 1
        var i = start
        // Plain bytes eight at a time: up to the first quote, backslash, control or non-ASCII
        // byte, which the loop below decides (the ranges file's strings are all plain; a byte at a
        // time, this loop was 22 M instructions of every run).
        while i &+ 8 <= bytes.count {
            // Safe: `i + 8 <= bytes.count`.
            let word = UInt64(littleEndian: UnsafeRawPointer(bytes.baseAddress! + i).loadUnaligned(as: UInt64.self))
            let special = SWAR.bytesBelow0x20(word) | word & SWAR.highBits | SWAR.zeroBytes(word ^ 0x2222_2222_2222_2222)
                | SWAR.zeroBytes(word ^ 0x5C5C_5C5C_5C5C_5C5C)
            if special != 0 {
                i &+= SWAR.leadingCount(special)
                break
            }
            i &+= 8
        }
        while i < bytes.count {
            let c = bytes[i]
            if c >= 0x20 && c < 0x80 && c != UInt8(ascii: "\"") && c != UInt8(ascii: "\\") {
                i += 1
            } else if c == UInt8(ascii: "\"") {
                pos = i + 1
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
            } else if c >= 0x80 {
                i += try utf8Length(at: i)
            } else if c == UInt8(ascii: "\\") {
                scratch.removeAll(keepingCapacity: true)
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
                return try escapedString(from: i)
            } else {
                throw controlCharacter(at: i)
            }
        }
        throw endOfInput("unterminated string")
    }

    /// Slow path: decodes the rest of a string containing escapes into `scratch`.
    mutating func escapedString(from first: Int) throws(JSONError) -> String {
        var i = first
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") {
                pos = i + 1
                return String(decoding: scratch, as: UTF8.self)
            } else if c == UInt8(ascii: "\\") {
                guard i + 1 < bytes.count else { break }
                let e = bytes[i + 1]
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(e)
                case UInt8(ascii: "b"): scratch.append(0x08)
                case UInt8(ascii: "f"): scratch.append(0x0C)
                case UInt8(ascii: "n"): scratch.append(0x0A)
                case UInt8(ascii: "r"): scratch.append(0x0D)
                case UInt8(ascii: "t"): scratch.append(0x09)
                case UInt8(ascii: "u"):
                    i = try unicodeEscape(at: i)
                    continue
                default:
                    throw error(i, "invalid escape sequence '\\\(describeRaw(e))' in string")
                }
                i += 2
            } else if c >= 0x20 && c < 0x80 {
                scratch.append(c)
                i += 1
            } else if c >= 0x80 {
                let n = try utf8Length(at: i)
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<i + n]))
                i += n
            } else {
                throw controlCharacter(at: i)
            }
        }
        throw endOfInput("unterminated string")
    }

    /// Decodes `\uXXXX` (and a following low-surrogate escape) at `i`, appends
    /// the scalar's UTF-8 to `scratch`, and returns the index after it.
    mutating func unicodeEscape(at i: Int) throws(JSONError) -> Int {
        let unit = try hex4(at: i)
        var scalarValue = UInt32(unit)
        var next = i + 6
        if unit & 0xFC00 == 0xDC00 {
            throw error(i, "unpaired low surrogate '\\u\(hexText(unit))' in string")
        }
        if unit & 0xFC00 == 0xD800 {
            guard next + 1 < bytes.count, bytes[next] == UInt8(ascii: "\\"), bytes[next + 1] == UInt8(ascii: "u"),
                  case let low = try hex4(at: next), low & 0xFC00 == 0xDC00 else {
                throw error(i, "high surrogate '\\u\(hexText(unit))' not followed by a low surrogate escape")
            }
            scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            next += 6
        }
        // Never a surrogate here, so the scalar always exists.
        UTF8.encode(Unicode.Scalar(scalarValue)!) { scratch.append($0) }
        return next
    }

    /// Reads the four hex digits of the `\u` escape at `i`.
    func hex4(at i: Int) throws(JSONError) -> UInt16 {
        var unit: UInt16 = 0
        for k in i + 2..<i + 6 {
            guard k < bytes.count else { throw endOfInput("expected 4 hex digits after '\\u'") }
            let c = bytes[k]
            let digit: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c - UInt8(ascii: "A") + 10
            default: throw error(k, "expected 4 hex digits after '\\u', found \(describe(c))")
            }
            unit = unit << 4 | UInt16(digit)
        }
        return unit
    }

    /// Validates one UTF-8 sequence (lead byte ≥ 0x80) at `i`; returns its length.
    func utf8Length(at i: Int) throws(JSONError) -> Int {
        let lead = bytes[i]
        let (length, low, high): (Int, UInt8, UInt8)
        switch lead {
        case 0xC2...0xDF: (length, low, high) = (2, 0x80, 0xBF)
        case 0xE0: (length, low, high) = (3, 0xA0, 0xBF)
        case 0xED: (length, low, high) = (3, 0x80, 0x9F)
        case 0xE1...0xEF: (length, low, high) = (3, 0x80, 0xBF)
        case 0xF0: (length, low, high) = (4, 0x90, 0xBF)
        case 0xF1...0xF3: (length, low, high) = (4, 0x80, 0xBF)
        case 0xF4: (length, low, high) = (4, 0x80, 0x8F)
        default: throw error(i, "invalid UTF-8 in string (byte 0x\(hexText(UInt16(lead))))")
        }
        guard i + length <= bytes.count,
              (low...high).contains(bytes[i + 1]),
              (1..<length).allSatisfy({ bytes[i + $0] & 0xC0 == 0x80 }) else {
            throw error(i, "invalid UTF-8 in string (byte 0x\(hexText(UInt16(lead))))")
        }
        return length
    }

    @inline(never)
    func controlCharacter(at i: Int) -> JSONError {
        error(i, "unescaped control character U+\(hexText(UInt16(bytes[i]), width: 4)) in string")
    }
}

@inline(never)
private func hexText(_ value: UInt16, width: Int = 0) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}

/// `x`, `\n`-style text for a byte inside an escape message.
private func describeRaw(_ byte: UInt8) -> String {
    byte >= 0x21 && byte < 0x7F ? String(UnicodeScalar(byte)) : "<0x\(hexText(UInt16(byte)))>"
}

/// `'x'` for printable ASCII, `byte 0xNN` otherwise.
private func describe(_ byte: UInt8) -> String {
    if byte == UInt8(ascii: "'") { return "\"'\"" }
    return byte >= 0x21 && byte < 0x7F ? "'\(String(UnicodeScalar(byte)))'" : "byte 0x\(hexText(UInt16(byte), width: 2))"
}

/// Extra advice for common non-JSON habits.
private func hint(_ byte: UInt8) -> String {
    switch byte {
    case UInt8(ascii: "'"): " (strings must use double quotes)"
    case UInt8(ascii: "/"): " (comments are not allowed)"
    case UInt8(ascii: "+"): " (numbers must not start with '+')"
    case UInt8(ascii: "."): " (numbers must start with a digit)"
    case UInt8(ascii: "N"), UInt8(ascii: "I"): " (NaN and Infinity are not allowed)"
    default: ""
    }
}
