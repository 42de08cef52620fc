import FlowIO
import Testing

/// gzip input (detected by its magic bytes, not by the name, as the README says, as S3
/// delivers `.log.gz`). The test writes its own gzip file (one stored deflate block, CRC-32 computed
/// here), so it needs neither zlib nor a gzip binary.
@Suite("classify: gzip input")
struct ClassifyGzipTests {
    /// The CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) that gzip's trailer carries.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func littleEndian32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }

    /// A one-member gzip file holding `data` uncompressed, in a single stored block (RFC 1951 3.2.4).
    static func gzipStored(_ data: [UInt8]) -> [UInt8] {
        precondition(data.count < 0x10000, "one stored block holds at most 65535 bytes")
        let length = UInt16(data.count)
        var out: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF]  // magic, deflate, no flags, mtime 0, OS unknown
        out.append(0x01)  // BFINAL = 1, BTYPE = 00 (stored)
        out += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)]
        out += data
        out += littleEndian32(crc32(data)) + littleEndian32(UInt32(data.count))
        return out
    }

    @Test("the CRC-32 helper gives the standard check value")
    func crcCheckValue() {
        #expect(Self.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
    }

    @Test("a gzip file classifies like its content", arguments: ["flows.csv.gz", "flows.csv"], InflaterCases.all)
    func gzipInput(_ name: String, _ inflater: Inflater) async throws {
        try InflaterCases.require(inflater)
        try await withTemporaryDirectory { dir in
            // The second case names the gzip file .csv: detection must go by the magic bytes.
            let path = "\(dir)/\(name)"
            try Fixtures.write(Self.gzipStored(try Fixtures.read(Fixtures.exampleFlows)), to: path)
            let result = try await Vpcflow.run(["classify", "--inflater", inflater.rawValue, "--ranges", Fixtures.exampleRanges, path])
            ClassifyTests.expectExampleOutput(result)
        }
    }
}
