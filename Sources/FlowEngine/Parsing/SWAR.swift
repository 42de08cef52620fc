/// Byte-wise tests and decimal conversion on eight bytes at once ("SIMD within a register").
///
/// A word holds eight bytes of text loaded little-endian (`Span.word(at:)`): the first byte of the
/// text is the lowest byte of the word. Every test here is exact per byte: no carry or borrow crosses
/// from one byte into the next, so a byte's answer never depends on its neighbours.
///
/// Masks have the high bit (0x80) of each selected byte set and no other bit; the first selected
/// byte is at `mask.trailingZeroBitCount >> 3`.
enum SWAR {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highBits: UInt64 = 0x8080_8080_8080_8080
    static let low7Bits: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    static let zeroDigits: UInt64 = 0x3030_3030_3030_3030

    /// Bytes below 0x21: space, tab, LF, CR and every other control byte. Adding 0x5F to the low
    /// seven bits never carries out of the byte; the sum reaches 0x80 exactly when they are 0x21 or
    /// more, and a byte of 0x80 or more is excluded by its own high bit.
    @inline(__always)
    static func bytesBelow0x21(_ word: UInt64) -> UInt64 {
        ~(((word & low7Bits) &+ 0x5F5F_5F5F_5F5F_5F5F) | word) & highBits
    }

    /// Control bytes (below 0x20), as `bytesBelow0x21` with 0x60 added: JSON's rule for what a
    /// string may not hold unescaped.
    @inline(__always)
    static func bytesBelow0x20(_ word: UInt64) -> UInt64 {
        ~(((word & low7Bits) &+ 0x6060_6060_6060_6060) | word) & highBits
    }

    /// Bytes equal to zero (so `zeroBytes(word ^ pattern)` finds bytes equal to a pattern byte).
    @inline(__always)
    static func zeroBytes(_ word: UInt64) -> UInt64 {
        ~(((word & low7Bits) &+ low7Bits) | word) & highBits
    }

    /// The selected bytes as bits: bit i set when byte i is selected (x86's "movemask"). The
    /// multiplication moves each byte's flag to bit 56 + i; no two partial products meet.
    @inline(__always)
    static func bitPerByte(_ mask: UInt64) -> UInt64 { ((mask >> 7) &* 0x0102_0408_1020_4080) >> 56 }

    /// Bytes that are not ASCII digits, given `word ^ zeroDigits` (digits become 0...9; every other
    /// byte becomes 10 or more). Adding 0x76 to the low seven bits reaches 0x80 exactly when they are
    /// 10 or more; a byte of 0x80 or more is selected by its own high bit.
    @inline(__always)
    static func nonDigits(_ digitValues: UInt64) -> UInt64 {
        (((digitValues & low7Bits) &+ 0x7676_7676_7676_7676) | digitValues) & highBits
    }

    /// How many of the word's bytes come before the first selected one (8 when none is).
    @inline(__always)
    static func leadingCount(_ mask: UInt64) -> Int { mask.trailingZeroBitCount >> 3 }

    /// The number written by eight digit values (bytes 0...9, the most significant first, that is in
    /// the lowest byte). Three multiplications: pairs, then fours, then the eight.
    @inline(__always)
    static func value8(_ digits: UInt64) -> UInt64 {
        var v = (digits &* 10) &+ (digits >> 8)  // byte 2i: 10 d(2i) + d(2i+1)
        v &= 0x00FF_00FF_00FF_00FF
        v = (v &* (1 &+ (100 << 16))) >> 16  // 16-bit lane 2i: four digits
        v &= 0x0000_FFFF_0000_FFFF
        return (v &* (1 &+ (10_000 << 32))) >> 32  // eight digits
    }

    /// The number written by the first `count` digit values of `digits` (1...8); the bytes after
    /// them are ignored. Shifting them out at the top moves the digits up and fills the low bytes,
    /// the most significant places, with zeros.
    @inline(__always)
    static func value(_ digits: UInt64, count: Int) -> UInt64 {
        value8(digits &<< UInt64(64 - 8 * count))
    }

    /// 10^n for n in 0...7, without a loop (a loop's exit would depend on the data).
    @inline(__always)
    static func powerOf10(_ n: Int) -> UInt64 {
        let powers: InlineArray<8, UInt64> = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000]
        return powers[n]
    }
}
