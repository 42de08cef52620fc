/// SHA-256 (FIPS 180-4), for content digests: a partial's checksum, the identity of a ranges
/// snapshot and of a labels file, and the shard hash of an input's name. Written here because the
/// toolchain has none without Foundation or a package; it is held to FIPS 180-4's test vectors and to
/// `sha256sum` (`SHA256Tests`).
///
/// A straightforward implementation on `UInt32` words, one 64-byte block at a time, with no
/// allocation per block (the schedule and the pending bytes are `InlineArray`s): the ranges digest
/// is computed on every run, so its cost is measured (BENCHMARKS.md, "Scale-out").
public struct SHA256: Sendable {
    private var state: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
        0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19
    )
    /// Bytes not yet compressed: the first `pendingCount` (fewer than 64).
    private var pending = InlineArray<64, UInt8>(repeating: 0)
    private var pendingCount = 0
    private var length: UInt64 = 0

    public init() {}

    /// The digest of `bytes`.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finish()
    }

    /// The digest as 64 lower-case hex digits.
    public static func hex(_ bytes: [UInt8]) -> String { Hex.encode(hash(bytes)) }

    public mutating func update(_ bytes: [UInt8]) { update(bytes.span) }

    public mutating func update(_ bytes: Span<UInt8>) {
        length &+= UInt64(bytes.count)
        var at = 0
        if pendingCount > 0 {
            while pendingCount < 64 && at < bytes.count {
                pending[pendingCount] = bytes[at]
                pendingCount += 1
                at += 1
            }
            guard pendingCount == 64 else { return }
            let block = pending
            compress(block.span, 0)
            pendingCount = 0
        }
        while bytes.count - at >= 64 {
            compress(bytes, at)
            at += 64
        }
        while at < bytes.count {
            pending[pendingCount] = bytes[at]
            pendingCount += 1
            at += 1
        }
    }

    public mutating func update(_ text: String) { update(Array(text.utf8)) }

    /// The 32-byte digest; the hasher is spent.
    public consuming func finish() -> [UInt8] {
        let bits = length &* 8
        var tail: [UInt8] = []
        for i in 0..<pendingCount { tail.append(pending[i]) }
        tail.append(0x80)
        while tail.count % 64 != 56 { tail.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) { tail.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
        var at = 0
        while at < tail.count {
            compress(tail.span, at)
            at += 64
        }
        var out: [UInt8] = []
        out.reserveCapacity(32)
        for word in [state.0, state.1, state.2, state.3, state.4, state.5, state.6, state.7] {
            out += [UInt8(word >> 24), UInt8(truncatingIfNeeded: word >> 16), UInt8(truncatingIfNeeded: word >> 8), UInt8(truncatingIfNeeded: word)]
        }
        return out
    }

    /// Compresses the 64-byte block at `bytes[start...]`; the message schedule lives on the stack.
    private mutating func compress(_ bytes: Span<UInt8>, _ start: Int) {
        var w = InlineArray<64, UInt32>(repeating: 0)
        for i in 0..<16 {
            let p = start + 4 * i
            w[i] = UInt32(bytes[p]) << 24 | UInt32(bytes[p + 1]) << 16 | UInt32(bytes[p + 2]) << 8 | UInt32(bytes[p + 3])
        }
        for t in 16..<64 {
            let s0 = w[t - 15].rotatedRight(7) ^ w[t - 15].rotatedRight(18) ^ (w[t - 15] >> 3)
            let s1 = w[t - 2].rotatedRight(17) ^ w[t - 2].rotatedRight(19) ^ (w[t - 2] >> 10)
            w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
        }
        var (a, b, c, d, e, f, g, h) = state
        for t in 0..<64 {
            let s1 = e.rotatedRight(6) ^ e.rotatedRight(11) ^ e.rotatedRight(25)
            let choice = (e & f) ^ (~e & g)
            let t1 = h &+ s1 &+ choice &+ Self.k[t] &+ w[t]
            let s0 = a.rotatedRight(2) ^ a.rotatedRight(13) ^ a.rotatedRight(22)
            let majority = (a & b) ^ (a & c) ^ (b & c)
            let t2 = s0 &+ majority
            (h, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ t2)
        }
        state = (
            state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d, state.4 &+ e, state.5 &+ f, state.6 &+ g,
            state.7 &+ h
        )
    }

    private static let k: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]
}

/// Lower-case hexadecimal.
public enum Hex {
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension UInt32 {
    @inline(__always)
    fileprivate func rotatedRight(_ count: UInt32) -> UInt32 { self >> count | self << (32 - count) }
}
