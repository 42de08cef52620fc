import FlowIO

// Addresses read a word at a time, for the flow-log hot path: dotted quads sixteen bytes at once,
// IPv6 classified five words at a time, then a group per word.
//
// `parseIPv4(_:from:to:)` reads a byte at a time and branches on each: where octets have one, two or
// three digits at random, those branches are mispredicted a few times per address. This version
// finds the dots of two 8-byte words with SWAR masks, reads each octet's digits from the dot before
// it, and converts two octets per word at once; the only branch that depends on the text is the
// final verdict. Measured (BENCHMARKS.md): the first word version took 5-10% off `summarize`'s CPU;
// its successor, which converts octets in pairs and checks widths and leading zeros as bit masks
// instead of choosing among three values per octet, 9-13% more (59 fewer instructions per record).

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
        // The dots of the field, one bit per byte (bits past the field cleared).
        let dotPattern: UInt64 = 0x2E2E_2E2E_2E2E_2E2E
        let field = UInt64.max &>> UInt64(truncatingIfNeeded: 64 &- length)
        let dots =
            (SWAR.bitPerByte(SWAR.zeroBytes(low ^ dotPattern)) | SWAR.bitPerByte(SWAR.zeroBytes(high ^ dotPattern)) << 8)
            & field
        let first = dots.trailingZeroBitCount
        let rest = dots & (dots &- 1)
        let second = rest.trailingZeroBitCount
        let fromThird = rest & (rest &- 1)
        let third = fromThird.trailingZeroBitCount
        // Each part's digit values, right-aligned in the low three bytes (hundreds, tens, units;
        // zeros before a shorter part's first digit), read from the text at the part's start
        // (`& 15` keeps a missing dot's position in the field). Where the dots are not exactly
        // three, the counts are nonsense, which `noThirdDot` and the fourth-dot test refuse.
        var widths: UInt64 = 0
        var leadingZeros: UInt64 = 0
        let a = part(low, count: first, &widths, &leadingZeros)
        let b = part(text.word(at: p &+ (first &+ 1) & 15), count: second &- first &- 1, &widths, &leadingZeros)
        let c = part(text.word(at: p &+ (second &+ 1) & 15), count: third &- second &- 1, &widths, &leadingZeros)
        let d = part(text.word(at: p &+ (third &+ 1) & 15), count: length &- third &- 1, &widths, &leadingZeros)
        // Two parts per word, in 32-bit lanes; their values, both at once: first 10 × hundreds +
        // tens in each lane's low byte, then 10 × that + units.
        let ab = a | b << 32
        let cd = c | d << 32
        let laneLow: UInt64 = 0x0000_00FF_0000_00FF
        let abTens = (ab &* 10 &+ ab >> 8) & laneLow
        let cdTens = (cd &* 10 &+ cd >> 8) & laneLow
        let abValues = abTens &* 10 &+ (ab >> 16) & laneLow
        let cdValues = cdTens &* 10 &+ (cd >> 16) & laneLow
        // Every rule as a flag, or-ed: one branch for the verdict, not one per rule. The digits'
        // bytes hold every byte of the field that is not a dot once the parts' widths are right,
        // so `nonDigits` on them is the check that the field holds nothing else. Exactly three
        // dots: a third one and none after it (not `nonzeroBitCount == 3`: the baseline x86-64
        // target has no POPCNT, and its replacement is a dozen instructions).
        let noThirdDot: UInt64 = fromThird == 0 ? 1 : 0
        let bad =
            noThirdDot | fromThird & (fromThird &- 1) | widths & ~0b1110 | leadingZeros & 0b1100
            | SWAR.nonDigits(ab) | SWAR.nonDigits(cd) | (abValues | cdValues) & 0x0000_FF00_0000_FF00
        guard bad == 0 else { return nil }
        // a << 24 | b << 16 from the first pair's lanes, c << 8 | d from the second's.
        let high16 = UInt32(truncatingIfNeeded: abValues << 24 | abValues >> 16) & 0xFFFF_0000
        let low16 = UInt32(truncatingIfNeeded: cdValues << 8 | cdValues >> 32) & 0xFFFF
        return high16 | low16
    }

    /// The part of `count` digits at the start of `word` (text): its digit values right-aligned
    /// in the low three bytes, the higher bytes zero. Sets bit `count` (masked to 0...63) in
    /// `widths`, and in `leadingZeros` too when the part's first digit is 0 (the caller checks that
    /// every width is 1...3, that no part of two or three digits starts with 0, and that the digits
    /// are digits and at most 255). Any `count` is safe to pass: shifts are masked.
    @inline(__always)
    private static func part(_ word: UInt64, count: Int, _ widths: inout UInt64, _ leadingZeros: inout UInt64) -> UInt64 {
        let values = word ^ SWAR.zeroDigits
        let widthBit: UInt64 = 1 &<< UInt64(truncatingIfNeeded: count)
        // All ones when the first digit is 0.
        let zeroFirst = UInt64(bitPattern: Int64(bitPattern: (values & 0xFF) &- 1) &>> 63)
        widths |= widthBit
        leadingZeros |= zeroFirst & widthBit
        // The count's digits to the top bytes (the ones after them shifted out), then down.
        return (values &<< UInt64(truncatingIfNeeded: 64 &- 8 &* count)) &>> 40
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
