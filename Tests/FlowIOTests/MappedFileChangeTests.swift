import Foundation
import Testing

@testable import FlowIO

/// A file that changes while it is read: truncated underneath a mapping (the SIGBUS guard),
/// truncated under `pread`, grown, rewritten in place, replaced by rename. Before the guard, the
/// truncated-mapping cases killed the test process with SIGBUS.
struct MappedFileChangeTests {
    private typealias T = IOTestSupport

    static let size = 1 << 20

    /// Truncates `path` with Foundation (not with the code under test).
    private static func truncate(_ path: String, to size: Int) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: UInt64(size))
        try handle.close()
    }

    @Test("truncated underneath a mapping: no crash, the read throws 'changed', later reads too", arguments: [0, 4096, 300_000])
    func truncatedMapping(newSize: Int) throws {
        try T.withTemporaryDirectory { dir in
            let path = dir + "/data.bin"
            let written = T.noise(count: Self.size, seed: 5)
            try T.write(written, to: path)
            let file = try MappedFile(path: path)
            #expect(file.isMapped)
            #expect(try T.bytes(file, 0..<4096) == Array(written[0..<4096]))
            try Self.truncate(path, to: newSize)
            // Past the new end: this touch raised SIGBUS before the guard.
            let error = T.error { _ = try T.bytes(file, (Self.size - 8192)..<Self.size) }
            #expect(error?.code == .changed, "\(String(describing: error))")
            #expect(error?.description.contains(path) == true)
            #expect(file.hasFaulted)
            // The guard replaced the rest of the mapping with zeros: later reads do not fault again,
            // and still throw, even where the bytes are still in the file.
            #expect(T.error { _ = try T.bytes(file, 0..<16) }?.code == .changed)
            #expect(T.error { try file.checkIntact() }?.code == .changed)
            #expect(file.verify() == .shrank(to: newSize))
        }
    }

    @Test("a fault in one mapping does not mark another")
    func faultIsPerFile() throws {
        try T.withTemporaryDirectory { dir in
            let bytes = T.noise(count: Self.size, seed: 6)
            try T.write(bytes, to: dir + "/a")
            try T.write(bytes, to: dir + "/b")
            let a = try MappedFile(path: dir + "/a")
            let b = try MappedFile(path: dir + "/b")
            try Self.truncate(dir + "/a", to: 0)
            #expect(T.error { _ = try T.bytes(a) }?.code == .changed)
            #expect(!b.hasFaulted)
            #expect(try T.bytes(b) == bytes)
            #expect(b.verify() == .unchanged)
        }
    }

    @Test("truncated under pread: the same error code")
    func truncatedRead() throws {
        try T.withTemporaryDirectory { dir in
            let path = dir + "/data.bin"
            try T.write(T.noise(count: Self.size, seed: 7), to: path)
            let file = try MappedFile(path: path, allowMapping: false)
            try Self.truncate(path, to: 1000)
            #expect(T.error { _ = try T.bytes(file, 0..<Self.size) }?.code == .changed)
            #expect(file.verify() == .shrank(to: 1000))
        }
    }

    @Test("grown while read: the opened size is read, verify says how big it is now", arguments: [true, false])
    func grown(allowMapping: Bool) throws {
        try T.withTemporaryDirectory { dir in
            let path = dir + "/data.bin"
            let written = T.noise(count: 10_000, seed: 8)
            try T.write(written, to: path)
            let file = try MappedFile(path: path, allowMapping: allowMapping)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(repeating: 0x41, count: 5000))
            try handle.close()
            #expect(file.count == 10_000)
            #expect(try T.bytes(file) == written)
            #expect(file.verify() == .grew(to: 15_000))
        }
    }

    @Test("rewritten in place with the same size: verify says modified", arguments: [true, false])
    func rewrittenInPlace(allowMapping: Bool) throws {
        try T.withTemporaryDirectory { dir in
            let path = dir + "/data.bin"
            try T.write(T.noise(count: 10_000, seed: 9), to: path)
            let file = try MappedFile(path: path, allowMapping: allowMapping)
            #expect(file.verify() == .unchanged)
            // A different modification time, whatever the clock's resolution.
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.write(contentsOf: Data(repeating: 0x42, count: 100))
            try handle.close()
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_000_000)], ofItemAtPath: path)
            #expect(file.verify() == .modified)
        }
    }

    @Test("replaced by rename (as aws s3 sync does): the opened version is read, unchanged", arguments: [true, false])
    func replacedByRename(allowMapping: Bool) throws {
        try T.withTemporaryDirectory { dir in
            let path = dir + "/data.bin"
            let old = T.noise(count: 50_000, seed: 10)
            try T.write(old, to: path)
            let file = try MappedFile(path: path, allowMapping: allowMapping)
            try T.write(T.noise(count: 20_000, seed: 11), to: dir + "/new.tmp")
            #expect(rename(dir + "/new.tmp", path) == 0)
            #expect(try T.bytes(file) == old)
            #expect(file.verify() == .unchanged)
        }
    }
}
