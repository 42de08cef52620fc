import Foundation
import Testing
@testable import FlowEngine

// MARK: - Helpers

private func jsonParse(_ text: String) throws(JSONError) -> JSONValue {
    try JSONParser.parse(Array(text.utf8))
}

private func jsonRendered(_ value: JSONValue, pretty: Bool = true) -> String {
    String(decoding: JSONWriter.render(value, pretty: pretty), as: UTF8.self)
}

/// The error `parse` throws, or `nil` if it accepted the input.
private func jsonParseError(_ bytes: [UInt8]) -> JSONError? {
    do throws(JSONError) {
        _ = try JSONParser.parse(bytes)
        return nil
    } catch {
        return error
    }
}

/// Exact string comparison (Swift's `==` uses canonical equivalence).
private func jsonSameScalars(_ a: String, _ b: String) -> Bool {
    a.unicodeScalars.elementsEqual(b.unicodeScalars)
}


/// Random `JSONValue` trees: every kind, awkward strings, several number forms.
private struct JSONDocumentGenerator {
    var rng: SplitMix64

    private static let specialScalars: [Unicode.Scalar] = [
        "\"", "\\", "/", "\u{0}", "\u{1}", "\u{8}", "\u{9}", "\u{A}", "\u{B}", "\u{C}", "\u{D}",
        "\u{1F}", "\u{7F}", "\u{80}", "é", "€", "\u{2028}", "\u{FEFF}", "\u{FFFD}", "\u{FFFF}",
        "😀", "𝄞", "\u{10FFFF}", "a", "Z", "0", " ", "{", "]", ":", ",",
    ]

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }

    mutating func string() -> String {
        var scalars = String.UnicodeScalarView()
        for _ in 0..<int(0...12) {
            switch int(0...9) {
            case 0...4: scalars.append(Unicode.Scalar(UInt8(int(0x20...0x7E))))
            case 5...7: scalars.append(Self.specialScalars.randomElement(using: &rng)!)
            case 8: scalars.append(Unicode.Scalar(UInt32(int(0x80...0xD7FF)))!)
            default: scalars.append(Unicode.Scalar(UInt32(int(0xE000...0x10FFFF))) ?? "x")
            }
        }
        return String(scalars)
    }

    mutating func number() -> JSONValue {
        switch int(0...3) {
        case 0: return .int(Int64.random(in: .min ... .max, using: &rng) >> UInt64(int(0...63)))
        case 1: return .int(int(-1000...1000))
        case 2:
            let magnitude = Double.random(in: 0..<1, using: &rng) * pow(10, Double(int(-300...300)))
            return .double(Bool.random(using: &rng) ? magnitude : -magnitude)
        default:  // arbitrary grammar: -?int(.frac)?(e[+-]?exp)?
            var text = Bool.random(using: &rng) ? "-" : ""
            text += int(0...3) == 0 ? "0" : String(int(1...999_999))
            if Bool.random(using: &rng) { text += "." + String(repeating: "0", count: int(0...3)) + String(int(0...9999)) }
            if Bool.random(using: &rng) {
                text += ["e", "E"].randomElement(using: &rng)! + ["", "+", "-"].randomElement(using: &rng)!
                text += String(repeating: "0", count: int(0...2)) + String(int(0...200))
            }
            return .number(JSONNumber(text: text)!)
        }
    }

    mutating func value(depth: Int = 0) -> JSONValue {
        switch int(depth >= 4 ? 0...5 : 0...7) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &rng))
        case 2, 3: return number()
        case 4, 5: return .string(string())
        case 6: return .array((0..<int(0...5)).map { _ in value(depth: depth + 1) })
        default:
            var members: [JSONMember] = []
            for _ in 0..<int(0...5) {
                let key = string()
                // Unique keys (by Swift's canonical `==`) so Foundation's dictionary can be compared.
                if !members.contains(where: { $0.key == key }) {
                    members.append(JSONMember(key: key, value: value(depth: depth + 1)))
                }
            }
            return .object(members)
        }
    }

    /// Writes `value` as JSON text independently of `JSONWriter`: random
    /// whitespace, and each character randomly raw or escaped (short escapes,
    /// `\uXXXX` in either case, surrogate pairs, `\/`).
    mutating func noisyText(_ value: JSONValue) -> String {
        var out = ""
        write(value, into: &out)
        return space() + out + space()
    }

    private mutating func space() -> String {
        (0..<int(0...2)).map { _ in [" ", "\t", "\n", "\r\n", "  "].randomElement(using: &rng)! }.joined()
    }

    private mutating func hex(_ unit: UInt32) -> String {
        let digits = String(unit, radix: 16, uppercase: Bool.random(using: &rng))
        return "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
    }

    private mutating func quoted(_ string: String) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            let v = scalar.value
            let short: [UInt32: String] = [0x22: "\\\"", 0x5C: "\\\\", 0x2F: "\\/", 0x8: "\\b", 0xC: "\\f", 0xA: "\\n", 0xD: "\\r", 0x9: "\\t"]
            let mustEscape = v < 0x20 || v == 0x22 || v == 0x5C
            if !mustEscape && int(0...3) > 0 {
                out.unicodeScalars.append(scalar)
            } else if let s = short[v], Bool.random(using: &rng) {
                out += s
            } else if v >= 0x10000 {
                out += hex(0xD800 + ((v - 0x10000) >> 10)) + hex(0xDC00 + ((v - 0x10000) & 0x3FF))
            } else {
                out += hex(v)
            }
        }
        return out + "\""
    }

    private mutating func write(_ value: JSONValue, into out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += n.text
        case .string(let s): out += quoted(s)
        case .array(let elements):
            out += "[" + space()
            for (i, e) in elements.enumerated() {
                out += (i > 0 ? "," + space() : "")
                write(e, into: &out)
                out += space()
            }
            out += "]"
        case .object(let members):
            out += "{" + space()
            for (i, m) in members.enumerated() {
                out += (i > 0 ? "," + space() : "") + quoted(m.key) + space() + ":" + space()
                write(m.value, into: &out)
                out += space()
            }
            out += "}"
        }
    }
}

