/// A strict RFC 8259 JSON reader producing ``JSONValue``.
///
/// Refused: trailing commas, single quotes, comments, `NaN`/`Infinity`,
/// leading zeros (`01`), `+1`, `.5`, `1.`, unescaped control characters,
/// unknown escapes, invalid UTF-8 inside strings, lone or mis-ordered
/// surrogate escapes, and anything after the value. Accepted beyond the bare
/// grammar: one leading UTF-8 byte order mark, and any value at top level.
///
/// The reader reports what it validates to a ``JSONEvents`` sink, in document
/// order: `parse` builds a ``JSONValue`` tree from them; `walk` hands them to a
/// caller's sink, which keeps only what it needs (the ranges loader builds
/// its entries without a tree of Strings; BENCHMARKS.md, "Fixed cost").
///
/// Deliberately not done: no incremental input, no JSON5 leniency, no
/// duplicate-key detection (duplicates are kept in order), no number
/// conversion (numbers keep their text), and no UTF-8 checking *outside*
/// strings (any non-ASCII byte there is a syntax error anyway).
public enum JSONParser {
    /// Arrays and objects nested deeper than this are refused with an error
    /// instead of risking a stack overflow.
    public static let maximumDepth = 512

    /// Parses a whole document: one value surrounded by optional whitespace.
    /// - Throws: ``JSONError`` locating the first problem.
    /// - Complexity: O(n) in the byte count, one pass; strings without
    ///   escapes are created straight from their byte range.
    public static func parse(_ bytes: Span<UInt8>) throws(JSONError) -> JSONValue {
        var tree = JSONTreeBuilder()
        try walk(bytes, into: &tree)
        return tree.root
    }

