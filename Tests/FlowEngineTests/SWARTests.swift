import FlowIO
import Testing

@testable import FlowEngine

/// The eight-bytes-at-once helpers against byte-at-a-time answers, and the word-based dotted-quad
/// parser against the exact one.
struct SWARTests {
    /// Words whose bytes are drawn from every value, with the edges of each test over-represented.
    static func words(_ count: Int, seed: UInt64) -> [UInt64] {
        var random = SplitMix64(seed: seed)
        let edges: [UInt8] = [0x00, 0x09, 0x0A, 0x0D, 0x1F, 0x20, 0x21, 0x2D, 0x2E, 0x2F, 0x30, 0x39, 0x3A, 0x7F, 0x80, 0xA0, 0xB0, 0xB9, 0xFF]
        return (0..<count).map { _ in
            var word: UInt64 = 0
            for i in 0..<8 {
                let r = random.next()
                let byte = r % 3 == 0 ? edges[Int((r >> 8) % UInt64(edges.count))] : UInt8(truncatingIfNeeded: r >> 16)
                word |= UInt64(byte) << (8 * UInt64(i))
            }
            return word
        }
    }

    static func bytes(_ word: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: word >> (8 * UInt64($0))) } }

    static func mask(_ word: UInt64, _ select: (UInt8) -> Bool) -> UInt64 {
        var mask: UInt64 = 0
        for (i, byte) in bytes(word).enumerated() where select(byte) { mask |= 0x80 << (8 * UInt64(i)) }
        return mask
    }

    @Test("byte masks equal the byte-by-byte answers on 200,000 words")
    func masks() {
        for word in Self.words(200_000, seed: 11) {
            #expect(SWAR.bytesBelow0x21(word) == Self.mask(word) { $0 < 0x21 })
            #expect(SWAR.bytesBelow0x20(word) == Self.mask(word) { $0 < 0x20 })
            #expect(SWAR.zeroBytes(word) == Self.mask(word) { $0 == 0 })
            #expect(SWAR.nonDigits(word ^ SWAR.zeroDigits) == Self.mask(word) { !(0x30...0x39).contains($0) })
            let m = Self.mask(word) { $0 < 0x21 }
            var bits: UInt64 = 0
            for i in 0..<8 where m & (0x80 << (8 * UInt64(i))) != 0 { bits |= 1 << UInt64(i) }
            #expect(SWAR.bitPerByte(m) == bits)
        }
    }

    @Test("decimal conversion of 1 to 8 digits equals the schoolbook value")
    func decimals() {
        var random = SplitMix64(seed: 12)
        for _ in 0..<100_000 {
            let count = Int(random.next() % 8) + 1
            let digits = (0..<count).map { _ in UInt8(random.next() % 10) }
            var word: UInt64 = 0
            for (i, d) in digits.enumerated() { word |= UInt64(d) << (8 * UInt64(i)) }
            word |= random.next() << (8 * UInt64(count)) & (count == 8 ? 0 : ~0)  // junk after the digits
            let expected = digits.reduce(UInt64(0)) { $0 * 10 + UInt64($1) }
            #expect(SWAR.value(word, count: count) == expected)
        }
        #expect(SWAR.value8(0x0909_0909_0909_0909) == 99_999_999)
        for n in 0..<8 { #expect(SWAR.powerOf10(n) == (0..<n).reduce(1) { r, _ in r * 10 }) }
    }

    /// Text near dotted quads: digits and dots mostly, sometimes junk, 0 to 16 bytes.
    static func nearQuads(_ count: Int, seed: UInt64) -> [[UInt8]] {
        var random = SplitMix64(seed: seed)
        let alphabet = Array("0123456789..........".utf8) + Array("0123456789".utf8)
        let junk = Array(":-a /x\u{0}\u{FF}".utf8)
        var result: [[UInt8]] = []
        for _ in 0..<count {
            if random.next() % 2 == 0 {
                // A real quad, then perhaps damaged in one place.
                var parts = (0..<4).map { _ in String(random.next() % 300) }
                if random.next() % 8 == 0 { parts[Int(random.next() % 4)] = "0" + parts[0] }
                var text = Array(parts.joined(separator: ".").utf8)
                if random.next() % 4 == 0, !text.isEmpty {
                    text[Int(random.next() % UInt64(text.count))] = junk[Int(random.next() % UInt64(junk.count))]
                }
                result.append(text)
            } else {
                let length = Int(random.next() % 17)
                result.append((0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
            }
        }
        return result
    }

    @Test("the word-based dotted-quad parser agrees with the exact one on 300,000 near-quads")
    func dottedQuads() {
        var random = SplitMix64(seed: 13)
        var accepted = 0
        for text in Self.nearQuads(300_000, seed: 14) {
            // The text, then whatever follows it in a line, in a window's worth of bytes.
            var padded = text + (0..<(ByteWindow.size + 8)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            padded = Array(padded.prefix(max(ByteWindow.size + 8, text.count)))
            let low = padded.span.word(at: 0)
            let high = padded.span.word(at: 8)
            let exact = IPAddress.parseIPv4(text.span, from: 0, to: text.count)
            let words =
                text.count <= 16
                ? padded.span.withWindow(at: 0) { IPAddress.parseIPv4($0, at: 0, low: low, high: high, length: text.count) }
                    ?? nil : nil
            #expect(words == exact, "\(String(decoding: text, as: UTF8.self))")
            if exact != nil { accepted += 1 }
        }
        #expect(accepted > 50_000, "enough valid quads to mean something: \(accepted)")
    }

    /// Text near IPv6 addresses: groups of 0 to 5 hex digits in either case, single and double
    /// colons, sometimes an IPv4 tail or junk; real forms (compressed, full, mapped) too.
    static func nearIPv6(_ count: Int, seed: UInt64) -> [[UInt8]] {
        var random = SplitMix64(seed: seed)
        let hex = Array("0123456789abcdefABCDEF".utf8)
        let junk = Array("gG.:- /x@`\u{0}\u{FF}".utf8)
        var result: [[UInt8]] = []
        for _ in 0..<count {
            if random.next() % 2 == 0 {
                var value: UInt128 = UInt128(random.next()) << 64 | UInt128(random.next())
                if random.next() % 2 == 0 { value &= ~(UInt128(0xFFFF_FFFF) << UInt128(32 * (random.next() % 3))) }
                var text = Array(IPAddress.v6(value).description.utf8)
                if random.next() % 5 == 0 { text = Array(String(decoding: text, as: UTF8.self).uppercased().utf8) }
                if random.next() % 4 == 0, !text.isEmpty {
                    text[Int(random.next() % UInt64(text.count))] = junk[Int(random.next() % UInt64(junk.count))]
                }
                result.append(text)
            } else {
                var text: [UInt8] = random.next() % 6 == 0 ? Array("::".utf8) : []
                let groups = Int(random.next() % 10)
                for g in 0..<groups {
                    if g > 0 { text += random.next() % 7 == 0 ? Array("::".utf8) : [0x3A] }
                    let digits = Int(random.next() % 6)
                    text += (0..<digits).map { _ in hex[Int(random.next() % UInt64(hex.count))] }
                }
                if random.next() % 8 == 0 { text += Array(":1.2.3.4".utf8) }
                if random.next() % 8 == 0 { text += Array("::".utf8) }
                result.append(Array(text.prefix(45)))
            }
        }
        return result
    }

    /// The window parser on `text` placed at `offset` of a line of 300 bytes.
    static func windowIPv6(_ text: [UInt8], at offset: Int) -> UInt128? {
        let line = [UInt8](repeating: 0x41, count: offset) + text + Array(" 443 6 1 x".utf8)
            + [UInt8](repeating: 0x20, count: max(0, 300 - offset - text.count))
        return line.span.withWindow(at: 0) { IPAddress.parseIPv6($0, at: offset, length: text.count) }!
    }

    @Test("the window IPv6 parser agrees with the exact one on 300,000 near-addresses", arguments: [0, 13, 216])
    func ipv6Window(offset: Int) {
        var accepted = 0
        var taken = 0
        for text in Self.nearIPv6(300_000, seed: 15) {
            let line = text + Array(" 443 6 1 x".utf8)
            let exact = IPAddress.parseIPv6(line.span, from: 0, to: text.count)
            let window = Self.windowIPv6(text, at: offset)
            // It gives up (nil) only on an IPv4 tail; otherwise it must agree.
            if let window {
                taken += 1
                #expect(window == exact, "\(String(decoding: text, as: UTF8.self))")
            } else if exact != nil {
                #expect(text.contains(0x2E), "gave up on \(String(decoding: text, as: UTF8.self))")
            }
            if exact != nil { accepted += 1 }
        }
        #expect(accepted > 100_000 && taken > 100_000, "enough valid addresses to mean something: \(accepted), \(taken)")
        // Every address without an IPv4 tail is taken, whatever its shape.
        let shapes = [
            "::", "::1", "1::", "1::2", "2600:1f14:abc:de00::1234", "2600:1F14:0:0:0:0:0:1", "fe80::1:2:3:4:5:6",
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "a:b:c:d:e:f:A:B",
        ]
        for text in shapes {
            let exact = IPAddress.parseIPv6(Array(text.utf8).span, from: 0, to: text.utf8.count)
            #expect(exact != nil && Self.windowIPv6(Array(text.utf8), at: offset) == exact, "\(text)")
        }
        for text in [":", ":::", "1:::2", "1::2::3", ":1::", "1:", "12345::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::", "g::", "1::2 "] {
            #expect(Self.windowIPv6(Array(text.utf8), at: offset) == nil, "\(text)")
        }
    }
}