/// Does Foundation's parse result hold the same data as ours?
private func matchesFoundation(_ ours: JSONValue, _ theirs: Any) -> Bool {
    switch ours {
    case .null:
        return theirs is NSNull
    case .bool(let b):
        guard let n = theirs as? NSNumber else { return false }
        return String(cString: n.objCType) == "c" && n.boolValue == b
    case .number(let number):
        guard let n = theirs as? NSNumber, String(cString: n.objCType) != "c" else { return false }
        if let i = number.int64 { return n.int64Value == i }
        // Foundation keeps some numbers as NSDecimalNumber, whose doubleValue
        // is not correctly rounded; its description is the exact decimal.
        if n is NSDecimalNumber { return Double(n.description) == number.double }
        return n.doubleValue == number.double
    case .string(let s):
        // Foundation (swift-corelibs) drops a raw U+FEFF at the start of a
        // string or after an escape, so U+FEFF is ignored on both sides here.
        guard let t = theirs as? String else { return false }
        return s.unicodeScalars.filter { $0 != "\u{FEFF}" } == t.unicodeScalars.filter { $0 != "\u{FEFF}" }
    case .array(let elements):
        guard let t = theirs as? [Any], t.count == elements.count else { return false }
        return zip(elements, t).allSatisfy { matchesFoundation($0, $1) }
    case .object(let members):
        guard let t = theirs as? [String: Any], t.count == members.count else { return false }
        return members.allSatisfy { member in
            t.contains { matchesFoundation(.string(member.key), $0.key) && matchesFoundation(member.value, $0.value) }
        }
    }
}

private func foundationParse(_ bytes: [UInt8]) -> Any? {
    try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
}

private func hasDuplicateKeys(_ value: JSONValue) -> Bool {
    switch value {
    case .array(let elements): return elements.contains(where: hasDuplicateKeys)
    case .object(let members):
        return Set(members.map(\.key)).count != members.count || members.contains { hasDuplicateKeys($0.value) }
    default: return false
    }
}

private func hasNonFiniteNumber(_ value: JSONValue) -> Bool {
    switch value {
    case .number(let n): return !n.double.isFinite
    case .array(let elements): return elements.contains(where: hasNonFiniteNumber)
    case .object(let members): return members.contains { hasNonFiniteNumber($0.value) }
    default: return false
    }
}

// MARK: - Parser: accepted documents

