import Foundation
import Testing

@testable import FlowIO

/// `MappedFile`: the mapping and the `pread` fallback (`allowMapping: false`) give the bytes that
/// were written, whole and in sub-ranges, for sizes from empty to a few MB; `release(_:)` does not
/// change later reads; a missing path and a directory fail with the right code, naming the path.
struct MappedFileTests {
    private typealias T = IOTestSupport

    /// Sizes around the page size (4 KiB on x86-64 Linux, 16 KiB or 64 KiB elsewhere) and a few MB.
    static let sizes = [0, 1, 7, 4_095, 4_096, 4_097, 65_537, 3 * 1_048_576 + 12_345]

    @Test(arguments: sizes)
    func mappedAndReadGiveTheSameBytes(size: Int) throws {
        try T.withTemporaryDirectory { dir in
            let path = dir + "/data.bin"
            let written = T.noise(count: size, seed: UInt64(size) &+ 17)
            try T.write(written, to: path)
            let mapped = try MappedFile(path: path)
            let read = try MappedFile(path: path, allowMapping: false)
            #expect(mapped.path == path && read.path == path)
            #expect(mapped.count == size && read.count == size)
            #expect(mapped.isMapped == (size > 0))
            #expect(!read.isMapped)
            #expect(try T.bytes(mapped) == written)
            #expect(try T.bytes(read) == written)

            // Sub-ranges: empty ones, the ends, page-crossing ones and random ones.
            var ranges: [Range<Int>] = [0..<0, size..<size, 0..<size]
            if size > 0 { ranges += [0..<1, (size - 1)..<size, (size / 2)..<(size / 2)] }
            if size > 4_200 { ranges += [4_090..<4_200, 4_096..<4_097, 1..<(size - 1)] }
            let cuts = T.noise(count: 64, seed: 99).map { Int($0) * size / 256 }
            for i in stride(from: 0, to: cuts.count, by: 2) { ranges.append(min(cuts[i], cuts[i + 1])..<max(cuts[i], cuts[i + 1])) }
            for range in ranges {
                #expect(try T.bytes(mapped, range) == Array(written[range]), "mapped \(range)")
                #expect(try T.bytes(read, range) == Array(written[range]), "read \(range)")
            }
        }
    }

    @Test func emptyFileHasNoBytes() throws {
        try T.withTemporaryDirectory { dir in
            let path = dir + "/empty"
            try T.write([], to: path)
            for allow in [true, false] {
                let file = try MappedFile(path: path, allowMapping: allow)
                #expect(file.count == 0 && !file.isMapped)
                #expect(try file.withBytes { $0.count } == 0)
                #expect(try file.withBytes(in: 0..<0) { $0.isEmpty })
                file.release(0..<0)
            }
        }
    }

    @Test func releaseDoesNotChangeLaterReads() throws {
        try T.withTemporaryDirectory { dir in
            let path = dir + "/big.bin"
            let size = 2 * 1_048_576 + 333
            let written = T.noise(count: size, seed: 4242)
            try T.write(written, to: path)
            for allow in [true, false] {
                let file = try MappedFile(path: path, allowMapping: allow)
                #expect(try T.bytes(file) == written)
                // Aligned, unaligned, tiny, tail and whole-file releases, each followed by reads.
                for range in [0..<1_048_576, 4_097..<9_000, 10..<20, (size - 100)..<size, 0..<size, 5..<5] {
                    file.release(range)
                    #expect(try T.bytes(file, range) == Array(written[range]), "\(range)")
                }
                #expect(try T.bytes(file) == written)
            }
        }
    }

    @Test func concurrentReadersSeeTheSameBytes() async throws {
        let dir = try T.makeTemporaryDirectory()
        defer { T.remove(dir) }
        let path = dir + "/shared.bin"
        let written = T.noise(count: 1_048_576, seed: 7)
        try T.write(written, to: path)
        let file = try MappedFile(path: path)
        let chunk = written.count / 8
        let sums = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for i in 0..<8 {
                group.addTask {
                    let range = (i * chunk)..<((i + 1) * chunk)
                    let sum = try file.withBytes(in: range) { span in
                        var total = 0
                        for j in 0..<span.count { total &+= Int(span[j]) }
                        return total
                    }
                    file.release(range)
                    return (i, sum)
                }
            }
            var result = [Int](repeating: 0, count: 8)
            for try await (i, sum) in group { result[i] = sum }
            return result
        }
        let expected = (0..<8).map { i in written[(i * chunk)..<((i + 1) * chunk)].reduce(0) { $0 &+ Int($1) } }
        #expect(sums == expected)
    }

    @Test func readPathReportsAFileThatShrank() throws {
        try T.withTemporaryDirectory { dir in
            let path = dir + "/shrinking.log"
            let written = T.noise(count: 10_000, seed: 21)
            try T.write(written, to: path)
            let file = try MappedFile(path: path, allowMapping: false)
            // Truncate in place (the open descriptor sees it), with Foundation.
            let handle = try #require(FileHandle(forWritingAtPath: path))
            try handle.truncate(atOffset: 4_000)
            try handle.close()
            #expect(try T.bytes(file, 0..<4_000) == Array(written.prefix(4_000)))
            let error = try #require(T.error { _ = try T.bytes(file, 3_000..<10_000) })
            #expect(error.code == .changed && error.path == path)
        }
    }

    @Test func missingFileIsNotFoundNamingThePath() throws {
        try T.withTemporaryDirectory { dir in
            let path = dir + "/no-such-file.log"
            for allow in [true, false] {
                let error = try #require(T.error { _ = try MappedFile(path: path, allowMapping: allow) })
                #expect(error.code == .notFound)
                #expect(error.path == path)
                #expect(error.description.contains(path))
                #expect(error.errno != nil)
            }
            // A path through a missing directory, too.
            #expect(T.error { _ = try MappedFile(path: dir + "/missing-dir/x") }?.code == .notFound)
        }
    }

    @Test func directoryIsTheWrongKind() throws {
        try T.withTemporaryDirectory { dir in
            for allow in [true, false] {
                let error = try #require(T.error { _ = try MappedFile(path: dir, allowMapping: allow) })
                #expect(error.code == .wrongKind)
                #expect(error.path == dir)
                #expect(error.description.contains(dir) && error.description.contains("directory"))
            }
        }
        // A character device is not a regular file either.
        #expect(T.error { _ = try MappedFile(path: "/dev/null") }?.code == .wrongKind)
    }
}
