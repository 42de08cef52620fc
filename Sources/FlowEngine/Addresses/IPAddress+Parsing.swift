// Strict, allocation-free parsing of address text.
//
// The parsers read bytes from a Span in one forward pass and never build a String: the
// flow-log reader hands over each address field as a slice of the line it read.

extension IPAddress {
    /// Parses one address field straight from its bytes.
    ///
    /// Accepts exactly:
    /// - IPv4: four decimal parts `0...255` separated by `.`, each 1–3 digits, with no
    ///   leading zeros (`0` itself is fine; `01.2.3.4` is refused, see below).
    /// - IPv6: every RFC 4291 §2.2 form. Eight groups of 1–4 hex digits (any case, leading
    ///   zeros within a group allowed: `0db8`); one `::` standing for one or more zero
    ///   groups anywhere (`::`, `::1`, `1::`, `1::2`, `1:2:3:4:5:6:7::`); and an IPv4
    ///   address in the last 32 bits (`::ffff:10.1.2.3`, `::10.1.2.3`,
    ///   `64:ff9b::192.0.2.33`, `1:2:3:4:5:6:1.2.3.4`), itself under the IPv4 rules.
    ///
    /// Returns `nil` for anything else, including: empty input; surrounding or inner
    /// whitespace; signs; trailing junk; IPv4 octets above 255, empty parts, or other than
    /// four parts; more than eight IPv6 groups, or fewer without `::`; a `::` standing for
    /// no group (`1:2:3:4:5:6:7::8`); two `::`; `:::`; a group of five or more hex digits;
    /// a single leading or trailing `:` (`:1::`, `1::2:`); an embedded IPv4 address that is
    /// not last or leaves no room (`1:2:3:4:5:6:7:1.2.3.4`); brackets; and zone ids.
    ///
    /// Decisions:
    /// - Leading zeros in IPv4 parts are rejected. `inet_aton` and many tools read
    ///   `010.0.0.1` as octal (8.0.0.1) while others read it as decimal (10.0.0.1); refusing
    ///   the ambiguity is what glibc's `inet_pton`, Go's `net/netip` and Python's
    ///   `ipaddress` do, and a flow log never writes addresses that way.
    /// - Zone ids (`fe80::1%eth0`) are rejected: they name an interface on one host, flow
    ///   logs do not carry them, and an address with a zone is not a plain number.
    /// - An embedded IPv4 address keeps the result IPv6 (`::ffff:1.2.3.4` is `.v6`); see
    ///   ``unmappingIPv4``.
    ///
    /// The tests hold this to glibc's `inet_pton` (`AF_INET`, then `AF_INET6`): same verdict
    /// and value on hundreds of thousands of random inputs. The one deliberate difference:
    /// `inet_pton` reads a C string and so stops at a NUL byte; this function rejects the NUL
    /// as junk.
    ///
    /// - Complexity: O(n) in the field length, one forward pass: an IPv6 field costs the
    ///   IPv4 attempt at most four bytes before it gives up, and an embedded IPv4 tail re-reads
    ///   at most three bytes. No heap allocation.
    public static func parse(_ field: Span<UInt8>) -> IPAddress? {
        let end = field.count
        if let value = parseIPv4(field, from: 0, to: end) { return .v4(value) }
        if let value = parseIPv6(field, from: 0, to: end) { return .v6(value) }
        return nil
    }

    /// Parses address text; the same rules as ``parse(_:)``.
    ///
    /// Convenience for tests, configuration and command-line input; readers of flow logs
    /// should call ``parse(_:)`` on the bytes they already have.
    /// - Complexity: O(n); no allocation beyond what `text` already holds.
    public init?(_ text: String) {
        guard let address = IPAddress.parse(text.utf8.span) else { return nil }
        self = address
    }

    // MARK: - Internals (shared with IPPrefix)

    static let dot = UInt8(ascii: ".")
    static let colon = UInt8(ascii: ":")

    /// Parses `field[start..<end]` as a whole dotted-quad IPv4 address.
    /// Requires `0 <= start <= end <= field.count`.
    ///
    /// One pass, one byte at a time, with the checks folded into a few comparisons per byte (this
    /// runs twice per flow-log record): digits accumulate into the current part; a dot closes a
    /// part, which must have 1–3 digits, no leading zero, and a value up to 255; exactly three dots.
    @inline(__always)
    static func parseIPv4(_ field: Span<UInt8>, from start: Int, to end: Int) -> UInt32? {
        // 7 ("0.0.0.0") to 15 ("255.255.255.255") bytes; anything else is not a dotted quad.
        guard end - start >= 7, end - start <= 15 else { return nil }
        var result: UInt32 = 0
        var part: UInt32 = 0
        var digits = 0
        var dots = 0
        for index in start..<end {
            let byte = field[index]
            let digit = UInt32(byte &- 0x30)  // '0'...'9' -> 0...9; anything else wraps to >= 10
            if digit < 10 {
                // A second digit after a leading 0 makes a leading zero ("01"); a fourth is too many.
                guard digits == 0 || (part != 0 && digits < 3) else { return nil }
                part = part &* 10 &+ digit
                digits += 1
            } else {
                guard byte == dot, digits > 0, part <= 255, dots < 3 else { return nil }
                result = result << 8 | part
                part = 0
                digits = 0
                dots += 1
            }
        }
        guard dots == 3, digits > 0, part <= 255 else { return nil }
        return result << 8 | part
    }