@Suite("JSONParser accepts valid documents")
struct JSONParserAcceptTests {
    static let cases: [(String, JSONValue)] = [
        ("null", .null),
        ("true", true),
        ("false", false),
        ("0", 0),
        ("-0", .number(JSONNumber(text: "-0")!)),
        ("1.5", 1.5),
        ("-1.25e-3", .number(JSONNumber(text: "-1.25e-3")!)),
        ("1E+2", .number(JSONNumber(text: "1E+2")!)),
        ("123456789012345678901234567890", .number(JSONNumber(text: "123456789012345678901234567890")!)),
        ("\"\"", ""),
        ("\"hello\"", "hello"),
        ("\"é😀\u{2028}\u{7F}\"", "é😀\u{2028}\u{7F}"),
        ("[]", []),
        ("{}", [:]),
        (" \t\r\n[ 1 , \"a\" ,null ]\n\t ", [1, "a", .null]),
        ("\u{FEFF}{\"a\":1}", ["a": 1]),
        ("{\"b\":1,\"a\":2,\"b\":3}", ["b": 1, "a": 2, "b": 3]),
        ("[[[]],{\"x\":[{}]}]", [[[]], ["x": [[:]]]]),
        ("{\"\":\"\"}", ["": ""]),
        ("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\u{8}\u{C}\n\r\t"),
        ("\"\\u0000\"", "\u{0}"),
    ]

    @Test(arguments: cases)
    func accepts(_ text: String, _ expected: JSONValue) throws {
        let value = try jsonParse(text)
        #expect(value == expected)
        #expect(jsonRendered(value) == jsonRendered(expected))  // byte-exact, not canonical-equivalent
    }

    @Test func numbersKeepTheirText() throws {
        let value = try jsonParse("[1.0, 1e0, 1, -0.0, 0.10]")
        #expect(value.arrayValue?.compactMap(\.numberValue?.text) == ["1.0", "1e0", "1", "-0.0", "0.10"])
    }
}

// MARK: - Parser: refused documents

struct JSONRejectCase: Sendable, CustomTestStringConvertible {
    let bytes: [UInt8]
    let message: String
    let line: Int?
    let column: Int?
    var testDescription: String { String(decoding: bytes, as: UTF8.self).debugDescription }

    init(_ text: String, _ message: String, line: Int? = nil, column: Int? = nil) {
        self.init(Array(text.utf8), message, line: line, column: column)
    }
    init(_ bytes: [UInt8], _ message: String, line: Int? = nil, column: Int? = nil) {
        (self.bytes, self.message, self.line, self.column) = (bytes, message, line, column)
    }
}

