import Foundation
import Testing

@testable import FlowIO

/// ISA-L's output from a file is handed out `GzipReader.isalLag` bytes behind its decoding, so that
/// the bytes it decodes past the point where zlib stops on damaged data (it is the more lenient
/// decoder) can still be taken back. The damage here is in members longer than the lag (about
/// 1.1 MB of text), in the last part of each, and the reader's buffer is 4 MiB or 512 KiB (ISA-L
/// decodes straight into it and keeps the lag back in its own buffer; at 512 KiB a call ends with
/// the buffer full, so the lag is kept back) or 64 KiB (ISA-L decodes into its own buffer and hands
/// out from there): every variant must give exactly zlib's bytes and error.
/// `GzipInflaterDifferentialTests` holds the small members.
struct GzipIsalLagTests {
    static func text(_ lines: Int, seed: UInt64) -> [UInt8] {
        var text = ""
        var seed = seed
        for i in 0..<lines {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let r = seed >> 33
            text += "2 123456789012 eni-\(String(r % 100000, radix: 16)) 10.0.\(r % 7).\(i % 250) 52.94.\(r % 13).\(r % 250) \(r % 65535) 443 6 \(r % 90) \(r % 9000) 1700000000 1700000060 ACCEPT OK\n"
        }
        return Array(text.utf8)
    }

    @Test("damage late in a member longer than the lag: ISA-L gives zlib's bytes and error, 4 MiB, 512 KiB and 64 KiB buffers")
    func lateDamageInLongMembers() throws {
        try InflaterCases.require(.isal)
        try IOTestSupport.withTemporaryDirectory { folder in
            let good = try GzipInflaterDifferentialTests.member(Self.text(9_000, seed: 11), folder)
            var seed: UInt64 = 0x51AB_1E5E_ED00_0001
            var variants: [[UInt8]] = []
            // Bit flips in the last 40% of the compressed bytes (outputs far past the lag), and
            // cuts there.
            for _ in 0..<200 {
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                var damaged = good
                let at = good.count * 6 / 10 + Int(seed >> 33) % (good.count * 4 / 10 - 8)
                damaged[at] ^= UInt8(1 << ((seed >> 20) % 8))
                variants.append(damaged)
            }
            for cut in stride(from: good.count * 6 / 10, to: good.count, by: good.count / 25) {
                variants.append(Array(good[..<cut]))
            }
            var differed = 0
            var failures = 0
            for (n, variant) in variants.enumerated() {
                let path = "\(folder)/v\(n).gz"
                let (zlib, _) = try GzipInflaterDifferentialTests.read(variant, .zlib, .mapped, bufferSize: 1 << 20, path: path)
                if zlib.error != nil { failures += 1 }
                for bufferSize in [4 << 20, 512 << 10, 64 << 10] {
                    for input in [GzipInflaterDifferentialTests.Input.mapped] + (bufferSize == 512 << 10 ? [.pread] : []) {
                        let (isal, _) = try GzipInflaterDifferentialTests.read(variant, .isal, input, bufferSize: bufferSize, path: path)
                        if isal != zlib {
                            differed += 1
                            Issue.record(
                                "variant \(n), \(input), buffer \(bufferSize): \(isal.bytes.count) bytes, \(isal.error ?? "no error"); zlib: \(zlib.bytes.count) bytes, \(zlib.error ?? "no error")")
                        }
                    }
                }
            }
            #expect(differed == 0)
            #expect(failures > variants.count / 2, "most variants are damaged (\(failures) of \(variants.count))")
            #expect(good.count > GzipReader.isalLag / 4, "the member is long: \(good.count) bytes stored")
        }
    }
}
