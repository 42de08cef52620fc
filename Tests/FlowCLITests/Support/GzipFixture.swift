import FlowIO
import Foundation
import Testing

/// gzip data for tests, made with FlowIO's `FileWriter` (the system zlib), never with a `gzip`
/// tool that a CI image may lack.
enum GzipFixture {
    /// `bytes` compressed as one gzip member.
    static func compress(_ bytes: [UInt8], in directory: String) throws -> [UInt8] {
        let path = "\(directory)/gzip-\(UUID().uuidString).gz"
        let writer = try FileWriter(path: path, gzip: true)
        try writer.write(bytes)
        try writer.close()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let compressed = try Fixtures.read(path)
        try #require(compressed.count >= 18 && compressed[0] == 0x1F && compressed[1] == 0x8B, "not a gzip member")
        return compressed
    }
}
