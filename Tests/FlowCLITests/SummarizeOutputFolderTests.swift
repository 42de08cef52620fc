import Foundation
import Glibc
import Testing

/// The report folder under what an unattended night does to it: a full disk (a small tmpfs), a
/// read-only or unwritable folder, a file in its place, `--output -`, and a second run writing into
/// the same folder. Each must end with a clear message naming the path and an exit code a script
/// can act on, leave the previous reports byte for byte, and leave no temporary file.
@Suite(.serialized)
struct SummarizeOutputFolderTests {
    static let example = Fixtures.absolute("datasets/example/flows.log")
    static let other = Fixtures.absolute("Tests/FlowEngineTests/Fixtures/summarize/v2-header/input.log")

    static func summarize(_ inputs: [String], output: String, _ extra: [String] = []) async throws -> ProcessOutput {
        try await Vpcflow.run(["summarize", "--quiet", "--ranges", Fixtures.exampleRanges, "--output", output] + extra + inputs)
    }

    /// The files of a report folder and their bytes.
    static func snapshot(_ folder: String) throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
            files[name] = try Fixtures.read("\(folder)/\(name)")
        }
        return files
    }

    /// Mounts a tmpfs of `size` at `path` for `body` (root only; nil when mounting is not allowed).
    static func withTmpfs<R>(_ path: String, options: String, _ body: () async throws -> R) async throws -> R? {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let mounted = try await ProcessRunner.run("/bin/mount", ["-t", "tmpfs", "-o", options, "tmpfs", path])
        guard mounted.exited(0) else { return nil }
        defer { _ = umount2(path, Int32(MNT_DETACH)) }
        return try await body()
    }

    /// Mounting a tmpfs needs root (CI runs as root; a developer's account skips these, visibly).
    static let canMount = geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/bin/mount")

    @Test(
        "a full disk while writing the reports: exit 74, the path named, previous reports intact, no temporary file",
        .enabled(if: canMount, "needs root to mount a small tmpfs"))
    func fullDisk() async throws {
        try await withTemporaryDirectory { directory in
            let disk = "\(directory)/disk"
            let ran: Bool? = try await Self.withTmpfs(disk, options: "size=256k") { () async throws -> Bool in
                let output = "\(disk)/out"
                let first = try await Self.summarize([Self.example], output: output)
                try #require(first.exited(0), "\(first)")
                let before = try Self.snapshot(output)
                // Fill the disk: write until the file system refuses.
                let filler = open("\(disk)/filler", O_WRONLY | O_CREAT, 0o644)
                try #require(filler >= 0)
                let block = [UInt8](repeating: 0x41, count: 4096)
                while block.withUnsafeBytes({ write(filler, $0.baseAddress, $0.count) }) > 0 {}
                #expect(errno == ENOSPC)
                close(filler)
                let second = try await Self.summarize([Self.other], output: output)
                #expect(second.exited(74), "\(second)")
                #expect(second.stderrText.contains("\(output)/"), "\(second.stderrText)")
                #expect(second.stderrText.contains("No space left on device"), "\(second.stderrText)")
                #expect(try Self.snapshot(output) == before, "the previous reports changed")
                return true
            }
            #expect(ran != nil, "mount -t tmpfs failed although we are root")
        }
    }

    @Test(
        "a read-only report folder is refused before any input is read: exit 74, named",
        .enabled(if: canMount, "needs root to mount a read-only tmpfs"))
    func readOnlyFolder() async throws {
        try await withTemporaryDirectory { directory in
            let disk = "\(directory)/ro"
            let ran: Bool? = try await Self.withTmpfs(disk, options: "ro,size=64k") { () async throws -> Bool in
                // A missing input would be reported (exit 66) only after reading: its absence from the
                // message shows the folder was checked first.
                let result = try await Self.summarize(["\(directory)/missing.log"], output: disk)
                #expect(result.exited(74), "\(result)")
                #expect(result.stderrText.contains(disk) && result.stderrText.contains("Read-only file system"), "\(result.stderrText)")
                #expect(!result.stderrText.contains("missing.log"), "inputs were read before the folder was checked")
                return true
            }
            #expect(ran != nil, "mount -t tmpfs failed although we are root")
        }
    }

    @Test("an unwritable report folder (mode 0555) is refused before any input is read, unless we are root")
    func unwritableFolder() async throws {
        try await withTemporaryDirectory { directory in
            let output = "\(directory)/locked"
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: false)
            chmod(output, 0o555)
            defer { chmod(output, 0o755) }
            let result = try await Self.summarize(["\(directory)/missing.log"], output: output)
            if geteuid() == 0 {
                // Root writes anyway: the run goes on and reports the missing input.
                #expect(result.exited(66), "\(result)")
            } else {
                #expect(result.exited(74), "\(result)")
                #expect(result.stderrText.contains(output) && !result.stderrText.contains("missing.log"), "\(result.stderrText)")
            }
        }
    }

    @Test("a file where the report folder should be: exit 74, named")
    func fileInTheWay() async throws {
        try await withTemporaryDirectory { directory in
            let output = "\(directory)/report"
            try Fixtures.write("not a folder\n", to: output)
            let result = try await Self.summarize([Self.example], output: output)
            #expect(result.exited(74), "\(result)")
            #expect(result.stderrText.contains(output), "\(result.stderrText)")
            #expect(try Fixtures.read(output) == Array("not a folder\n".utf8))
        }
    }

    @Test("--output - is a usage error (reports are a folder of files)", arguments: ["-", ""])
    func outputDash(_ value: String) async throws {
        try await withTemporaryDirectory { directory in
            let binary = try #require(Vpcflow.path)
            let result = try await ProcessRunner.run(
                binary, ["summarize", "--quiet", "--ranges", Fixtures.absolute(Fixtures.exampleRanges), "--output", value, Self.example],
                environment: ["VPCFLOW_RANGES": nil], directory: directory)
            #expect(result.exited(64), "\(result)")
            #expect(result.stderrText.contains("--output"), "\(result.stderrText)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
        }
    }

    @Test("a second run while another holds the report folder: exit 75, named, the first run's reports untouched")
    func secondRunRefused() async throws {
        try await withTemporaryDirectory { directory in
            let output = "\(directory)/out"
            let first = try await Self.summarize([Self.example], output: output)
            try #require(first.exited(0), "\(first)")
            let before = try Self.snapshot(output)
            // Hold the folder's lock as a running vpcflow does (flock on the folder).
            let fd = open(output, O_RDONLY | O_DIRECTORY)
            try #require(fd >= 0)
            #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)
            let second = try await Self.summarize([Self.other], output: output)
            #expect(second.exited(75), "\(second)")
            #expect(second.stderrText.contains(output) && second.stderrText.contains("another vpcflow run"), "\(second.stderrText)")
            #expect(try Self.snapshot(output) == before)
            close(fd)
            // Released: the next run writes.
            let third = try await Self.summarize([Self.other], output: output)
            #expect(third.exited(0), "\(third)")
            #expect(try Self.snapshot(output) != before)
        }
    }

    @Test("--fail-fast stopping at a missing input removes the report folders the run created")
    func failFastRemovesCreatedFolders() async throws {
        try await withTemporaryDirectory { directory in
            let output = "\(directory)/new/reports"
            let result = try await Self.summarize(["\(directory)/missing.log", Self.example], output: output, ["--fail-fast"])
            #expect(result.exited(66), "\(result)")
            #expect(!FileManager.default.fileExists(atPath: "\(directory)/new"), "the run left the folders it created")
        }
    }
}
