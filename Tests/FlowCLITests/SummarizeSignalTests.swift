import Foundation
import Glibc
import Testing

/// Ctrl-C during `vpcflow summarize`: SIGINT sent to a running job must end it with status 130
/// within a few seconds, writing no report and leaving no temporary file in an output directory
/// that had no reports before. Two ways to be busy: reading a large file (256 MB, written here), and
/// waiting on a standard-input pipe that stays open. Every wait is bounded; a process still running
/// at the end is killed.
@Suite(.serialized)
struct SummarizeSignalTests {
    static let reports = ["services.csv", "paths.csv", "summary.json"]

    /// Starts `vpcflow summarize ARGUMENTS` in the package root; standard error goes to `stderrPath`.
    static func start(_ arguments: [String], stdin: Any, stderrPath: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Vpcflow.path, "the vpcflow binary was not found"))
        process.arguments = ["summarize", "--quiet", "--ranges", Fixtures.exampleRanges] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: Fixtures.packageRoot)
        var environment = ProcessInfo.processInfo.environment
        environment["VPCFLOW_RANGES"] = nil
        process.environment = environment
        process.standardInput = stdin
        process.standardOutput = FileHandle.nullDevice
        try Fixtures.write([], to: stderrPath)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        try process.run()
        return process
    }

    /// Waits until the process exits or `timeout` passes; true when it exited.
    static func waitForExit(_ process: Process, timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline {
            // Blocking on purpose: Task.sleep can starve while other tests block both pool threads.
            usleep(20_000)
        }
        return !process.isRunning
    }

    /// Waits (at most 10 s) until the process has `path` open or mapped, so the job has started
    /// reading (and installed its SIGINT handler, which happens before the first input is opened).
    static func waitUntilOpen(_ process: Process, _ path: String) async throws {
        let proc = "/proc/\(process.processIdentifier)"
        guard FileManager.default.fileExists(atPath: proc) else {
            usleep(500000)  // blocking on purpose: Task.sleep can starve while other tests block both pool threads
            return
        }
        let deadline = ContinuousClock.now + .seconds(10)
        while process.isRunning && ContinuousClock.now < deadline {
            let maps = String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: "\(proc)/maps"))) ?? Data(), as: UTF8.self)
            let links = ((try? FileManager.default.contentsOfDirectory(atPath: "\(proc)/fd")) ?? []).compactMap {
                try? FileManager.default.destinationOfSymbolicLink(atPath: "\(proc)/fd/\($0)")
            }
            if maps.contains(path) || links.contains(where: { $0.hasSuffix(path) }) { return }
            usleep(10000)  // blocking on purpose: Task.sleep can starve while other tests block both pool threads
        }
    }

    /// The output directory holds no report and no temporary file.
    static func expectNothingWritten(_ directory: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        #expect(
            names.allSatisfy { !reports.contains($0) && !$0.contains(".tmp") }, "left in the output directory: \(names)",
            sourceLocation: sourceLocation)
    }

    /// The stop signals, each with where its run writes: a folder the run must create (and so remove
    /// again), or a folder that holds an earlier run's reports (which must stay byte for byte).
    static let stops: [(signal: Int32, previousReports: Bool)] = [(SIGINT, false), (SIGTERM, true), (SIGHUP, false)]

    @Test("SIGINT, SIGTERM or SIGHUP while reading a 256 MB file: exit 128 + signal, nothing written", arguments: stops)
    func interruptLargeFile(_ stop: (signal: Int32, previousReports: Bool)) async throws {
        try await withTemporaryDirectory { directory in
            let input = "\(directory)/large.log"
            let line = "2 123456789010 eni-1235b8ca123456789 10.0.0.6 3.2.34.5 44321 443 6 310 402113 1418530010 1418530070 ACCEPT OK\n"
            let block = Data(String(repeating: line, count: (1 << 20) / line.utf8.count).utf8)
            try Fixtures.write([], to: input)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: input))
            for _ in 0..<256 { try handle.write(contentsOf: block) }
            try handle.close()

            let output = stop.previousReports ? "\(directory)/out" : "\(directory)/new/out"
            var before: [String: Data] = [:]
            if stop.previousReports {
                let earlier = try Self.start(
                    ["--output", output, Fixtures.absolute("datasets/example/flows.log")], stdin: FileHandle.nullDevice,
                    stderrPath: "\(directory)/stderr-earlier")
                #expect(try await Self.waitForExit(earlier, timeout: .seconds(30)) && earlier.terminationStatus == 0)
                for name in Self.reports { before[name] = try Data(contentsOf: URL(fileURLWithPath: "\(output)/\(name)")) }
            }
            let process = try Self.start(
                ["--jobs", "1", "--chunk-size", "1M", "--output", output, input], stdin: FileHandle.nullDevice,
                stderrPath: "\(directory)/stderr")
            defer { ProcessRunner.stop(process) }
            try await Self.waitUntilOpen(process, "large.log")
            try #require(process.isRunning, "the job finished before the signal could be sent: use a larger input")
            kill(process.processIdentifier, stop.signal)
            let exited = try await Self.waitForExit(process, timeout: .seconds(10))
            let stderr = String(decoding: try Fixtures.read("\(directory)/stderr"), as: UTF8.self)
            #expect(exited, "still running 10 s after signal \(stop.signal)")
            if exited {
                #expect(process.terminationReason == .exit && process.terminationStatus == 128 + stop.signal,
                        "status \(process.terminationStatus) (\(process.terminationReason == .exit ? "exit" : "signal")): \(stderr)")
                #expect(stderr.contains("stopped by SIG"), "\(stderr)")
            }
            if stop.previousReports {
                for name in Self.reports {
                    #expect(try Data(contentsOf: URL(fileURLWithPath: "\(output)/\(name)")) == before[name], "\(name) changed")
                }
                let names = (try? FileManager.default.contentsOfDirectory(atPath: output)) ?? []
                #expect(!names.contains { $0.contains(".tmp") }, "\(names)")
            } else {
                Self.expectNothingWritten(output)
                #expect(!FileManager.default.fileExists(atPath: "\(directory)/new"), "the stopped run left the folders it created")
            }
        }
    }

    /// Standard input that delivers a few records and then stays open, as `tail -f | vpcflow` would:
    /// the job waits in a read when SIGINT comes, and must still stop.
    @Test("SIGINT while waiting on a standard-input pipe that stays open: exit 130, nothing written")
    func interruptOpenPipe() async throws {
        try await withTemporaryDirectory { directory in
            let output = "\(directory)/out"
            let pipe = Pipe()
            let process = try Self.start(["--output", output, "-"], stdin: pipe, stderrPath: "\(directory)/stderr")
            var writerOpen = true
            defer {
                if writerOpen { try? pipe.fileHandleForWriting.close() }
                ProcessRunner.stop(process)
            }
            let records = try Fixtures.read(Fixtures.absolute("datasets/example/flows.log"))
            for _ in 0..<20 { try pipe.fileHandleForWriting.write(contentsOf: Data(records)) }  // 27 KB: fits the pipe buffer
            usleep(700000)  // blocking on purpose: Task.sleep can starve while other tests block both pool threads
            try #require(process.isRunning, "the job ended although its standard input is still open")
            kill(process.processIdentifier, SIGINT)
            let exited = try await Self.waitForExit(process, timeout: .seconds(5))
            #expect(exited, "still running 5 s after SIGINT while blocked reading standard input")
            if !exited {
                // Tell what the job does once its input ends, for the report.
                try pipe.fileHandleForWriting.close()
                writerOpen = false
                let after = try await Self.waitForExit(process, timeout: .seconds(5))
                Issue.record(
                    "after closing standard input: \(after ? "exited with status \(process.terminationStatus)" : "still running")")
            } else {
                let stderr = String(decoding: try Fixtures.read("\(directory)/stderr"), as: UTF8.self)
                #expect(process.terminationReason == .exit && process.terminationStatus == 130,
                        "status \(process.terminationStatus): \(stderr)")
            }
            Self.expectNothingWritten(output)
        }
    }
}