@Suite("JSONParser refuses invalid documents")
struct JSONParserRejectTests {
    static let cases: [JSONRejectCase] = [
        // Not JSON at all / structure
        .init("", "unexpected end of input, expected a JSON value", line: 1, column: 1),
        .init(" \n ", "unexpected end of input", line: 2, column: 2),
        .init("[1,]", "trailing comma before ']'", line: 1, column: 4),
        .init("{\"a\":1,}", "trailing comma before '}'", line: 1, column: 8),
        .init("[\r\n1,\r\n]", "trailing comma", line: 3, column: 1),
        .init("[,1]", "expected a JSON value, found ','", column: 2),
        .init("{,}", "expected a string key", column: 2),
        .init("[1 2]", "expected ',' or ']' after array element", column: 4),
        .init("{\"a\" 1}", "expected ':' after object key", column: 6),
        .init("{\"a\":1 \"b\":2}", "expected ',' or '}' after object member", column: 8),
        .init("{1:2}", "expected a string key, found '1'", column: 2),
        .init("[", "unexpected end of input", column: 2),
        .init("{\"a\"", "expected ':' after object key"),
        .init("{\"a\":", "expected a JSON value"),
        .init("[1", "expected ',' or ']'"),
        .init("\"abc", "unterminated string", column: 5),
        .init("1 2", "unexpected '2' after the JSON value", column: 3),
        .init("{} x", "unexpected 'x' after the JSON value"),
        .init("[1]]", "after the JSON value", column: 4),
        .init("[\u{FEFF}1]", "found byte 0xEF", column: 2),
        .init("\u{FEFF}\u{FEFF}1", "found byte 0xEF", column: 4),
        .init("\u{A0}1", "found byte 0xC2"),
        .init([0x00, 0x31], "found byte 0x00"),
        // Non-JSON habits
        .init("'a'", "strings must use double quotes", column: 1),
        .init("{'a':1}", "strings must use double quotes", column: 2),
        .init("[1] // c", "unexpected '/' after the JSON value", column: 5),
        .init("/* c */ 1", "comments are not allowed"),
        .init("NaN", "NaN and Infinity are not allowed"),
        .init("Infinity", "NaN and Infinity are not allowed"),
        .init("-Infinity", "expected a digit after '-'", column: 2),
        .init("tru", "invalid literal, expected 'true'"),
        .init("nul", "expected 'null'"),
        .init("True", "found 'T'"),
        .init("nulll", "unexpected 'l' after the JSON value"),
        // Numbers
        .init("01", "leading zeros are not allowed", column: 1),
        .init("-01", "leading zeros are not allowed", column: 2),
        .init("[00]", "leading zeros are not allowed", column: 2),
        .init("+1", "numbers must not start with '+'", column: 1),
        .init(".5", "numbers must start with a digit", column: 1),
        .init("1.", "expected a digit after the decimal point", column: 3),
        .init("1.e5", "expected a digit after the decimal point", column: 3),
        .init("1e", "expected a digit in the exponent", column: 3),
        .init("1e+", "expected a digit in the exponent", column: 4),
        .init("-", "expected a digit after '-'", column: 2),
        .init("- 1", "expected a digit after '-'", column: 2),
        .init("0x10", "unexpected 'x' after the JSON value", column: 2),
        // Strings
        .init("\"a\tb\"", "unescaped control character U+0009 in string", column: 3),
        .init("[\"a\nb\"]", "unescaped control character U+000A", line: 1, column: 4),
        .init("\"\\x\"", "invalid escape sequence '\\x'", column: 2),
        .init("\"\\U0041\"", "invalid escape sequence '\\U'"),
        .init("\"\\'\"", "invalid escape sequence"),
        .init("\"\\u12\"", "expected 4 hex digits after '\\u', found '\"'", column: 6),
        .init("\"\\u12G4\"", "expected 4 hex digits", column: 6),
        .init("\"\\u12", "unexpected end of input"),
        .init("\"\\", "unterminated string"),
        .init("\"\\ud800\"", "high surrogate '\\uD800' not followed by a low surrogate", column: 2),
        .init("\"\\uDBFFx\"", "not followed by a low surrogate"),
        .init("\"\\ud800\\u0041\"", "not followed by a low surrogate"),
        .init("\"\\ud800\\ud800\"", "not followed by a low surrogate"),
        .init("\"\\ud800\\n\"", "not followed by a low surrogate"),
        .init("\"\\udc00\"", "unpaired low surrogate '\\uDC00'", column: 2),
        .init("\"\\udc00\\ud800\"", "unpaired low surrogate", column: 2),
        .init("\"a\\ude00\"", "unpaired low surrogate", column: 3),
        // Invalid UTF-8 inside strings
        .init([0x22, 0xFF, 0x22], "invalid UTF-8 in string (byte 0xFF)", column: 2),
        .init([0x22, 0x61, 0x80, 0x22], "invalid UTF-8 in string (byte 0x80)", column: 3),
        .init([0x22, 0xC0, 0x80, 0x22], "invalid UTF-8", column: 2),          // overlong NUL
        .init([0x22, 0xE0, 0x80, 0x80, 0x22], "invalid UTF-8"),               // overlong 3-byte
        .init([0x22, 0xED, 0xA0, 0x80, 0x22], "invalid UTF-8"),               // encoded surrogate
        .init([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], "invalid UTF-8"),         // > U+10FFFF
        .init([0x22, 0xF5, 0x80, 0x80, 0x80, 0x22], "invalid UTF-8"),
        .init([0x22, 0xE2, 0x82, 0x22], "invalid UTF-8 in string (byte 0xE2)"), // truncated
        .init([0x22, 0xE2, 0x82], "invalid UTF-8"),                            // truncated at end
        .init([0x22, 0x5C, 0x6E, 0xC3, 0x28, 0x22], "invalid UTF-8", column: 4), // after an escape
    ]

