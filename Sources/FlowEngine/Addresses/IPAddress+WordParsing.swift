import FlowIO

// Addresses read a word at a time, for the flow-log hot path: dotted quads sixteen bytes at once,
// IPv6 classified five words at a time, then a group per word.
//
// `parseIPv4(_:from:to:)` reads a byte at a time and branches on each: where octets have one, two or
// three digits at random, those branches are mispredicted a few times per address. This version
// finds the dots and checks every byte of two 8-byte words with SWAR masks, then reads the four
// octets at the dots' positions; the only branch that depends on the text is the final verdict.
// Measured: about 5-10% less CPU for `summarize` on the benchmark file (BENCHMARKS.md).

extension IPAddress {
    /// Parses a dotted quad from the first `length` bytes of `text` at `p`, held by `low` and `high`
    /// (little-endian words: the field's first byte is `low`'s lowest); the bytes after `length` are
    /// ignored.
    ///
    /// Same rules and same verdict as ``parseIPv4(_:from:to:)``: four parts `0...255` of one to
    /// three digits, no leading zeros, nothing else. Nil for anything else (the caller then tries
    /// the exact parsers, which also read IPv6). `SWARTests` holds the two to the same answers.
    /// - Precondition: `p + 24 <= ByteWindow.size`; `low` and `high` are the words at `p` and `p + 8`.
    /// - Complexity: O(1); a fixed sequence of word operations.
    @inline(__always)
    static func parseIPv4(_ text: ByteWindow, at p: Int, low: UInt64, high: UInt64, length: Int) -> UInt32? {
        guard length >= 7, length <= 15 else { return nil }
        let lowField = length >= 8 ? UInt64.max : UInt64.max &>> UInt64(truncatingIfNeeded: 64 &- 8 &* length)
        let highField = length <= 8 ? 0 : UInt64.max &>> UInt64(truncatingIfNeeded: 128 &- 8 &* length)
        let dotPattern: UInt64 = 0x2E2E_2E2E_2E2E_2E2E
        let lowDots = SWAR.zeroBytes(low ^ dotPattern) & lowField
        let highDots = SWAR.zeroBytes(high ^ dotPattern) & highField
        let lowDigits = low ^ SWAR.zeroDigits
        let highDigits = high ^ SWAR.zeroDigits
        let junk = (SWAR.nonDigits(lowDigits) & lowField & ~lowDots) | (SWAR.nonDigits(highDigits) & highField & ~highDots)
        let dots = SWAR.bitPerByte(lowDots) | SWAR.bitPerByte(highDots) << 8
        let first = dots.trailingZeroBitCount
        let rest = dots & (dots &- 1)
        let second = rest.trailingZeroBitCount
        let fromThird = rest & (rest &- 1)
        let third = fromThird.trailingZeroBitCount
        // Each part's digits, read again from the text at the part's start: a load costs less than
        // shifting them out of the two words (`& 15` keeps a missing dot's position in the field).
        func digits(at start: Int) -> UInt64 { text.word(at: p &+ (start & 15)) ^ SWAR.zeroDigits }
        let a = octet(lowDigits, count: first)
        let b = octet(digits(at: first &+ 1), count: second &- first &- 1)
        let c = octet(digits(at: second &+ 1), count: third &- second &- 1)
        let d = octet(digits(at: third &+ 1), count: length &- third &- 1)
        // Every rule as a flag, or-ed: one branch for the verdict, not one per rule. Exactly three
        // dots: a third one and none after it (not `nonzeroBitCount == 3`: the baseline x86-64
        // target has no POPCNT, and its replacement is a dozen instructions).
        let noThirdDot: UInt64 = fromThird == 0 ? 1 : 0
        let bad = junk | noThirdDot | fromThird & (fromThird &- 1) | a.bad | b.bad | c.bad | d.bad
            | UInt64(a.value | b.value | c.value | d.value) >> 8
        guard bad == 0 else { return nil }
        return a.value << 24 | b.value << 16 | c.value << 8 | d.value
    }

    /// The part of `count` digits at the start of `digits` (digit values, the first in the lowest
    /// byte), and `bad` not 0 unless it has one to three digits and no leading zero (the caller
    /// checks that it is at most 255). Any `count` is safe to pass: shifts are masked, and a count
    /// that is not 1...3 only makes `bad` not 0.
    @inline(__always)
    private static func octet(_ digits: UInt64, count: Int) -> (value: UInt32, bad: UInt64) {
        // The values of one, two and three digits, and the one of `count` chosen (selects, not
        // branches).
        let d0 = UInt32(truncatingIfNeeded: digits) & 0xFF
        let two = d0 &* 10 &+ UInt32(truncatingIfNeeded: digits >> 8) & 0xFF
        let three = two &* 10 &+ UInt32(truncatingIfNeeded: digits >> 16) & 0xFF
        let value = count == 1 ? d0 : count == 2 ? two : three
        // Width 1...3: (count - 1) below 3. A leading zero: a first digit 0 in a wider part.
        let badWidth: UInt64 = UInt(bitPattern: count &- 1) > 2 ? 1 : 0
        let zeroFirst = ((digits & 0xFF) &- 1) >> 63  // 1 when the first digit is 0
        let wide = UInt64(truncatingIfNeeded: 1 &- count) >> 63  // 1 when count > 1
        return (value, badWidth | zeroFirst & wide)
    }
}

