import Foundation
import Glibc
import Testing

/// A throwaway HTTP server for `ranges update`: `python3 -u -m http.server 0 --bind 127.0.0.1
/// --directory DIR`, on a port the system picks. It is killed when the body ends, also on failure.
enum LocalHTTPServer {
    static let python3 = Fixtures.executable(named: "python3")
    static let skipNoPython: Comment = "python3 is not on PATH (needed to serve ranges files locally): skipped"

    struct StartFailure: Error, CustomStringConvertible {
        let description: String
    }

    /// Serves `directory` while `body` runs; `body` gets the base URL, `http://127.0.0.1:PORT`.
    static func serving<R>(
        _ directory: String, isolation: isolated (any Actor)? = #isolation, _ body: (String) async throws -> R
    ) async throws -> R {
        let python = try #require(python3, "python3 is not on PATH")
        return try await withTemporaryDirectory { logs in
            let outPath = "\(logs)/stdout"
            try Fixtures.write([], to: outPath)
            let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
            defer { try? out.close() }
            let server = Process()
            server.executableURL = URL(fileURLWithPath: python)
            server.arguments = ["-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", directory]
            server.standardInput = FileHandle.nullDevice
            server.standardOutput = out
            // The request log: not needed, and a full pipe would block the server.
            server.standardError = FileHandle.nullDevice
            try server.run()
            defer { ProcessRunner.killAtOnce(server) }
            let port = try await waitForPort(server, outPath)
            return try await body("http://127.0.0.1:\(port)")
        }
    }

    /// Reads the port from the server's first line, `Serving HTTP on 127.0.0.1 port 41234 (...) ...`.
    private static func waitForPort(_ server: Process, _ outPath: String) async throws -> Int {
        let deadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < deadline {
            let text = String(decoding: (try? Fixtures.read(outPath)) ?? [], as: UTF8.self)
            if let line = text.split(separator: "\n").first, text.contains("\n") {
                let words = line.split(separator: " ")
                if let at = words.firstIndex(of: "port"), at + 1 < words.count, let port = Int(words[at + 1]) {
                    return port
                }
                throw StartFailure(description: "unexpected first line from http.server: \(line)")
            }
            guard server.isRunning else {
                throw StartFailure(description: "python3 -m http.server exited with status \(server.terminationStatus)")
            }
            usleep(20000)  // blocking on purpose: Task.sleep can starve while other tests block both pool threads
        }
        throw StartFailure(description: "python3 -m http.server did not report its port within 90 s")
    }
}
