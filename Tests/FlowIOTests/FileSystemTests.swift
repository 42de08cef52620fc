import Foundation
import Glibc
import Testing

@testable import FlowIO

/// `AtomicFile` (create, replace, no temporary left behind, failures leave nothing), `mkdir -p`,
/// `DirectoryWalk.regularFiles` (sorted, hidden names skipped, nested, links to files followed,
/// links to directories not) and `FileReading` (`readAll`, `kind(of:)`, `size(of:)`).
/// Every tree is built with Foundation under the system temporary directory and removed.
struct FileSystemTests {
    private typealias T = IOTestSupport

    // MARK: - AtomicFile

    @Test func writeCreatesAndReplaces() throws {
        try T.withTemporaryDirectory { dir in
            let path = dir + "/services.csv"
            try AtomicFile.write(Array("side,region\nsrc,us-east-1\n".utf8), to: path)
            #expect(T.contents(path) == Array("side,region\nsrc,us-east-1\n".utf8))
            let big = T.noise(count: 300_000, seed: 3)
            try AtomicFile.write(big, to: path)
            #expect(T.contents(path) == big)
            try AtomicFile.write(Array("short".utf8), to: path)  // shorter than before: nothing of the old left
            #expect(T.contents(path) == Array("short".utf8))
            try AtomicFile.write([], to: path)
            #expect(T.contents(path) == [])
            #expect(try T.names(in: dir) == ["services.csv"])  // no .tmp-* left
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode.map { $0 & 0o600 } == 0o600)
        }
    }

    @Test func writeIntoAMissingDirectoryThrowsAndLeavesNothing() throws {
        try T.withTemporaryDirectory { dir in
            let path = dir + "/missing/out.json"
            let error = try #require(T.error { try AtomicFile.write([1, 2, 3], to: path) })
            #expect(error.code == .notFound)
            #expect(error.description.contains(dir + "/missing/"))
            #expect(try T.names(in: dir) == [])
        }
    }

    @Test func writeOverADirectoryThrowsAndLeavesItAlone() throws {
        try T.withTemporaryDirectory { dir in
            let target = dir + "/report"
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: false)
            try T.write([9], to: target + "/keep")
            #expect(T.error { try AtomicFile.write([1, 2, 3], to: target) } != nil)
            #expect(try T.names(in: dir) == ["report"])  // the temporary file was removed
            #expect(try T.names(in: target) == ["keep"])
        }
    }

    @Test func severalFilesAreReplacedTogether() throws {
        try T.withTemporaryDirectory { dir in
            try AtomicFile.write([(dir + "/services.csv", [1, 2]), (dir + "/summary.json", [3])])
            #expect(T.contents(dir + "/services.csv") == [1, 2] && T.contents(dir + "/summary.json") == [3])
            // The second destination cannot be written: neither file changes, no temporary is left.
            let error = T.error {
                try AtomicFile.write([(dir + "/services.csv", [9, 9, 9]), (dir + "/missing/summary.json", [9])])
            }
            #expect(error?.code == .notFound)
            #expect(T.contents(dir + "/services.csv") == [1, 2])
            #expect(try T.names(in: dir) == ["services.csv", "summary.json"])
        }
    }

    @Test func createDirectoryMakesParents() throws {
        try T.withTemporaryDirectory { dir in
            let nested = dir + "/a/b/c"
            try AtomicFile.createDirectory(nested)
            #expect(FileReading.kind(of: nested) == .directory)
            try AtomicFile.createDirectory(nested)  // already there: fine
            try AtomicFile.createDirectory(dir + "/a/x//y/")  // doubled and trailing slashes
            #expect(FileReading.kind(of: dir + "/a/x/y") == .directory)
            try AtomicFile.write([1], to: nested + "/f")
            #expect(T.contents(nested + "/f") == [1])
            #expect(try T.names(in: dir + "/a") == ["b", "x"])
        }
    }

    @Test func createDirectoryRefusesAFileInTheWay() throws {
        try T.withTemporaryDirectory { dir in
            try T.write([1], to: dir + "/file")
            // A file where a parent should be.
            #expect(T.error { try AtomicFile.createDirectory(dir + "/file/sub") } != nil)
            // A file at the path itself: `mkdir -p` says "File exists".
            #expect(T.error { try AtomicFile.createDirectory(dir + "/file") } != nil)
            #expect(FileReading.kind(of: dir + "/file") == .regular)
        }
    }

    // MARK: - DirectoryWalk

    @Test func regularFilesAreSortedNestedAndSkipHiddenNames() throws {
        try T.withTemporaryDirectory { dir in
            let fm = FileManager.default
            let root = dir + "/AWSLogs"
            for sub in ["/123/vpcflowlogs/us-east-1/2026/08/22", "/123/vpcflowlogs/us-east-1/2026/08/21", "/.hidden-dir", "/empty"] {
                try fm.createDirectory(atPath: root + sub, withIntermediateDirectories: true)
            }
            for file in [
                "/b.log.gz", "/a.log", "/Z.log", "/sub-x.log", "/.hidden.log", "/.hidden-dir/inside.log",
                "/123/vpcflowlogs/us-east-1/2026/08/22/x_20260822T0005Z.log.gz",
                "/123/vpcflowlogs/us-east-1/2026/08/21/x_20260821T2355Z.log.gz",
                "/123/vpcflowlogs/us-east-1/2026/08/21/.partial.tmp",
            ] {
                try T.write(Array(file.utf8), to: root + file)
            }
            try fm.createSymbolicLink(atPath: root + "/link-to-file", withDestinationPath: root + "/a.log")
            try fm.createSymbolicLink(atPath: root + "/link-to-dir", withDestinationPath: root + "/123")
            try fm.createSymbolicLink(atPath: root + "/dangling", withDestinationPath: root + "/nowhere")
            try fm.createSymbolicLink(atPath: root + "/loop-a", withDestinationPath: root + "/loop-b")
            try fm.createSymbolicLink(atPath: root + "/loop-b", withDestinationPath: root + "/loop-a")
            // Byte order: "Z" < "a" < "b" < "d" < "l" < "s"; "123" first. The dangling link and the
            // loop are listed (the job names them as inputs it cannot open), not dropped.
            let expected = [
                "/123/vpcflowlogs/us-east-1/2026/08/21/x_20260821T2355Z.log.gz",
                "/123/vpcflowlogs/us-east-1/2026/08/22/x_20260822T0005Z.log.gz",
                "/Z.log", "/a.log", "/b.log.gz", "/dangling", "/link-to-file", "/loop-a", "/loop-b", "/sub-x.log",
            ].map { root + $0 }
            #expect(try DirectoryWalk.regularFiles(under: root) == expected)
            #expect(try DirectoryWalk.regularFiles(under: root + "/") == expected)
            #expect(try DirectoryWalk.regularFiles(under: root + "/empty") == [])
        }
    }

    @Test func walkingAMissingDirectoryThrows() throws {
        try T.withTemporaryDirectory { dir in
            let error = try #require(T.error { _ = try DirectoryWalk.regularFiles(under: dir + "/none") })
            #expect(error.code == .notFound)
            #expect(error.path == dir + "/none")
        }
    }

    // MARK: - FileReading

    @Test func readAllKindAndSize() throws {
        try T.withTemporaryDirectory { dir in
            let path = dir + "/ranges.json"
            let bytes = T.noise(count: 70_001, seed: 11)
            try T.write(bytes, to: path)
            try T.write([], to: dir + "/empty")
            try FileManager.default.createSymbolicLink(atPath: dir + "/link", withDestinationPath: path)

            #expect(try FileReading.readAll(path) == bytes)
            #expect(try FileReading.readAll(dir + "/link") == bytes)
            #expect(try FileReading.readAll(dir + "/empty") == [])
            #expect(T.error { _ = try FileReading.readAll(dir + "/missing") }?.code == .notFound)
            #expect(T.error { _ = try FileReading.readAll(dir) }?.code == .wrongKind)

            #expect(FileReading.kind(of: path) == .regular)
            #expect(FileReading.kind(of: dir + "/link") == .regular)
            #expect(FileReading.kind(of: dir) == .directory)
            #expect(FileReading.kind(of: dir + "/missing") == .missing)
            #expect(FileReading.kind(of: "/dev/null") == .other)

            #expect(FileReading.size(of: path) == 70_001)
            #expect(FileReading.size(of: dir + "/empty") == 0)
            #expect(FileReading.size(of: dir + "/link") == 70_001)
            #expect(FileReading.size(of: dir) == nil)
            #expect(FileReading.size(of: dir + "/missing") == nil)
        }
    }

    @Test func readAllFromADescriptorReadsToTheEnd() throws {
        try T.withTemporaryDirectory { dir in
            let path = dir + "/stream.bin"
            let bytes = T.noise(count: 2 * 1_048_576 + 5, seed: 5)  // more than one 1 MiB block
            try T.write(bytes, to: path)
            let fd = open(path, O_RDONLY)
            try #require(fd >= 0)
            defer { close(fd) }
            #expect(try FileReading.readAll(fileDescriptor: fd, name: "<test>") == bytes)
            #expect(try FileReading.readAll(fileDescriptor: fd, name: "<test>") == [])  // at the end already
        }
    }

    @Test func errorDescriptionsNameThePath() {
        let error = FileSystemError(code: .notFound, operation: "open", path: "logs/a.log", errno: 2, reason: "No such file or directory")
        #expect(error.description == #"cannot open "logs/a.log": No such file or directory"#)
        #expect(FileSystemError(code: .brokenPipe, operation: "write", path: "", reason: "Broken pipe").description == "cannot write: Broken pipe")
    }
}
