import Foundation
import Testing

/// Issue 11, sections 4 and 5: inputs a new user gets wrong, and inputs no test had tried. Each
/// gets a clear message naming the input, the exit code a script can act on, and nothing lost: the
/// good inputs beside it are still reported exactly as alone.
struct InputMistakeTests {
    static let good = "\(SummarizeCLITests.fixtures)/v2-header/input.log"
    static let goodServices = "\(SummarizeCLITests.fixtures)/v2-header/services.csv"
    /// The good file's records: 9 OK, and 12 lines with its header and blank lines.
    static let goodOK = 9

    static func summarize(_ arguments: [String], output: String, stdin: [UInt8]? = nil) async throws -> ProcessOutput {
        try await SummarizeCLITests.summarize(arguments, output: output, stdin: stdin)
    }

    static func inputs(_ directory: String) throws -> [String: Any] {
        try #require(try SummarizeCLITests.summary(directory)["inputs"] as? [String: Any])
    }

    static func records(_ directory: String) throws -> [String: Any] {
        try #require(try SummarizeCLITests.summary(directory)["records"] as? [String: Any])
    }

    /// Standard error may hold only printable text: no byte below 0x20 but LF, no DEL.
    static func isPrintable(_ bytes: [UInt8]) -> Bool { bytes.allSatisfy { $0 == 0x0A || ($0 >= 0x20 && $0 != 0x7F) } }