extension IPAddress {
    /// Parses the `length` bytes at `p` of `text` as an IPv6 address: every byte of the field is
    /// classified with word masks first (colons, hex digits, anything else), then the groups are
    /// read between the colons, each from one word.
    ///
    /// Same verdict and value as ``parseIPv6(_:from:to:)`` for every field without a `.`; for one
    /// with it (an embedded IPv4 part), or longer than 39 bytes, it returns nil and the caller uses
    /// the exact parser, as for anything else it does not take. `SWARTests` holds the two to the
    /// same answers. Measured: about 140 fewer instructions per address than the group-per-word
    /// parser over a checked span that it replaced (all-IPv6 file, BENCHMARKS.md).
    /// - Precondition: the field lies in the window (`p + length < ByteWindow.size`, as `fieldEnd`
    ///   finds it); the words read past its end may wrap around the window, and are masked out.
    /// - Complexity: O(1); at most eight groups.
    @inline(__always)
    static func parseIPv6(_ text: ByteWindow, at p: Int, length: Int) -> UInt128? {
        guard length >= 2, length <= 39 else { return nil }
        // One bit per byte of the field: colons, and bytes that are neither a colon nor a hex digit.
        var colons: UInt64 = 0
        var other: UInt64 = 0
        for k in 0..<5 {
            let word = text.word(at: p &+ 8 &* k)
            let colon = SWAR.zeroBytes(word ^ 0x3A3A_3A3A_3A3A_3A3A)
            colons |= SWAR.bitPerByte(colon) &<< UInt64(8 &* k)
            other |= SWAR.bitPerByte(~(colon | hexDigits(word)) & SWAR.highBits) &<< UInt64(8 &* k)
        }
        let field = UInt64.max &>> UInt64(64 &- length)
        colons &= field
        guard other & field == 0 else { return nil }

        var groups = IPv6Groups()
        var start = 0  // the current group's first byte
        var rest = colons  // colons not yet passed
        if colons & 1 != 0 {
            // Only "::" may start with a colon.
            guard colons & 2 != 0 else { return nil }
            _ = groups.compress()
            start = 2
            rest &= ~3
            if length == 2 { return groups.value }  // "::" alone
        }
        while true {
            let end = rest == 0 ? length : rest.trailingZeroBitCount
            let digits = end &- start
            // One to four digits (an empty group is ":::" or a stray colon), at most eight groups.
            guard digits >= 1, digits <= 4, groups.count < 8 else { return nil }
            groups.append(groupValue(text.word(at: p &+ start), digits: digits))
            if end == length { return groups.value }
            rest &= rest &- 1
            // A single trailing colon leaves an empty group, refused on the next turn.
            start = end &+ 1
            if rest & (1 &<< UInt64(start)) != 0 {
                // "::", once; it may end the field.
                guard groups.compress() else { return nil }
                rest &= rest &- 1
                start &+= 1
                if start == length { return groups.value }
            }
        }
    }

    /// The hex digits of `word` ('0'-'9', 'a'-'f', 'A'-'F'), as a mask.
    @inline(__always)
    static func hexDigits(_ word: UInt64) -> UInt64 {
        let decimal = ~SWAR.nonDigits(word ^ SWAR.zeroDigits) & SWAR.highBits
        // 'a'...'f' and 'A'...'F' become 1...6 after folding to lower case and XOR 0x60.
        let letter = (word | 0x2020_2020_2020_2020) ^ 0x6060_6060_6060_6060
        let sevenOrMore = (((letter & SWAR.low7Bits) &+ 0x7979_7979_7979_7979) | letter) & SWAR.highBits
        return decimal | ~(sevenOrMore | SWAR.zeroBytes(letter)) & SWAR.highBits
    }

    /// The value of the `digits` (1...4) hex digits at the start of `word`.
    @inline(__always)
    static func groupValue(_ word: UInt64, digits: Int) -> UInt32 {
        // Nibble values of hex bytes: the low four bits, plus 9 for letters (bit 6 set).
        let nibbles = (word & 0x0F0F_0F0F_0F0F_0F0F) &+ 9 &* ((word >> 6) & SWAR.ones)
        // Bytes 0...3: the four digits of the group written with leading zeros, first digit first.
        let aligned = (nibbles &<< UInt64(64 &- 8 &* digits)) &>> 32
        // Pairs of digits into bytes 0 and 2, then the two bytes into sixteen bits.
        let pairs = (aligned &<< 4 | aligned &>> 8) & 0x00FF_00FF
        return UInt32(truncatingIfNeeded: (pairs & 0xFF) << 8 | pairs >> 16)
    }
}