    /// Validates a whole document as `parse` does, reporting its parts to `sink` as they are
    /// read. When it throws, `sink` has seen the events before the problem.
    static func walk<Sink: JSONEvents>(_ bytes: Span<UInt8>, into sink: inout Sink) throws(JSONError) {
        try bytes.withUnsafeBufferPointer { (buffer) throws(JSONError) in
            var reader = Reader(buffer, sink: sink)
            defer { sink = reader.sink }
            try reader.document()
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

/// The parts of a JSON document, in document order, as `JSONParser.walk` validates them.
///
/// A member is `key` then its value's events; a container's events lie between its start and
/// its end. Strings and keys come unescaped, as valid UTF-8; a number as its text. The spans are
/// valid only during the call.
protocol JSONEvents {
    mutating func objectStart()
    mutating func key(_ key: Span<UInt8>)
    mutating func objectEnd()
    mutating func arrayStart()
    mutating func arrayEnd()
    mutating func string(_ value: Span<UInt8>)
    mutating func number(_ text: Span<UInt8>)
    /// `true`, `false` or `null`.
    mutating func literal(_ value: JSONValue)
}

/// Builds the `JSONValue` tree of a document from its events.
struct JSONTreeBuilder: JSONEvents {
    /// The document, once its last event has arrived.
    private(set) var root: JSONValue = .null
    /// Finished elements and members of the containers still open, so that each container is
    /// allocated once at its exact size; `open` says where each one's start.
    private var values: [JSONValue] = []
    private var members: [JSONMember] = []
    private var keys: [String] = []
    private var open: [(isObject: Bool, base: Int)] = []

    private mutating func add(_ value: JSONValue) {
        guard let top = open.last else {
            root = value
            return
        }
        if top.isObject {
            members.append(JSONMember(key: keys.removeLast(), value: value))
        } else {
            values.append(value)
        }
    }

    mutating func objectStart() { open.append((true, members.count)) }
    mutating func key(_ key: Span<UInt8>) { keys.append(Self.text(key)) }
    mutating func objectEnd() {
        let base = open.removeLast().base
        let object = Array(members[base...])
        members.removeSubrange(base...)
        add(.object(object))
    }
    mutating func arrayStart() { open.append((false, values.count)) }
    mutating func arrayEnd() {
        let base = open.removeLast().base
        let array = Array(values[base...])
        values.removeSubrange(base...)
        add(.array(array))
    }
    mutating func string(_ value: Span<UInt8>) { add(.string(Self.text(value))) }
    mutating func number(_ text: Span<UInt8>) { add(.number(JSONNumber(uncheckedText: Self.text(text)))) }
    mutating func literal(_ value: JSONValue) { add(value) }

    static func text(_ bytes: Span<UInt8>) -> String {
        bytes.withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }
    }
}

/// The single-pass cursor over the input buffer.
private struct Reader<Sink: JSONEvents> {
    let bytes: UnsafeBufferPointer<UInt8>
    var pos = 0
    var depth = 0
    /// Decoded bytes of the string being unescaped (reused; slow path only).
    var scratch: [UInt8] = []
    var sink: Sink

    init(_ bytes: UnsafeBufferPointer<UInt8>, sink: Sink) {
        self.bytes = bytes
        self.sink = sink
    }

    /// Hands `bytes[range]` to `body` as a span.
    @inline(__always)
    static func span<R>(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ body: (Span<UInt8>) -> R) -> R {
        // Safe: `range` lies within `bytes`, which outlives the call; the span cannot escape it.
        body(Span(_unsafeElements: UnsafeBufferPointer(rebasing: bytes[range])))
    }

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

    mutating func document() throws(JSONError) {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { pos = 3 }
        try value()
        skipWhitespace()
        guard pos == bytes.count else {
            throw error(pos, "unexpected \(describe(bytes[pos])) after the JSON value")
        }
    }

    /// Skips leading whitespace, then reads one value.
    mutating func value() throws(JSONError) {
        skipWhitespace()
        guard pos < bytes.count else { throw endOfInput("expected a JSON value") }
        switch bytes[pos] {
        case UInt8(ascii: "\""): try string(isKey: false)
        case UInt8(ascii: "{"): try object()
        case UInt8(ascii: "["): try array()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
        case UInt8(ascii: "t"): try literal("true"); sink.literal(.bool(true))
        case UInt8(ascii: "f"): try literal("false"); sink.literal(.bool(false))
        case UInt8(ascii: "n"): try literal("null"); sink.literal(.null)
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

    mutating func array() throws(JSONError) {
        try enter()
        sink.arrayStart()
        skipWhitespace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") {
            pos += 1; depth -= 1
            sink.arrayEnd()
            return
        }
        while true {
            try value()
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
        sink.arrayEnd()
    }

    mutating func object() throws(JSONError) {
        try enter()
        sink.objectStart()
        skipWhitespace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") {
            pos += 1; depth -= 1
            sink.objectEnd()
            return
        }
        var memberCount = 0
        while true {
            guard pos < bytes.count else { throw endOfInput("expected a string key") }
            guard bytes[pos] == UInt8(ascii: "\"") else {
                let c = bytes[pos]
                throw error(pos, c == UInt8(ascii: "}") && memberCount > 0
                    ? "trailing comma before '}' is not allowed"
                    : "expected a string key, found \(describe(c))\(hint(c))")
            }
            try string(isKey: true)
            skipWhitespace()
            guard pos < bytes.count else { throw endOfInput("expected ':' after object key") }
            guard bytes[pos] == UInt8(ascii: ":") else { throw error(pos, "expected ':' after object key") }
            pos += 1
            try value()
            memberCount += 1
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
        sink.objectEnd()
    }

    mutating func number() throws(JSONError) {
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
        Self.span(bytes, start..<i) { sink.number($0) }
    }

    /// Reads a string starting at the opening quote, and reports it as a key or a value.
    mutating func string(isKey: Bool) throws(JSONError) {
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
                Self.span(bytes, start..<i) { isKey ? sink.key($0) : sink.string($0) }
                return
            } else if c >= 0x80 {
                i += try utf8Length(at: i)
            } else if c == UInt8(ascii: "\\") {
                scratch.removeAll(keepingCapacity: true)
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
                try escapedString(from: i)
                let decoded = scratch
                isKey ? sink.key(decoded.span) : sink.string(decoded.span)
                return
            } else {
                throw controlCharacter(at: i)
            }
        }
        throw endOfInput("unterminated string")
    }

    /// Slow path: decodes the rest of a string containing escapes into `scratch`.
    mutating func escapedString(from first: Int) throws(JSONError) {
        var i = first
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") {
                pos = i + 1
                return
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
