// CIDR blocks and the error that explains why a CIDR string was refused.

/// A CIDR block: a network address and a prefix length, such as `10.0.0.0/8`.
///
/// Every value is valid: the length is within `0...32` (IPv4) or `0...128` (IPv6), and the
/// network address has no host bits set.
///
/// What it deliberately does not do:
/// - Host bits are rejected, never masked: `10.0.0.1/24` is an error whose message suggests
///   `10.0.0.0/24`. Silently masking would turn a typo in a rule file into a different
///   network.
/// - No netmask spellings (`10.0.0.0/255.0.0.0`), no bare addresses as `/32` or `/128`,
///   no whitespace trimming.
/// - ``contains(_:)`` does not unmap IPv4-mapped IPv6 addresses; callers that want
///   `::ffff:10.0.0.1` to be inside `10.0.0.0/8` pass ``IPAddress/unmappingIPv4``.
public struct IPPrefix: Hashable, Sendable, CustomStringConvertible {
    /// The first address of the block; its host bits are all zero.
    public let network: IPAddress
    /// The number of leading network bits: `0...32` for IPv4, `0...128` for IPv6.
    public let length: Int

    /// Makes a prefix from its parts, checking them.
    ///
    /// - Throws: ``CIDRError`` with kind ``CIDRError/Kind/lengthOutOfRange(maximum:)`` when
    ///   `length` is outside the family's range, or ``CIDRError/Kind/hostBitsSet(suggestion:)``
    ///   when `network` has bits set beyond `length`. Host bits are not masked off.
    ///   The error quotes `"\(network)/\(length)"`.
    /// - Complexity: O(1).
    public init(network: IPAddress, length: Int) throws(CIDRError) {
        if let problem = IPPrefix.problem(network: network, length: length) {
            throw CIDRError(kind: problem, text: "\(network)/\(length)")
        }
        self.init(unchecked: network, length: length)
    }

    /// Parses `address/length` from bytes.
    ///
    /// The address follows ``IPAddress/parse(_:)``. The length is decimal digits with no
    /// sign, no spaces and no leading zeros (`0` itself is fine; `/024` is refused for the
    /// same octal ambiguity as IPv4 octets), within the family's range.
    ///
    /// - Throws: ``CIDRError``, which quotes the whole input. Checks run in this order:
    ///   the address (``CIDRError/Kind/invalidAddress``), the presence of `/`
    ///   (``CIDRError/Kind/missingLength``), the length's spelling
    ///   (``CIDRError/Kind/invalidLength``), its range, then host bits.
    /// - Complexity: O(n), no allocation unless it throws.
    public static func parse(_ text: Span<UInt8>) throws(CIDRError) -> IPPrefix {
        let end = text.count
        var slash = 0
        while slash < end && text[slash] != UInt8(ascii: "/") { slash += 1 }

        let network: IPAddress
        if let value = IPAddress.parseIPv4(text, from: 0, to: slash) {
            network = .v4(value)
        } else if let value = IPAddress.parseIPv6(text, from: 0, to: slash) {
            network = .v6(value)
        } else {
            throw CIDRError(kind: .invalidAddress, text: string(text))
        }
        guard slash < end else { throw CIDRError(kind: .missingLength, text: string(text)) }

        // Decimal digits only; "0" alone may start with a zero. Values past 999 are clamped,
        // which keeps them out of range without risking overflow on absurdly long input.
        var index = slash + 1
        guard index < end, text[index] != UInt8(ascii: "0") || index + 1 == end else {
            throw CIDRError(kind: .invalidLength, text: string(text))
        }
        var length = 0
        while index < end {
            let digit = Int(text[index] &- 0x30)
            guard digit < 10 else { throw CIDRError(kind: .invalidLength, text: string(text)) }
            length = min(length * 10 + digit, 1000)
            index += 1
        }

        if let problem = problem(network: network, length: length) {
            throw CIDRError(kind: problem, text: string(text))
        }
        return IPPrefix(unchecked: network, length: length)
    }

    /// Parses `address/length`; the same rules as ``parse(_:)``.
    /// - Throws: ``CIDRError`` quoting `text`.
    /// - Complexity: O(n).
    public init(_ text: String) throws(CIDRError) {
        self = try IPPrefix.parse(text.utf8.span)
    }

    /// Whether this is an IPv4 block. An IPv6 block is never IPv4, even `::ffff:0:0/96`.
    public var isIPv4: Bool { network.isIPv4 }

    /// The first address covered: the network address.
    /// - Complexity: O(1).
    public var first: IPAddress { network }

    /// The last address covered: the network address with every host bit set.
    /// - Complexity: O(1).
    public var last: IPAddress {
        switch network {
        case .v4(let value): return .v4(value | UInt32.max >> UInt32(length))
        case .v6(let value): return .v6(value | UInt128.max >> UInt128(length))
        }
    }

