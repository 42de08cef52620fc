import Foundation
import Testing

@testable import FlowIO

/// Scratch directories and test bytes for the FlowIO tests. Setup uses Foundation's `FileManager`,
/// so the files under test are made by other code than the code being tested.
enum IOTestSupport {
    /// A fresh, empty directory under the system temporary directory; the caller removes it.
    static func makeTemporaryDirectory() throws -> String {
        let base = NSTemporaryDirectory().hasSuffix("/") ? NSTemporaryDirectory() : NSTemporaryDirectory() + "/"
        let path = base + "vpcflow-io-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        return path
    }

    /// Removes a file or a directory tree.
    static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Runs `body` with a fresh directory under the system temporary directory, removed afterwards.
    static func withTemporaryDirectory<R>(_ body: (String) throws -> R) throws -> R {
        let path = try makeTemporaryDirectory()
        defer { remove(path) }
        return try body(path)
    }

    /// Writes `bytes` to `path` with Foundation.
    static func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// The file's bytes, read with Foundation.
    static func contents(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }

    /// The names in a directory, sorted.
    static func names(in directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    }

    /// `count` pseudo-random bytes from a seeded xorshift64* generator (the same bytes every run).
    static func noise(count: Int, seed: UInt64) -> [UInt8] {
        var state = seed | 1
        var words: [UInt64] = []
        words.reserveCapacity(count / 8 + 1)
        for _ in 0..<(count / 8 + 1) {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            words.append((state &* 0x2545_F491_4F6C_DD1D).littleEndian)
        }
        return words.withUnsafeBytes { Array($0.prefix(count)) }
    }

    /// The bytes of `range` of a mapped file, copied out of the span.
    static func bytes(_ file: MappedFile, _ range: Range<Int>) throws -> [UInt8] {
        try file.withBytes(in: range) { span in span.withUnsafeBufferPointer { Array($0) } }
    }

    /// Every byte of a mapped file.
    static func bytes(_ file: MappedFile) throws -> [UInt8] { try bytes(file, 0..<file.count) }

    /// The `FileSystemError` that `body` throws, or nil (also when it throws anything else).
    static func error(_ body: () throws -> Void) -> FileSystemError? {
        do {
            try body()
            return nil
        } catch {
            return error as? FileSystemError
        }
    }
}
