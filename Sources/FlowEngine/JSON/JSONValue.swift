/// A parsed (or to-be-written) JSON document.
///
/// Objects keep their members in document order, and duplicate keys are kept
/// as written; `subscript(_: String)` answers with the *first* member of that
/// name. Numbers keep their exact source text (see ``JSONNumber``), so nothing
/// is lost or rounded between `JSONParser` and `JSONWriter`.
///
/// Equality is structural and order-sensitive: two objects with the same
/// members in a different order are *not* equal, and numbers compare by text
/// (`1` ≠ `1.0`). This is what round-trip tests want; it is deliberately not a
/// semantic JSON comparison.
///
/// The type is deliberately not `ExpressibleByNilLiteral`: the accessors
/// below return `JSONValue?`, and a `nil` literal that could mean either
/// "absent" or "JSON null" invites bugs. Write `.null` instead.
public enum JSONValue: Sendable, Equatable {
    /// JSON `null`.
    case null
    /// JSON `true` / `false`.
    case bool(Bool)
    /// A JSON number, kept as its source text.
    case number(JSONNumber)
    /// A JSON string (always valid Unicode).
    case string(String)
    /// A JSON array.
    case array([JSONValue])
    /// A JSON object: members in order, duplicates kept.
    case object([JSONMember])
}

/// One `"key": value` member of a JSON object.
public struct JSONMember: Sendable, Equatable {
    /// The member name, unescaped.
    public let key: String
    /// The member value.
    public let value: JSONValue

    /// Creates a member.
    public init(key: String, value: JSONValue) {
        self.key = key
        self.value = value
    }
}

/// A JSON number stored as its exact text, e.g. `-12`, `0.5`, `1E+400`.
///
/// Storing text rather than a `Double` keeps 64-bit integers, long decimals and
/// out-of-range values intact; conversion happens only when asked for.
/// Equality compares the text, so `1`, `1.0` and `1e0` are three different
/// numbers here.
public struct JSONNumber: Sendable, Equatable, CustomStringConvertible {
    /// The number exactly as it appears in JSON (always valid RFC 8259
    /// number grammar).
    public let text: String

    /// Wraps text already known to follow the number grammar (parser use).
    init(uncheckedText text: String) {
        self.text = text
    }

    /// Validates `text` against the RFC 8259 number grammar (`-?(0|[1-9][0-9]*)
    /// (\.[0-9]+)?([eE][+-]?[0-9]+)?`, no surrounding whitespace); `nil` if it
    /// does not match.
    public init?(text: String) {
        guard case .number(let number)? = try? JSONParser.parse(Array(text.utf8)),
              number.text == text else { return nil }
        self.text = text
    }

    /// The decimal text of any integer, of any width (e.g. `UInt64.max`).
    public init(_ value: some BinaryInteger) {
        self.text = String(value)
    }

    /// The shortest text that round-trips to `value` (Swift's `description`,
    /// e.g. `0.1`, `5.0`, `1e+16`); `nil` for NaN and ±infinity, which JSON
    /// cannot represent.
    public init?(_ value: Double) {
        guard value.isFinite else { return nil }
        self.text = value.description
    }

    /// The value as an `Int64`, only if the text is a plain integer literal
    /// (no fraction, no exponent) that fits: `"42"` → 42, `"-0"` → 0, but
    /// `"1.0"`, `"1e3"` and `"9223372036854775808"` → `nil`.
    public var int64: Int64? { Int64(text) }

    /// The value as the nearest `Double` (correctly rounded). Magnitudes
    /// beyond `Double`'s range become ±infinity or ±0, never an error.
    public var double: Double { Double(text) ?? .nan }

    /// The number text.
    public var description: String { text }
}

// MARK: - Accessors

extension JSONValue {
    /// The first member named `key` if this is an object; `nil` if there is
    /// no such member or this is not an object.
    /// - Complexity: O(n) in the number of members (linear scan; objects are
    ///   arrays, not hash tables).
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        for member in members where member.key == key { return member.value }
        return nil
    }

    /// The element at `index` if this is an array and the index is in range.
    public subscript(index: Int) -> JSONValue? {
        guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
        return elements[index]
    }

    /// `true` for JSON `null`.
    public var isNull: Bool { if case .null = self { true } else { false } }
    /// The payload of `.bool`, else `nil`.
    public var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }
    /// The payload of `.number`, else `nil`.
    public var numberValue: JSONNumber? { if case .number(let n) = self { n } else { nil } }
    /// ``JSONNumber/int64`` of a `.number`, else `nil`.
    public var int64Value: Int64? { numberValue?.int64 }
    /// ``JSONNumber/double`` of a `.number`, else `nil`.
    public var doubleValue: Double? { numberValue?.double }
    /// The payload of `.string`, else `nil`.
    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    /// The payload of `.array`, else `nil`.
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { a } else { nil } }
    /// The payload of `.object`, else `nil`.
    public var objectValue: [JSONMember]? { if case .object(let m) = self { m } else { nil } }
}

// MARK: - Construction

extension JSONValue {
    /// A number with the decimal text of `value` (exact for any width).
    public static func int(_ value: some BinaryInteger) -> JSONValue {
        .number(JSONNumber(value))
    }

    /// A number with the shortest round-trip text of `value` (`v.description`,
    /// e.g. `2.5`, `3.0`, `1e-05`). Non-finite values (NaN, ±infinity) have no
    /// JSON form and become `.null` — decided so report code never emits
    /// invalid JSON; check `isFinite` first if that matters.
    public static func double(_ value: Double) -> JSONValue {
        JSONNumber(value).map(JSONValue.number) ?? .null
    }
}

extension JSONValue: ExpressibleByStringLiteral {
    /// `"text"` → `.string("text")`.
    public init(stringLiteral value: String) { self = .string(value) }
}

extension JSONValue: ExpressibleByIntegerLiteral {
    /// `42` → `.number("42")`.
    public init(integerLiteral value: Int) { self = .int(value) }
}

extension JSONValue: ExpressibleByFloatLiteral {
    /// `2.5` → `.number("2.5")` (see ``double(_:)``).
    public init(floatLiteral value: Double) { self = .double(value) }
}

extension JSONValue: ExpressibleByBooleanLiteral {
    /// `true` → `.bool(true)`.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension JSONValue: ExpressibleByArrayLiteral {
    /// `[1, "a"]` → `.array([...])`.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
}

extension JSONValue: ExpressibleByDictionaryLiteral {
    /// `["b": 1, "a": 2]` → `.object` with members in the literal's order
    /// (duplicate keys kept, not merged).
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(elements.map { JSONMember(key: $0.0, value: $0.1) })
    }
}
