import Foundation
import Testing

/// What one run of a process left behind.
struct ProcessOutput: Sendable, CustomStringConvertible {
    /// The exit status, or the signal number when `killedBySignal`.
    let status: Int32
    let killedBySignal: Bool
    let stdout: [UInt8]
    let stderr: [UInt8]

    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    /// Whether the process exited on its own with this status.
    func exited(_ code: Int32) -> Bool { !killedBySignal && status == code }

    /// For failure messages: the status, the size of stdout, and the start of stderr.
    var description: String {
        let how = killedBySignal ? "killed by signal \(status)" : "exit \(status)"
        return "\(how), \(stdout.count) bytes on stdout, stderr: \(String(reflecting: String(stderrText.prefix(600))))"
    }
}

/// A run that did not finish in time; it was killed.
struct ProcessTimedOut: Error, CustomStringConvertible {
    let command: String
    let timeout: Duration
    var description: String { "\(command) did not finish within \(timeout) and was killed" }
}

/// Runs processes with pipes that cannot deadlock (standard output and error go to files, standard
/// input comes from a file) and a timeout, so a hang fails the test instead of stalling CI.
enum ProcessRunner {
    static let defaultTimeout: Duration = .seconds(60)

    /// Runs `executable` and waits for it.
    ///
    /// - Parameters:
    ///   - stdin: the bytes of standard input; nil connects it to /dev/null.
    ///   - environment: changes to this process's environment; a nil value removes the variable.
    ///   - directory: the working directory (default: the package root).
    /// - Throws: `ProcessTimedOut` when the process runs longer than `timeout`.
    static func run(
        _ executable: String, _ arguments: [String], stdin: [UInt8]? = nil, environment: [String: String?] = [:],
        directory: String = Fixtures.packageRoot, timeout: Duration = defaultTimeout
    ) async throws -> ProcessOutput {
        try await withTemporaryDirectory { scratch in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            process.currentDirectoryURL = URL(fileURLWithPath: directory)
            var env = ProcessInfo.processInfo.environment
            for (name, value) in environment { env[name] = value }
            process.environment = env

            let outPath = "\(scratch)/stdout"
            let errPath = "\(scratch)/stderr"
            try Fixtures.write([], to: outPath)
            try Fixtures.write([], to: errPath)
            let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
            let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
            defer {
                try? out.close()
                try? err.close()
            }
            process.standardOutput = out
            process.standardError = err
            if let stdin {
                let inPath = "\(scratch)/stdin"
                try Fixtures.write(stdin, to: inPath)
                process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: inPath))
            } else {
                process.standardInput = FileHandle.nullDevice
            }

            guard try await runToCompletion(process, timeout: timeout) else {
                throw ProcessTimedOut(
                    command: ([executable] + arguments).joined(separator: " "), timeout: timeout)
            }
            return ProcessOutput(
                status: process.terminationStatus, killedBySignal: process.terminationReason == .uncaughtSignal,
                stdout: try Fixtures.read(outPath), stderr: try Fixtures.read(errPath))
        }
    }

    /// Starts `process` and waits until it exits or `timeout` passes; on timeout it is killed and
    /// false is returned.
    static func runToCompletion(_ process: Process, timeout: Duration) async throws -> Bool {
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        if await wait(exited, timeout: timeout) { return true }
        stop(process)
        return false
    }

    /// Ends a process that holds nothing worth a clean exit (a test's HTTP server) at once, with
    /// SIGKILL. SIGTERM does not reach such a child: started from a Swift concurrency thread, it
    /// inherits that thread's signal mask, in which libdispatch blocks SIGTERM, so `stop` waited
    /// its full 5 s for every `ranges update` test.
    static func killAtOnce(_ process: Process) {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Ends a process that is still running: SIGTERM, then SIGKILL if it has not gone after 5 s.
    static func stop(_ process: Process) {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// Waits for the semaphore on a Dispatch thread, so the test's cooperative thread stays free.
    private static func wait(_ semaphore: DispatchSemaphore, timeout: Duration) async -> Bool {
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) * 1e-18
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: semaphore.wait(timeout: .now() + seconds) == .success)
            }
        }
    }
}

/// The `vpcflow` binary under test: `$VPCFLOW_BIN`, else the one built next to the test bundle
/// (`<scratch>/debug/vpcflow` beside `<scratch>/debug/vpcflowPackageTests.xctest`).
enum Vpcflow {
    static let path: String? = {
        if let override = ProcessInfo.processInfo.environment["VPCFLOW_BIN"], !override.isEmpty {
            return Fixtures.absolute(override)
        }
        return builtProduct(named: "vpcflow")
    }()

    /// The executable product `name` built next to the test bundle, if there is one.
    static func builtProduct(named name: String) -> String? {
        let fileManager = FileManager.default
        var directories: [URL] = []
        if let first = CommandLine.arguments.first {
            directories.append(URL(fileURLWithPath: first).deletingLastPathComponent())
        }
        directories.append(Bundle.main.bundleURL)
        directories.append(Bundle.main.bundleURL.deletingLastPathComponent())
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            directories.append(bundle.bundleURL.deletingLastPathComponent())
        }
        return directories.map { $0.appendingPathComponent(name).path }
            .first { fileManager.isExecutableFile(atPath: $0) && !isDirectory($0) }
    }

    private static func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }

    /// Runs `vpcflow ARGUMENTS` in the package root. `VPCFLOW_RANGES` is removed from the inherited
    /// environment (a developer's setting must not change the results) unless `environment` sets it.
    static func run(
        _ arguments: [String], stdin: [UInt8]? = nil, environment: [String: String?] = [:],
        directory: String = Fixtures.packageRoot, timeout: Duration = ProcessRunner.defaultTimeout,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> ProcessOutput {
        let binary = try #require(
            path, "the vpcflow binary was not found next to the test bundle; build it or set VPCFLOW_BIN",
            sourceLocation: sourceLocation)
        var env: [String: String?] = ["VPCFLOW_RANGES": nil]
        env.merge(environment) { _, new in new }
        return try await ProcessRunner.run(
            binary, arguments, stdin: stdin, environment: env, directory: directory, timeout: timeout)
    }

    /// Runs a bash script with `$BIN` set to the binary (for pipelines), in the package root.
    static func shell(
        _ script: String, environment: [String: String?] = [:], timeout: Duration = ProcessRunner.defaultTimeout,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> ProcessOutput {
        let binary = try #require(path, "the vpcflow binary was not found", sourceLocation: sourceLocation)
        let bash = try #require(Fixtures.executable(named: "bash"), "bash is not on PATH", sourceLocation: sourceLocation)
        var env: [String: String?] = ["VPCFLOW_RANGES": nil, "BIN": binary]
        env.merge(environment) { _, new in new }
        return try await ProcessRunner.run(bash, ["-c", script], environment: env, timeout: timeout)
    }
}