    /// Deterministic "random" bytes (a xorshift generator), with newlines among them.
    static func randomBytes(_ count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return UInt8(truncatingIfNeeded: state >> 24)
        }
    }

    static func notFlowLogContents(_ kind: String) -> [UInt8] {
        switch kind {
        case "random bytes": return randomBytes(20_000)
        case "a Parquet file": return Array("PAR1".utf8) + randomBytes(3000, seed: 7) + [0x15, 0, 0, 0] + Array("PAR1".utf8)
        case "a README": return Array("# vpcflow\n\nWhich AWS services and regions do your logs talk to?\n\n- one\n- two\n".utf8)
        default: return [UInt8](repeating: 0, count: 5000)  // NUL bytes only
        }
    }

    static let notFlowLogs = ["random bytes", "a Parquet file", "a README", "NUL bytes"]

    // MARK: - Not a flow log

    @Test("an input that is not a flow log beside a good one: exit 65, named, the good one reported", arguments: notFlowLogs)
    func notAFlowLog(_ kind: String) async throws {
        try await withTemporaryDirectory { directory in
            let bad = "\(directory)/not-a-log.bin"
            try Fixtures.write(Self.notFlowLogContents(kind), to: bad)
            let result = try await Self.summarize([bad, Self.good], output: "\(directory)/out")
            #expect(result.exited(65), "\(result)")
            #expect(result.stderrText.contains("vpcflow: \(bad): not a flow log: "), "\(result)")
            #expect(Self.isPrintable(result.stderr), "raw bytes on stderr: \(result)")
            #expect(try Fixtures.read("\(directory)/out/services.csv") == Fixtures.read(Self.goodServices))
            #expect(try Self.inputs("\(directory)/out")["not_flow_logs"] as? [String] == [bad])
            // The samples in summary.json are escaped too: no control byte in the file at all.
            let summary = try Fixtures.read("\(directory)/out/summary.json")
            #expect(Self.isPrintable(summary))
            let samples = try JSON.objects(try SummarizeCLITests.summary("\(directory)/out"), "malformed_samples")
            #expect(!samples.isEmpty)
            for sample in samples {
                let text = try #require(sample["text"] as? String)
                #expect(text.unicodeScalars.allSatisfy { $0.value >= 0x20 && !(0x7F...0x9F).contains($0.value) }, "\(text)")
            }
        }
    }

    @Test("an input that is not a flow log alone: exit 65 and no empty report set", arguments: notFlowLogs)
    func notAFlowLogAlone(_ kind: String) async throws {
        try await withTemporaryDirectory { directory in
            let bad = "\(directory)/not-a-log.bin"
            try Fixtures.write(Self.notFlowLogContents(kind), to: bad)
            let result = try await Self.summarize([bad], output: "\(directory)/out")
            #expect(result.exited(65), "\(result)")
            #expect(result.stderrText.contains("no input could be read as a flow log: no reports written"), "\(result)")
            #expect(SummarizeCLITests.present("\(directory)/out").isEmpty)
        }
    }

    /// NUL and other control bytes inside a line that is otherwise a record: malformed, counted,
    /// and the sample shows them as `\x00`, so it can be read and the bytes told apart.
    @Test("control and invalid UTF-8 bytes in a sample are escaped as \\xNN")
    func escapedSample() async throws {
        try await withTemporaryDirectory { directory in
            let log = "\(directory)/nul.log"
            var bytes = try Fixtures.read(Self.good)
            bytes += Array("2 123456789010 eni-1 10.0.0.6 3.2.34.5 1 2 6 ".utf8) + [0x00, 0x1B, 0x5B, 0x32, 0x4A, 0xFF, 0x5C]
                + Array(" 5 1418530010 1418530070 ACCEPT OK\n".utf8)
            try Fixtures.write(bytes, to: log)
            let result = try await Self.summarize([log], output: "\(directory)/out")
            #expect(result.exited(0), "\(result)")
            let samples = try JSON.objects(try SummarizeCLITests.summary("\(directory)/out"), "malformed_samples")
            #expect(samples.count == 1)
            #expect(samples.first?["text"] as? String == "2 123456789010 eni-1 10.0.0.6 3.2.34.5 1 2 6 \\x00\\x1b[2J\\xff\\\\ 5 1418530010 1418530070 ACCEPT OK")
            #expect(samples.first?["line"] as? Int == 13)
            #expect(try Self.records("\(directory)/out")["ok"] as? Int == Self.goodOK)
            // Without --quiet the samples go to standard error, escaped the same way.
            let loud = try await Vpcflow.run(["summarize", "--ranges", Fixtures.exampleRanges, "--output", "\(directory)/loud", log])
            #expect(loud.exited(0))
            #expect(loud.stderrText.contains("\\x00\\x1b[2J\\xff\\\\"), "\(loud)")
            #expect(Self.isPrintable(loud.stderr))
        }
    }

    // MARK: - No input files

    @Test("a folder with no input file: exit 66, no input files found, no reports", arguments: ["empty", "only hidden files"])
    func emptyFolder(_ kind: String) async throws {
        try await withTemporaryDirectory { directory in
            let folder = "\(directory)/logs"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            if kind != "empty" {
                try Fixtures.write(try Fixtures.read(Self.good), to: "\(folder)/.hidden.log")
                try Fixtures.write(try Fixtures.read(Self.good), to: "\(folder)/.partial/x.log")
            }
            let result = try await Self.summarize([folder], output: "\(directory)/out")
            #expect(result.exited(66), "\(result)")
            #expect(result.stderrText.hasPrefix("vpcflow: no input files found in \"\(folder)\""), "\(result)")
            #expect(!FileManager.default.fileExists(atPath: "\(directory)/out"))
        }
    }

    @Test("an empty folder beside a good file: named, the file reported, exit 66")
    func emptyFolderAmongInputs() async throws {
        try await withTemporaryDirectory { directory in
            let folder = "\(directory)/logs"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let result = try await Self.summarize([folder, Self.good], output: "\(directory)/out")
            #expect(result.exited(66), "\(result)")
            #expect(result.stderrText.contains("no input files found in \"\(folder)\""))
            #expect(try Fixtures.read("\(directory)/out/services.csv") == Fixtures.read(Self.goodServices))
            #expect(try Self.inputs("\(directory)/out")["empty_directories"] as? [String] == [folder])
        }
    }

    @Test("a missing input alone: exit 66 and no empty report set")
    func missingAlone() async throws {
        try await withTemporaryDirectory { directory in
            let result = try await Self.summarize(["\(directory)/missing.log"], output: "\(directory)/out")
            #expect(result.exited(66), "\(result)")
            #expect(result.stderrText.contains("missing.log"))
            #expect(SummarizeCLITests.present("\(directory)/out").isEmpty)
        }
    }

    // MARK: - The same file twice

    @Test("the same file through two paths is counted once, and said so", arguments: ["twice", "./x and x", "a symlink", "a directory and a file in it"])
    func sameFileTwice(_ how: String) async throws {
        try await withTemporaryDirectory { directory in
            let folder = "\(directory)/logs"
            let file = "\(folder)/x.log"
            try Fixtures.write(try Fixtures.read(Self.good), to: file)
            let arguments: [String]
            switch how {
            case "twice": arguments = [file, file]
            case "./x and x": arguments = [file, "\(folder)/./x.log"]
            case "a symlink":
                try FileManager.default.createSymbolicLink(atPath: "\(directory)/link.log", withDestinationPath: file)
                arguments = [file, "\(directory)/link.log"]
            default: arguments = [folder, file]
            }
            let result = try await Self.summarize(arguments, output: "\(directory)/out")
            #expect(result.exited(0), "\(result)")
            #expect(result.stderrText.contains("vpcflow: \"\(arguments[1])\" is the same file as \"\(file)\": read once"), "\(result)")
            #expect(try Self.records("\(directory)/out")["ok"] as? Int == Self.goodOK)
            #expect(try Fixtures.read("\(directory)/out/services.csv") == Fixtures.read(Self.goodServices))
            let duplicates = try JSON.objects(try Self.inputs("\(directory)/out"), "duplicates")
            #expect(duplicates.map { $0["path"] as? String } == [arguments[1]])
            #expect(duplicates.map { $0["same_as"] as? String } == [file])
            #expect(try Self.inputs("\(directory)/out")["files"] as? Int == 1)
        }
    }

    // MARK: - Special files

    /// A FIFO, as a process substitution gives (`<(zcat x.gz)`): streamed like standard input,
    /// plain or gzip. The writer blocks in open(2) until vpcflow opens the other end, so nothing
    /// depends on timing.
    @Test("a FIFO is streamed like standard input, plain and gzip", arguments: [false, true])
    func fifo(_ gzip: Bool) async throws {
        try await withTemporaryDirectory { directory in
            let fifo = "\(directory)/pipe"
            #expect(mkfifo(fifo, 0o600) == 0)
            var bytes = try Fixtures.read(Self.good)
            if gzip { bytes = try GzipFixture.compress(bytes, in: directory) }
            try Fixtures.write(bytes, to: "\(directory)/source")
            let writer = Process()
            writer.executableURL = URL(fileURLWithPath: "/bin/sh")
            writer.arguments = ["-c", "cat \"$0\" > \"$1\"", "\(directory)/source", fifo]
            try writer.run()
            let result = try await Self.summarize([fifo], output: "\(directory)/out")
            writer.waitUntilExit()
            #expect(result.exited(0), "\(result)")
            #expect(try Fixtures.read("\(directory)/out/services.csv") == Fixtures.read(Self.goodServices))
            #expect(try Self.inputs("\(directory)/out")["gzip_files"] as? Int == (gzip ? 1 : 0))
            #expect(try Self.inputs("\(directory)/out")["bytes"] as? Int == (gzip ? try Fixtures.read(Self.good).count : bytes.count))
        }
    }

    /// A pipe that delivers 3 MiB of NUL bytes without a newline, then a record: the over-long line
    /// is one malformed line ("line longer than 1048576 bytes"), the record after it is counted.
    @Test("an endless-looking line from a pipe is one malformed line, bounded by the line limit")
    func overLongLineFromAPipe() async throws {
        try await withTemporaryDirectory { directory in
            let good = try Fixtures.read(Self.good)
            let bytes = [UInt8](repeating: 0, count: 3 << 20) + [0x0A] + good
            let result = try await Self.summarize(["-"], output: "\(directory)/out", stdin: bytes)
            #expect(result.exited(0), "\(result)")
            let records = try Self.records("\(directory)/out")
            #expect(records["ok"] as? Int == Self.goodOK)
            #expect(records["malformed"] as? Int == 2)  // the long line, and the header that follows it
            let samples = try JSON.objects(try SummarizeCLITests.summary("\(directory)/out"), "malformed_samples")
            #expect(samples.first?["reason"] as? String == "line longer than 1048576 bytes")
            #expect(samples.first?["line"] as? Int == 1)
            #expect(try Self.inputs("\(directory)/out")["bytes"] as? Int == bytes.count)
        }
    }

    /// A plain file whose first line is 300 MB of `x`, then the good file: mapped and read with
    /// `pread`, under a 128 MiB limit on the process's private memory (`ulimit -d`). The chunk plan
    /// cuts inside the line, so no chunk holds more than the chunk size plus the line limit, and an
    /// over-long line is judged before any test that reads it whole; before, the line was one chunk
    /// (`pread`: a 300 MB buffer) and the header test copied it byte by byte (mapped), and both runs
    /// were killed by the limit.
    @Test("a 300 MB line in a plain file: one malformed line, the rest counted, in bounded memory", arguments: [false, true])
    func overLongLineInAFile(_ pread: Bool) async throws {
        try await withTemporaryDirectory { directory in
            let path = "\(directory)/long.log"
            try Fixtures.write([], to: path)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            let block = Data(repeating: UInt8(ascii: "x"), count: 1_000_000)
            for _ in 0..<300 { try handle.write(contentsOf: block) }
            try handle.write(contentsOf: [0x0A] + (try Fixtures.read(Self.good)))
            try handle.close()
            let mode = pread ? " --no-mmap" : ""
            let result = try await Vpcflow.shell(
                "ulimit -d 131072 && exec \"$BIN\" summarize --quiet\(mode) --ranges \(Fixtures.exampleRanges) --output '\(directory)/out' '\(path)'",
                timeout: .seconds(180))
            #expect(result.exited(0), "\(result)")
            guard result.exited(0) else { return }
            let records = try Self.records("\(directory)/out")
            #expect(records["ok"] as? Int == Self.goodOK)
            #expect(records["malformed"] as? Int == 2)  // the long line, and the header that follows it
            let samples = try JSON.objects(try SummarizeCLITests.summary("\(directory)/out"), "malformed_samples")
            #expect(samples.map { $0["line"] as? Int } == [1, 2])
            #expect(samples.first?["reason"] as? String == "line longer than 1048576 bytes")
            #expect(try Fixtures.read("\(directory)/out/services.csv") == Fixtures.read(Self.goodServices))
        }
    }

    @Test("devices are refused and named, the other inputs reported", arguments: ["/dev/zero", "/dev/urandom"])
    func device(_ device: String) async throws {
        try await withTemporaryDirectory { directory in
            let result = try await Self.summarize([device, Self.good], output: "\(directory)/out")
            #expect(result.exited(66), "\(result)")
            #expect(result.stderrText.contains("cannot read \"\(device)\": a device, not a file or a pipe"), "\(result)")
            #expect(try Fixtures.read("\(directory)/out/services.csv") == Fixtures.read(Self.goodServices))
        }
    }

    @Test("a dangling symlink and a symlink loop inside an input folder: named, not fatal for the others")
    func brokenLinks() async throws {
        try await withTemporaryDirectory { directory in
            let folder = "\(directory)/logs"
            try Fixtures.write(try Fixtures.read(Self.good), to: "\(folder)/a.log")
            let fm = FileManager.default
            try fm.createSymbolicLink(atPath: "\(folder)/dangling.log", withDestinationPath: "\(folder)/nowhere.log")
            try fm.createSymbolicLink(atPath: "\(folder)/loop-1", withDestinationPath: "\(folder)/loop-2")
            try fm.createSymbolicLink(atPath: "\(folder)/loop-2", withDestinationPath: "\(folder)/loop-1")
            try fm.createSymbolicLink(atPath: "\(folder)/self-dir", withDestinationPath: folder)
            let result = try await Self.summarize([folder], output: "\(directory)/out")
            #expect(result.exited(66), "\(result)")
            for name in ["dangling.log", "loop-1", "loop-2"] { #expect(result.stderrText.contains("\(folder)/\(name)"), "\(name): \(result)") }
            #expect(try Fixtures.read("\(directory)/out/services.csv") == Fixtures.read(Self.goodServices))
            let failed = try JSON.objects(try Self.inputs("\(directory)/out"), "failed")
            #expect(failed.compactMap { $0["path"] as? String }.sorted() == ["dangling.log", "loop-1", "loop-2"].map { "\(folder)/\($0)" })
            #expect(failed.allSatisfy { $0["kind"] as? String == "cannot_open" })
        }
    }

    @Test("a zero-byte file beside a good one: read, 0 lines, exit 0")
    func zeroByteFile() async throws {
        try await withTemporaryDirectory { directory in
            try Fixtures.write([], to: "\(directory)/empty.log")
            let result = try await Self.summarize(["\(directory)/empty.log", Self.good], output: "\(directory)/out")
            #expect(result.exited(0), "\(result)")
            #expect(try Fixtures.read("\(directory)/out/services.csv") == Fixtures.read(Self.goodServices))
            #expect(try Self.inputs("\(directory)/out")["files"] as? Int == 2)
        }
    }

    // MARK: - Gzip edge cases

    /// A gzip member followed by bytes that are not another member is corrupt (exit 74), as zlib
    /// sees it, and named; the other input is reported.
    @Test("a gzip with trailing garbage: exit 74, named, the other input reported")
    func gzipTrailingGarbage() async throws {
        try await withTemporaryDirectory { directory in
            let bytes = try GzipFixture.compress(try Fixtures.read(Self.good), in: directory) + Array("garbage\n".utf8)
            try Fixtures.write(bytes, to: "\(directory)/x.log.gz")
            let result = try await Self.summarize(["\(directory)/x.log.gz", Self.good], output: "\(directory)/out")
            #expect(result.exited(74), "\(result)")
            #expect(result.stderrText.contains("cannot decompress \"\(directory)/x.log.gz\": corrupt gzip data"), "\(result)")
            #expect(try Fixtures.read("\(directory)/out/services.csv") == Fixtures.read(Self.goodServices))
        }
    }

    @Test("an empty gzip member: read, 0 lines, exit 0")
    func emptyGzip() async throws {
        try await withTemporaryDirectory { directory in
            try Fixtures.write(try GzipFixture.compress([], in: directory), to: "\(directory)/empty.log.gz")
            let result = try await Self.summarize(["\(directory)/empty.log.gz", Self.good], output: "\(directory)/out")
            #expect(result.exited(0), "\(result)")
            #expect(try Self.inputs("\(directory)/out")["gzip_files"] as? Int == 1)
            #expect(try Fixtures.read("\(directory)/out/services.csv") == Fixtures.read(Self.goodServices))
        }
    }

    // MARK: - Many files, deep JSON, option limits

    /// 20,000 one-record files in one folder (BENCHMARKS.md has 100,000, timed): every record counted.
    @Test("20,000 tiny files in one folder")
    func manyFiles() async throws {
        try await withTemporaryDirectory { directory in
            let folder = "\(directory)/logs"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let line = Array("2 123456789010 eni-1 10.0.0.6 3.2.34.5 44321 443 6 1 100 1418530010 1418530070 ACCEPT OK\n".utf8)
            for i in 0..<20_000 { _ = FileManager.default.createFile(atPath: "\(folder)/\(i).log", contents: Data(line)) }
            let result = try await Self.summarize([folder], output: "\(directory)/out")
            #expect(result.exited(0), "\(result)")
            #expect(try Self.records("\(directory)/out")["ok"] as? Int == 20_000)
            #expect(try Self.inputs("\(directory)/out")["files"] as? Int == 20_000)
        }
    }

    @Test("a ranges file nested 100,000 levels deep: exit 65, no stack overflow")
    func deepRanges() async throws {
        try await withTemporaryDirectory { directory in
            let path = "\(directory)/deep.json"
            try Fixtures.write(Array(("{\"prefixes\":" + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}").utf8), to: path)
            for arguments in [["ranges", "info", "--ranges", path], ["summarize", "--ranges", path, "--output", "\(directory)/out", Self.good]] {
                let result = try await Vpcflow.run(arguments)
                #expect(result.exited(65), "\(result)")
                #expect(result.stderrText.contains("nesting depth exceeds the maximum of 512"), "\(result)")
            }
        }
    }

    @Test(
        "--jobs and --chunk-size beyond their limits are usage errors",
        arguments: [
            ["--jobs", "1025"], ["--jobs", "99999999999999999999"], ["--jobs", "0"], ["--chunk-size", "2G"],
            ["--chunk-size", "1025M"], ["--chunk-size", "99999999999999999999K"], ["--chunk-size", "9223372036854775807G"],
            ["--chunk-size", "-1"],
        ])
    func optionLimits(_ options: [String]) async throws {
        try await withTemporaryDirectory { directory in
            let result = try await Self.summarize(options + [Self.good], output: "\(directory)/out")
            #expect(result.exited(64), "\(result)")
            #expect(result.stderrText.hasPrefix("vpcflow: --\(options[0].dropFirst(2))"), "\(result)")
        }
    }

    @Test(
        "--jobs and --chunk-size at their limits give the same reports",
        arguments: [["--jobs", "1"], ["--jobs", "1024"], ["--chunk-size", "1"], ["--chunk-size", "1G"], ["--jobs", "1024", "--chunk-size", "1"]])
    func optionsAtLimits(_ options: [String]) async throws {
        try await withTemporaryDirectory { directory in
            for input in [Self.good, "-"] {
                let stdin = input == "-" ? try Fixtures.read(Self.good) : nil
                let result = try await Self.summarize(options + [input], output: "\(directory)/out", stdin: stdin)
                #expect(result.exited(0), "\(result)")
                #expect(try Fixtures.read("\(directory)/out/services.csv") == Fixtures.read(Self.goodServices))
            }
        }
    }

    // MARK: - Plurals

    @Test("one of a thing is singular in the text summary")
    func plurals() async throws {
        try await withTemporaryDirectory { directory in
            let log = "\(directory)/one.log"
            try Fixtures.write("2 123456789010 eni-1 10.0.0.6 3.2.34.5 44321 443 6 1 1 1418530010 1418530070 ACCEPT OK\nbad line\n", to: log)
            let result = try await Vpcflow.run(["summarize", "--ranges", Fixtures.exampleRanges, "--output", "\(directory)/out", log])
            #expect(result.exited(0), "\(result)")
            let text = result.stdoutText
            #expect(text.contains("read 1 input, "), "\(text)")
            #expect(text.contains(" 2 records in "), "\(text)")
            #expect(text.contains("totals:  1 flow, 1 packet, 1 byte\n"), "\(text)")
            #expect(result.stderrText.contains("vpcflow: 1 malformed line skipped"), "\(result)")
        }
    }
}