    /// Parses `field[start..<end]` as a whole IPv6 address (RFC 4291 §2.2).
    /// Requires `0 <= start <= end <= field.count`.
    static func parseIPv6(_ field: Span<UInt8>, from start: Int, to end: Int) -> UInt128? {
        var index = start
        var groups = IPv6Groups()
        switch groups.leading(field, &index, end) {
        case nil: return nil
        case .done: return groups.value
        case .group: break
        }
        // Each turn reads one group and what ends it; the loop is entered at a group's start.
        while true {
            let groupStart = index
            var group: UInt32 = 0
            var digits = 0
            while index < end {
                let digit = hexDigitValue(field[index])
                guard digit < 16 else { break }
                guard digits < 4 else { return nil }  // five or more hex digits
                group = group << 4 | digit
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }  // empty group: ":::", "1:::", "1:.", junk

            if index < end && field[index] == dot {
                // An embedded IPv4 address: the group just read was its first octet, so reread
                // it as decimal. It must run to the end and fit in the last 32 bits.
                guard groups.count <= 6, let ipv4 = parseIPv4(field, from: groupStart, to: end) else {
                    return nil
                }
                groups.append(ipv4: ipv4)
                break
            }
            guard groups.count < 8 else { return nil }  // a ninth group
            groups.append(group)
            switch groups.next(field, &index, end) {
            case nil: return nil
            case .done: return groups.value
            case .group: continue
            }
        }
        return groups.value
    }

    /// The value of an ASCII hex digit in either case, or 16 or more for any other byte.
    @inline(__always)
    static func hexDigitValue(_ byte: UInt8) -> UInt32 {
        let decimal = byte &- 0x30                // '0'...'9'
        if decimal < 10 { return UInt32(decimal) }
        let letter = (byte | 0x20) &- 0x61        // 'a'...'f', and 'A'...'F' folded to lowercase
        if letter < 6 { return UInt32(letter) + 10 }
        return 16
    }
}

/// What both IPv6 parsers (`parseIPv6` over a span, a byte at a time, and `parseIPv6` over a
/// window, by word masks) share: the groups read so far on either side of "::" and the final
/// value. The span parser also takes its rules for what may follow a group from here
/// (`leading`, `next`); the window parser applies the same rules to its colon mask.
struct IPv6Groups {
    /// Every group read so far, in order, the last in the low 16 bits (an IPv4 tail as two): one
    /// shift per group, no branch; "::" is placed once, in `value`.
    private var groups: UInt128 = 0
    /// Groups read so far, both sides; an IPv4 tail counts 2.
    private(set) var count = 0
    /// Groups before "::", or -1 when there is no "::" (yet).
    private var compressionAt = -1

    /// What comes after a group (or at the start): the end of the field, or another group.
    enum Next { case done, group }

    /// Adds a 16-bit group.
    @inline(__always)
    mutating func append(_ group: UInt32) {
        groups = groups &<< 16 | UInt128(group)
        count += 1
    }

    /// Adds an embedded IPv4 address (the last 32 bits).
    mutating func append(ipv4: UInt32) {
        groups = groups &<< 32 | UInt128(ipv4)
        count += 2
    }

    /// Marks "::" after the groups read so far; false when the address already has one.
    @inline(__always)
    mutating func compress() -> Bool {
        guard compressionAt < 0 else { return false }
        compressionAt = count
        return true
    }

    /// At the field's start: the only thing allowed to start with ':' is "::". Nil for junk.
    @inline(__always)
    mutating func leading(_ field: Span<UInt8>, _ index: inout Int, _ end: Int) -> Next? {
        guard index < end else { return nil }
        guard field[index] == IPAddress.colon else { return .group }
        guard index + 1 < end, field[index + 1] == IPAddress.colon else { return nil }
        compressionAt = 0
        index += 2
        return index == end ? .done : .group  // "::" alone
    }

    /// After a group that ends at `index`: the field's end, or ':' and another group, or "::" (once)
    /// and the end or another group. Nil for junk, a single trailing ':', or a second "::".
    @inline(__always)
    mutating func next(_ field: Span<UInt8>, _ index: inout Int, _ end: Int) -> Next? {
        if index == end { return .done }
        guard field[index] == IPAddress.colon else { return nil }  // junk after a group
        index += 1
        guard index < end else { return nil }  // a single trailing ':'
        if field[index] == IPAddress.colon {
            guard compressionAt < 0 else { return nil }  // a second "::"
            compressionAt = count
            index += 1
            if index == end { return .done }  // "1::"
        }
        return .group
    }

    /// The address, or nil when the groups do not make one: eight without "::"; with it, at most
    /// seven ("::" stands for at least one zero group).
    var value: UInt128? {
        if compressionAt < 0 { return count == 8 ? groups : nil }
        guard count <= 7 else { return nil }
        // The groups after "::" stay at the bottom; those before it move to the top.
        let after = count - compressionAt
        let tail = after == 0 ? 0 : groups & (UInt128.max >> UInt128(128 - 16 * after))
        if compressionAt == 0 { return tail }
        return (groups >> UInt128(16 * after)) << UInt128(16 * (8 - compressionAt)) | tail
    }
}