    @Test(arguments: cases)
    func rejects(_ reject: JSONRejectCase) throws {
        let error = try #require(jsonParseError(reject.bytes))
        #expect(error.message.contains(reject.message), "\(error)")
        if let line = reject.line { #expect(error.line == line, "\(error)") }
        if let column = reject.column { #expect(error.column == column, "\(error)") }
        #expect(error.offset >= 0 && error.offset <= reject.bytes.count)
        #expect(!error.message.contains("\n"))
    }

    @Test func errorDescriptionNamesLineAndColumn() throws {
        let text = "{\n  \"a\": 1,\n  \"b\": 2 \"c\": 3\n}"
        let error = try #require(jsonParseError(Array(text.utf8)))
        #expect(error.description == "line 3, column 10: expected ',' or '}' after object member")
        #expect(error.offset == 21)
        #expect(error == JSONError(offset: 21, line: 3, column: 10, message: "expected ',' or '}' after object member"))
    }

    @Test func errorOffsetCountsTheByteOrderMark() throws {
        let error = try #require(jsonParseError([0xEF, 0xBB, 0xBF] + Array("[1,]".utf8)))
        #expect(error.offset == 6 && error.line == 1 && error.column == 7)
    }
}

// MARK: - Escapes and surrogate pairs

@Suite("String escapes")
struct JSONEscapeTests {
    static let cases: [(String, String)] = [
        ("\\u0041", "A"),
        ("\\u00e9", "é"),
        ("\\u00E9", "é"),
        ("\\u20AC", "€"),
        ("\\u007f", "\u{7F}"),
        ("\\u0080\\u07FF\\u0800\\uFFFF", "\u{80}\u{7FF}\u{800}\u{FFFF}"),
        ("\\ud83d\\ude00", "😀"),
        ("\\uD834\\uDD1E", "𝄞"),
        ("\\uD800\\uDC00", "\u{10000}"),
        ("\\uDBFF\\uDFFF", "\u{10FFFF}"),
        ("\\ud83d\\ude00\\ud83d\\ude00", "😀😀"),
        ("a\\nb😀\\u00e9c\\\"", "a\nb😀éc\""),
        ("e\\u0301", "e\u{301}"),  // not normalised to "é"
        ("\\u0000\\u001f", "\u{0}\u{1F}"),
        ("😀\\t", "😀\t"),
    ]

    @Test(arguments: cases)
    func decodes(_ body: String, _ expected: String) throws {
        let value = try jsonParse("\"" + body + "\"")
        let string = try #require(value.stringValue)
        #expect(jsonSameScalars(string, expected), "\(Array(string.unicodeScalars)) vs \(Array(expected.unicodeScalars))")
    }

    @Test func escapesInKeys() throws {
        let value = try jsonParse("{\"k\\u00e9y\\n\": 1, \"\\ud83d\\ude00\": 2}")
        #expect(value.objectValue?.map(\.key) == ["kéy\n", "😀"])
        #expect(value["😀"]?.int64Value == 2)
    }
}

// MARK: - Nesting depth

@Suite("Nesting depth")
struct JSONDepthTests {
    @Test(arguments: [1, 100, JSONParser.maximumDepth])
    func acceptsUpToTheLimit(_ depth: Int) throws {
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        var value = try jsonParse(text)
        for _ in 1..<depth { value = try #require(value[0]) }
        #expect(value == [])
    }

    @Test(arguments: [JSONParser.maximumDepth + 1, 100_000])
    func refusesDeeperArrays(_ depth: Int) throws {
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let error = try #require(jsonParseError(Array(text.utf8)))
        #expect(error.message == "nesting depth exceeds the maximum of 512")
        #expect(error.offset == JSONParser.maximumDepth)
    }

    @Test func refusesDeepObjects() throws {
        let text = String(repeating: "{\"a\":", count: 600) + "1" + String(repeating: "}", count: 600)
        let error = try #require(jsonParseError(Array(text.utf8)))
        #expect(error.message.contains("nesting depth"))
        #expect(error.offset == 5 * JSONParser.maximumDepth)
    }

    @Test func depthIsNotCumulativeAcrossSiblings() throws {
        let sibling = String(repeating: "[", count: 400) + String(repeating: "]", count: 400)
        let value = try jsonParse("[" + Array(repeating: sibling, count: 3).joined(separator: ",") + "]")
        #expect(value.arrayValue?.count == 3)
    }
}

// MARK: - Numbers, accessors, literals

@Suite("JSONNumber and JSONValue accessors")
struct JSONValueTests {
    static let int64Cases: [(String, Int64?)] = [
        ("0", 0), ("-0", 0), ("42", 42), ("-42", -42),
        ("9223372036854775807", .max), ("-9223372036854775808", .min),
        ("9223372036854775808", nil), ("-9223372036854775809", nil),
        ("1.0", nil), ("1.5", nil), ("1e3", nil), ("100000000000000000000", nil),
    ]

    @Test(arguments: int64Cases)
    func int64(_ text: String, _ expected: Int64?) throws {
        #expect(try jsonParse(text).int64Value == expected)
    }

    static let doubleCases: [(String, Double)] = [
        ("0", 0), ("-0", -0.0), ("1.5", 1.5), ("-2.5E-3", -0.0025), ("1e3", 1000),
        ("0.1", 0.1), ("1e400", .infinity), ("-1e400", -.infinity), ("1e-400", 0),
        ("9007199254740993", 9007199254740992), ("4.9406564584124654e-324", .leastNonzeroMagnitude),
    ]

    @Test(arguments: doubleCases)
    func double(_ text: String, _ expected: Double) throws {
        let value = try #require(try jsonParse(text).doubleValue)
        #expect(value == expected && value.sign == expected.sign)
    }

    static let numberTexts: [(String, Bool)] = [
        ("0", true), ("-0", true), ("1.5e+10", true), ("12E-01", true),
        ("", false), ("01", false), ("+1", false), ("1.", false), (".5", false), (" 1", false),
        ("1 ", false), ("\"1\"", false), ("NaN", false), ("1e", false), ("0x1", false), ("[1]", false),
    ]

    @Test(arguments: numberTexts)
    func numberTextValidation(_ text: String, _ valid: Bool) {
        #expect((JSONNumber(text: text) != nil) == valid)
        #expect(JSONNumber(text: text)?.text == (valid ? text : nil))
    }

    @Test func accessors() throws {
        let value = try jsonParse(#"{"s":"x","n":7,"d":2.5,"b":false,"z":null,"a":[1,2],"o":{"k":1},"s":"second"}"#)
        #expect(value["s"]?.stringValue == "x")  // first of duplicates
        #expect(value["n"]?.int64Value == 7)
        #expect(value["d"]?.doubleValue == 2.5 && value["d"]?.int64Value == nil)
        #expect(value["b"]?.boolValue == false)
        #expect(value["z"]?.isNull == true && value["s"]?.isNull == false)
        #expect(value["a"]?[1] == 2 && value["a"]?[2] == nil && value["a"]?[-1] == nil)
        #expect(value["o"]?["k"]?.numberValue?.text == "1")
        #expect(value["missing"] == nil && value[0] == nil)
        #expect(value["a"]?["k"] == nil && value["s"]?.arrayValue == nil && value["s"]?.objectValue == nil)
        #expect(value.objectValue?.count == 8 && value["a"]?.arrayValue?.count == 2)
        #expect(value["n"]?.stringValue == nil && value["s"]?.int64Value == nil && value["s"]?.boolValue == nil)
    }

    @Test func literalsAndFactories() {
        let value: JSONValue = ["z": 1, "a": [true, "s", 2.5, .null], "m": ["k": -3]]
        #expect(value.objectValue?.map(\.key) == ["z", "a", "m"])  // literal order, not sorted
        #expect(value == .object([
            JSONMember(key: "z", value: .number(JSONNumber(text: "1")!)),
            JSONMember(key: "a", value: .array([.bool(true), .string("s"), .number(JSONNumber(text: "2.5")!), .null])),
            JSONMember(key: "m", value: .object([JSONMember(key: "k", value: .int(-3))])),
        ]))
        #expect(JSONValue.int(UInt64.max).numberValue?.text == "18446744073709551615")
        #expect(JSONValue.int(Int8.min).numberValue?.text == "-128")
        #expect(JSONValue.double(0.1).numberValue?.text == "0.1")
        #expect(JSONValue.double(3).numberValue?.text == "3.0")
        #expect(JSONValue.double(1e16).numberValue?.text == "1e+16")
        #expect(JSONValue.double(-0.0).numberValue?.text == "-0.0")
        #expect(JSONValue.double(.nan) == .null)
        #expect(JSONValue.double(.infinity) == .null)
        #expect(JSONValue.double(-.infinity) == .null)
        #expect(JSONNumber(Double.nan) == nil && JSONNumber(1.0)?.text == "1.0")
        #expect(JSONValue.number(JSONNumber(text: "1")!) != .number(JSONNumber(text: "1.0")!))
        let reordered: JSONValue = ["m": ["k": -3], "z": 1]
        #expect(reordered != ["z": 1, "m": ["k": -3]])  // equality is order-sensitive
    }

    @Test func doubleFactoryAlwaysProducesValidRoundTrippingJSON() throws {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<2_000 {
            let d = Double(bitPattern: rng.next())
            guard d.isFinite else { continue }
            let value = JSONValue.double(d)
            let text = try #require(value.numberValue?.text)
            #expect(JSONNumber(text: text) != nil, "\(text)")
            #expect(try jsonParse(text).doubleValue == d, "\(text)")
        }
    }
}

// MARK: - Writer

@Suite("JSONWriter")
struct JSONWriterTests {
    static let goldens: [(JSONValue, Bool, String)] = [
        (.null, true, "null\n"),
        (.null, false, "null"),
        (true, false, "true"),
        (false, true, "false\n"),
        (.int(-12), false, "-12"),
        (.number(JSONNumber(text: "1.50E+3")!), false, "1.50E+3"),
        ("plain", false, #""plain""#),
        ("a\"b\\c/d", false, #""a\"b\\c/d""#),
        ("\u{0}\u{1}\u{8}\u{9}\u{A}\u{B}\u{C}\u{D}\u{1A}\u{1F}", false, #""\u0000\u0001\b\t\n\u000b\f\r\u001a\u001f""#),
        (" \u{7F}é€😀\u{2028}\u{FEFF}", false, "\" \u{7F}é€😀\u{2028}\u{FEFF}\""),
        ([], true, "[]\n"),
        ([:], true, "{}\n"),
        ([1, "x", .null], false, #"[1,"x",null]"#),
        (["b": 1, "a": [true, [:]], "b": "dup"], false, #"{"b":1,"a":[true,{}],"b":"dup"}"#),
        ([1, [2, []], ["k": "v"]], true, "[\n  1,\n  [\n    2,\n    []\n  ],\n  {\n    \"k\": \"v\"\n  }\n]\n"),
        (
            ["name": "a", "ports": [443, 80], "tags": [:], "nested": ["x": ["y": .null]]], true,
            """
            {
              "name": "a",
              "ports": [
                443,
                80
              ],
              "tags": {},
              "nested": {
                "x": {
                  "y": null
                }
              }
            }

            """
        ),
        (["k\n\"": "v"], true, "{\n  \"k\\n\\\"\": \"v\"\n}\n"),
    ]

    @Test(arguments: goldens)
    func golden(_ value: JSONValue, _ pretty: Bool, _ expected: String) throws {
        let bytes = JSONWriter.render(value, pretty: pretty)
        #expect(bytes == Array(expected.utf8), "\(String(decoding: bytes, as: UTF8.self).debugDescription)")
        #expect(try JSONParser.parse(bytes) == value)
    }

    @Test func everyControlCharacterIsEscaped() throws {
        for byte in UInt8(0)..<0x20 {
            let out = jsonRendered(.string(String(UnicodeScalar(byte))), pretty: false)
            #expect(out.utf8.allSatisfy { $0 >= 0x20 }, "\(byte)")
            #expect(try jsonParse(out) == .string(String(UnicodeScalar(byte))))
        }
    }

    @Test func renderingIsDeterministic() {
        var generator = JSONDocumentGenerator(rng: SplitMix64(seed: 99))
        let value = generator.value()
        #expect(JSONWriter.render(value) == JSONWriter.render(value))
        #expect(JSONWriter.render(value, pretty: false) == JSONWriter.render(value, pretty: false))
    }
}

// MARK: - Randomised round trips and Foundation comparison

@Suite("Randomised documents")
struct JSONRandomisedTests {
    @Test(arguments: [(UInt64(1), true), (2, false)])
    func roundTrip(_ seed: UInt64, _ pretty: Bool) throws {
        var generator = JSONDocumentGenerator(rng: SplitMix64(seed: seed))
        for i in 0..<400 {
            let value = generator.value()
            let bytes = JSONWriter.render(value, pretty: pretty)
            let parsed: JSONValue
            do { parsed = try JSONParser.parse(bytes) } catch {
                Issue.record("document \(i): \(error)\n\(String(decoding: bytes, as: UTF8.self))")
                continue
            }
            #expect(parsed == value, "document \(i)")
            #expect(JSONWriter.render(parsed, pretty: pretty) == bytes, "document \(i)")  // byte-exact
        }
    }

    @Test func noisyTextParsesToTheGeneratedValue() throws {
        var generator = JSONDocumentGenerator(rng: SplitMix64(seed: 3))
        for i in 0..<400 {
            let value = generator.value()
            let text = generator.noisyText(value)
            let parsed = try jsonParse(text)
            #expect(JSONWriter.render(parsed) == JSONWriter.render(value), "document \(i): \(text.debugDescription)")
        }
    }

    /// Foundation's `JSONSerialization` as an independent reference: on valid
    /// documents both accept with the same data, on single-byte mutations
    /// both agree on accept/refuse. Known, deliberate differences: Foundation
    /// accepts trailing commas (we refuse), and refuses numbers beyond
    /// `Double`'s range (we keep their text).
    @Test func agreesWithFoundation() throws {
        var generator = JSONDocumentGenerator(rng: SplitMix64(seed: 4))
        let alphabet = Array("{}[]:,\"\\ -+.0123456789eEtrufalsn/u'x\t\n".utf8) + [0x00, 0x80, 0xC3, 0xFF]
        var compared = 0, mutationsAccepted = 0, mutationsRefused = 0, knownDifferences = 0
        for i in 0..<300 {
            let value = generator.value()
            let bytes = Array(generator.noisyText(value).utf8)
            let ours = try JSONParser.parse(bytes)
            let theirs = try #require(foundationParse(bytes), "Foundation refused document \(i)")
            #expect(matchesFoundation(ours, theirs), "document \(i): \(String(decoding: bytes, as: UTF8.self).debugDescription)")
            compared += 1

            for _ in 0..<3 {
                var mutated = bytes
                let at = generator.int(0...mutated.count)
                switch generator.int(0...2) {
                case 0 where at < mutated.count: mutated.remove(at: at)
                case 1 where at < mutated.count: mutated[at] = alphabet.randomElement(using: &generator.rng)!
                default: mutated.insert(alphabet.randomElement(using: &generator.rng)!, at: at)
                }
                let oursMutated = try? JSONParser.parse(mutated)
                let error = jsonParseError(mutated)
                let theirsMutated = foundationParse(mutated)
                let description = String(decoding: mutated, as: UTF8.self).debugDescription
                switch (oursMutated, theirsMutated) {
                case let (ours?, theirs?):
                    mutationsAccepted += 1
                    if !hasDuplicateKeys(ours) {
                        #expect(matchesFoundation(ours, theirs), "mutation of \(i): \(description)")
                    }
                case (nil, nil):
                    mutationsRefused += 1
                case (nil, _?) where error?.message.contains("trailing comma") == true:
                    knownDifferences += 1
                case let (ours?, nil) where hasNonFiniteNumber(ours):
                    knownDifferences += 1
                default:
                    Issue.record("disagreement on mutation of \(i): ours \(error.map { "\($0)" } ?? "accepted"), Foundation \(theirsMutated == nil ? "refused" : "accepted"): \(description)")
                }
            }
        }
        #expect(compared == 300)
        #expect(mutationsAccepted > 50 && mutationsRefused > 300)
        print("Foundation comparison: \(compared) documents, \(mutationsAccepted) mutations accepted by both, \(mutationsRefused) refused by both, \(knownDifferences) known differences")
    }
}

// MARK: - The real AWS snapshot

/// Finds `shared/datasets/ip-ranges.json` next to the package root:
/// `$VPCFLOW_SHARED/datasets/ip-ranges.json` if that variable is set, else
/// `<package root>/../shared/datasets/ip-ranges.json`, where the package root
/// is two directories above this file (tried both as `#filePath` says and
/// with symlinks resolved, for scratch packages that link this file in).
private func locateJSONSnapshot(filePath: String = #filePath) -> String? {
    var candidates: [String] = []
    if let shared = ProcessInfo.processInfo.environment["VPCFLOW_SHARED"], !shared.isEmpty {
        candidates.append(URL(fileURLWithPath: shared).appendingPathComponent("datasets/ip-ranges.json").path)
    }
    for file in [URL(fileURLWithPath: filePath), URL(fileURLWithPath: filePath).resolvingSymlinksInPath()] {
        let root = file.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(root.appendingPathComponent("../shared/datasets/ip-ranges.json").standardizedFileURL.path)
    }
    return candidates.first { FileManager.default.fileExists(atPath: $0) }
}

private let jsonSnapshotPath = locateJSONSnapshot()

@Suite("AWS ip-ranges.json snapshot")
struct JSONSnapshotTests {
    @Test(.enabled(if: jsonSnapshotPath != nil, "../shared/datasets/ip-ranges.json not found; skipping"))
    func parsesTheRealFile() throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: try #require(jsonSnapshotPath))))
        let document = try JSONParser.parse(bytes)
        #expect(document.objectValue?.map(\.key) == ["syncToken", "createDate", "prefixes", "ipv6_prefixes"])
        #expect(document["syncToken"]?.stringValue == "1787411825")
        #expect(document["createDate"]?.stringValue == "2026-08-22-15-17-05")
        let v4 = try #require(document["prefixes"]?.arrayValue)
        let v6 = try #require(document["ipv6_prefixes"]?.arrayValue)
        #expect(v4.count == 10668)
        #expect(v6.count == 6160)
        // IPv4 entries start with "ip_prefix", IPv6 entries with "ipv6_prefix".
        for (entries, first) in [(v4, "ip_prefix"), (v6, "ipv6_prefix")] {
            let expectedKeys = [first, "region", "service", "network_border_group"]
            let bad = entries.filter { entry in
                entry.objectValue?.map(\.key) != expectedKeys || entry.objectValue?.contains { $0.value.stringValue == nil } != false
            }
            #expect(bad.isEmpty, "\(bad.count) \(first) entries without exactly the keys \(expectedKeys)")
        }
        // The file is written in the same 2-space style as JSONWriter, minus the final newline.
        #expect(JSONWriter.render(document) == bytes + [UInt8(ascii: "\n")])
        // And Foundation reads the same data.
        let theirs = try #require(foundationParse(bytes))
        #expect(matchesFoundation(document, theirs))
    }
}