    /// Whether `address` is within the block, `first...last`.
    ///
    /// Returns `false` when the families differ. It deliberately does not unmap IPv4-mapped
    /// IPv6 addresses; pass ``IPAddress/unmappingIPv4`` for that.
    /// - Complexity: O(1).
    public func contains(_ address: IPAddress) -> Bool {
        switch (network, address) {
        case (.v4(let base), .v4(let value)):
            return (value ^ base) & ~(UInt32.max >> UInt32(length)) == 0
        case (.v6(let base), .v6(let value)):
            return (value ^ base) & ~(UInt128.max >> UInt128(length)) == 0
        default:
            return false
        }
    }

    /// The canonical text: ``IPAddress/description`` of the network, `/`, the length,
    /// e.g. `3.2.34.0/26`, `2600:1f14::/35`. Parsing it gives the same prefix back.
    public var description: String { "\(network)/\(length)" }

    // MARK: - Internals

    /// Makes a prefix whose parts the caller has already checked.
    init(unchecked network: IPAddress, length: Int) {
        self.network = network
        self.length = length
    }

    /// What is wrong with these parts, or `nil` when they form a valid prefix.
    static func problem(network: IPAddress, length: Int) -> CIDRError.Kind? {
        let maximum = network.isIPv4 ? 32 : 128
        guard length >= 0 && length <= maximum else { return .lengthOutOfRange(maximum: maximum) }
        let masked: IPAddress
        switch network {
        case .v4(let value): masked = .v4(value & ~(UInt32.max >> UInt32(length)))
        case .v6(let value): masked = .v6(value & ~(UInt128.max >> UInt128(length)))
        }
        guard masked == network else {
            return .hostBitsSet(suggestion: IPPrefix(unchecked: masked, length: length))
        }
        return nil
    }

    /// The bytes as text for an error message (invalid UTF-8 is shown as U+FFFD).
    static func string(_ bytes: Span<UInt8>) -> String {
        var copy: [UInt8] = []
        copy.reserveCapacity(bytes.count)
        for index in bytes.indices { copy.append(bytes[index]) }
        return String(decoding: copy, as: UTF8.self)
    }
}

/// Why a CIDR string was refused.
///
/// ``description`` is one line a user can act on, quoting the input, e.g.
/// `"10.0.0.1/24" has host bits set (did you mean 10.0.0.0/24?)`.
public struct CIDRError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What was wrong, for code that reacts to it; the message is in ``CIDRError/description``.
    public enum Kind: Hashable, Sendable {
        /// The part before `/` (or the whole text, without `/`) is not an address.
        case invalidAddress
        /// The text is an address with no `/length`.
        case missingLength
        /// The part after `/` is empty or not plain decimal digits (sign, space, leading zero,
        /// anything else).
        case invalidLength
        /// The length is a number outside `0...maximum` (32 for IPv4, 128 for IPv6).
        case lengthOutOfRange(maximum: Int)
        /// The address has bits set beyond the prefix length; `suggestion` is the same
        /// prefix with them cleared. Host bits are never cleared silently.
        case hostBitsSet(suggestion: IPPrefix)
    }

    /// What was wrong.
    public let kind: Kind
    /// The refused input as given (for ``IPPrefix/init(network:length:)``,
    /// `"\(network)/\(length)"`).
    public let text: String

    init(kind: Kind, text: String) {
        self.kind = kind
        self.text = text
    }

    /// One line quoting the input and saying what to change, e.g.
    /// `"1.2.3.4/33": prefix length 33 is out of range 0...32 for IPv4`.
    public var description: String {
        let quoted = text.debugDescription  // quotes, and escapes control characters
        let slash = text.firstIndex(of: "/")
        let addressPart = slash.map { String(text[..<$0]) } ?? text
        let lengthPart = slash.map { String(text[text.index(after: $0)...]) } ?? ""
        switch kind {
        case .invalidAddress:
            var message: String
            if slash == nil {
                message = "\(quoted): not an IPv4 or IPv6 address"
            } else if addressPart.isEmpty {
                message = "\(quoted): missing the address before \"/\""
            } else {
                message = "\(quoted): \(addressPart.debugDescription) is not an IPv4 or IPv6 address"
            }
            if addressPart.contains("%") {
                message += " (zone ids such as %eth0 are not supported)"
            }
            return message
        case .missingLength:
            return "\(quoted): missing \"/length\""
        case .invalidLength:
            if lengthPart.isEmpty {
                return "\(quoted): missing the prefix length after \"/\""
            }
            return "\(quoted): prefix length \(lengthPart.debugDescription) is not a decimal number"
                + " (digits only, no sign or leading zeros)"
        case .lengthOutOfRange(let maximum):
            let family = maximum == 32 ? "IPv4" : "IPv6"
            return "\(quoted): prefix length \(lengthPart) is out of range 0...\(maximum) for \(family)"
        case .hostBitsSet(let suggestion):
            return "\(quoted) has host bits set (did you mean \(suggestion)?)"
        }
    }
}
