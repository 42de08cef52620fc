// The address value type and its canonical text form.
//
// Parsing lives in IPAddress+Parsing.swift and CIDR blocks in IPPrefix.swift.
// Standard library only, no Foundation: addresses are parsed and compared on the
// flow-log hot path, twice per record.

/// An IPv4 or IPv6 address as a number.
///
/// The payload is the address in host order: `.v4(0x0A00_0001)` is `10.0.0.1`, the first
/// octet being the most significant byte; `.v6(1)` is `::1`, the first group being the
/// most significant 16 bits.
///
/// Values hash and compare as numbers. Every IPv4 address sorts before every IPv6 address
/// (the order of the cases); within a family the order is numeric.
///
/// The two families are kept apart: the IPv4-mapped `::ffff:10.0.0.1` is a `.v6` and is not
/// equal to `.v4(0x0A00_0001)`. Call ``unmappingIPv4`` where an IPv4-mapped address should
/// count as the IPv4 address it carries (CIDR lookups do).
///
/// What this type deliberately does not do:
/// - No zone (scope) ids such as `fe80::1%eth0`: a zone names an interface of one host, flow
///   logs never carry one, and an address with a zone is no longer just a number. Such text
///   is rejected, not stripped.
/// - No legacy `inet_aton` spellings (`10.1`, `0x0a.0.0.1`, `167772161`, octal `010.0.0.1`).
/// - No trimming of whitespace, no brackets (`[::1]`), no ports.
public enum IPAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// An IPv4 address, the first octet in the most significant byte.
    case v4(UInt32)
    /// An IPv6 address, the first 16-bit group in the most significant bits.
    case v6(UInt128)

    /// The canonical text form: parsing it gives this value back.
    ///
    /// - IPv4: a dotted quad without leading zeros, `10.0.0.1`.
    /// - IPv6: RFC 5952 §4. Lowercase hex; no leading zeros within a group; the longest run
    ///   of two or more all-zero groups replaced by `::`, the first such run when two are
    ///   equally long; a lone zero group written `0`, never `::`.
    /// - IPv4-mapped IPv6 (`::ffff:0:0/96`) is written `::ffff:a.b.c.d` (RFC 5952 §5).
    ///
    /// Deliberately not done: other addresses that may embed IPv4 (the deprecated
    /// IPv4-compatible `::a.b.c.d`, NAT64 `64:ff9b::/96`) are written in hex, because the
    /// 128 bits alone do not say that they carry IPv4 (RFC 5952 §5). glibc's `inet_ntop`
    /// differs here: it writes `::102:304` as `::1.2.3.4`.
    ///
    /// - Complexity: O(1); allocates the returned string. Not meant for the hot path.
    public var description: String {
        switch self {
        case .v4(let value):
            return Self.dottedQuad(value)
        case .v6(let value):
            if value >> 32 == 0xFFFF {
                return "::ffff:" + Self.dottedQuad(UInt32(truncatingIfNeeded: value))
            }
            return Self.rfc5952Text(value)
        }
    }

    /// For an IPv4-mapped address `::ffff:a.b.c.d` returns `.v4(a.b.c.d)`; otherwise `self`.
    ///
    /// Lookups use this so that an IPv4-mapped address is classified as its IPv4 address.
    /// It deliberately leaves the other embeddings alone: IPv4-compatible `::a.b.c.d`
    /// (deprecated by RFC 4291 §2.5.5.1, and `::1` is not `0.0.0.1`) and NAT64
    /// `64:ff9b::/96` (a different address that a translator maps, not the same host).
    /// - Complexity: O(1).
    public var unmappingIPv4: IPAddress {
        if case .v6(let value) = self, value >> 32 == 0xFFFF {
            return .v4(UInt32(truncatingIfNeeded: value))
        }
        return self
    }

    /// Whether this is an IPv4 address (`.v4`). An IPv4-mapped IPv6 address is not.
    var isIPv4: Bool {
        if case .v4 = self { return true }
        return false
    }

    // MARK: - Text output

    /// `a.b.c.d`, each part in decimal without leading zeros.
    static func dottedQuad(_ value: UInt32) -> String {
        var text = ""
        text.reserveCapacity(15)
        for shift in stride(from: 24, through: 0, by: -8) {
            if shift != 24 { text.append(".") }
            text += String((value >> UInt32(shift)) & 0xFF)
        }
        return text
    }

    /// RFC 5952 §4 text of a (non-mapped) IPv6 address.
    static func rfc5952Text(_ value: UInt128) -> String {
        func group(_ index: Int) -> UInt16 {
            UInt16(truncatingIfNeeded: value >> UInt128(16 * (7 - index)))
        }
        // Longest run of zero groups; a run must be at least 2 long (RFC 5952 §4.2.2), and
        // only a strictly longer run replaces an earlier one, so the first wins ties (§4.2.3).
        var bestStart = -1
        var bestLength = 1
        var index = 0
        while index < 8 {
            guard group(index) == 0 else {
                index += 1
                continue
            }
            var runEnd = index + 1
            while runEnd < 8 && group(runEnd) == 0 { runEnd += 1 }
            if runEnd - index > bestLength {
                bestStart = index
                bestLength = runEnd - index
            }
            index = runEnd
        }

        var text = ""
        text.reserveCapacity(39)
        index = 0
        while index < 8 {
            if index == bestStart {
                text += "::"
                index += bestLength
                continue
            }
            // A group follows a ':' unless it is the first one or it follows the "::".
            if index != 0 && !(bestStart >= 0 && index == bestStart + bestLength) {
                text.append(":")
            }
            text += String(group(index), radix: 16)  // lowercase, no leading zeros
            index += 1
        }
        return text
    }
}
