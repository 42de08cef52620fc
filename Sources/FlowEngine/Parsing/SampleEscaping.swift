/// Makes a line's bytes safe to print on a terminal and to store as text in summary.json: a
/// malformed line may be binary (a Parquet file, random bytes, NUL padding), and echoing it raw
/// would let it move the cursor, change colours or garble a log.
///
/// Printable ASCII and valid UTF-8 sequences of printable characters are kept; every other
/// byte is written as `\xNN` (two lower-case hex digits): the control bytes 00-1F (the tab too) and 7F, the C1
/// controls (U+0080-U+009F, which terminals also obey), and every byte that is not part of valid
/// UTF-8. A backslash is doubled (`\\`), so the escaped text reads back to the bytes unambiguously.
enum SampleEscaping {
    static func escape(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if byte == 0x5C {
                out += [0x5C, 0x5C]
                i += 1
            } else if byte >= 0x20 && byte < 0x7F {
                out.append(byte)
                i += 1
            } else if byte >= 0xC2, let length = validSequence(bytes, at: i), !isC1(bytes, at: i) {
                out += bytes[i..<(i + length)]
                i += length
            } else {
                hex(byte, into: &out)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hex(_ byte: UInt8, into out: inout [UInt8]) {
        let digits = Array("0123456789abcdef".utf8)
        out += [0x5C, 0x78, digits[Int(byte >> 4)], digits[Int(byte & 0xF)]]
    }

    /// U+0080-U+009F: C2 80 to C2 9F.
    private static func isC1(_ bytes: [UInt8], at i: Int) -> Bool {
        bytes[i] == 0xC2 && i + 1 < bytes.count && bytes[i + 1] < 0xA0
    }

    /// The length of the well-formed UTF-8 sequence at `i` (RFC 3629: no overlongs, no surrogates,
    /// nothing above U+10FFFF), or nil.
    private static func validSequence(_ bytes: [UInt8], at i: Int) -> Int? {
        let lead = bytes[i]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: return nil
        }
        guard i + length <= bytes.count else { return nil }
        for k in 1..<length {
            let byte = bytes[i + k]
            let (lo, hi) = k == 1 ? (low, high) : (0x80, 0xBF)
            guard byte >= lo && byte <= hi else { return nil }
        }
        return length
    }
}
