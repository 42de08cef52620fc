import Foundation
import Glibc
import Testing

/// Issue 11's reproduction, as a user met it: a 256 MB file truncated while `summarize` reads it
/// (mapped, the default). Before the SIGBUS guard: "Program crashed: Bus error", exit 135, no
/// reports. Now: exit 74, the file named as changed while read, and the reports of the other input
/// written as if the changed file had not been given.
@Suite(.serialized)
struct SummarizeChangingFileCLITests {
    @Test("a mapped file truncated while summarize reads it: exit 74, named, the other input reported", arguments: [false, true])
    func truncatedWhileRead(noMmap: Bool) async throws {
        try await withTemporaryDirectory { directory in
            let input = "\(directory)/large.log"
            let line = "2 123456789010 eni-1235b8ca123456789 10.0.0.6 3.2.34.5 44321 443 6 310 402113 1418530010 1418530070 ACCEPT OK\n"
            let block = Data(String(repeating: line, count: (1 << 20) / line.utf8.count).utf8)
            try Fixtures.write([], to: input)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: input))
            for _ in 0..<256 { try handle.write(contentsOf: block) }
            try handle.close()
            let steady = Fixtures.absolute("datasets/example/flows.log")

            let output = "\(directory)/out"
            let process = try SummarizeSignalTests.start(
                ["--jobs", "1", "--chunk-size", "1M", "--output", output] + (noMmap ? ["--no-mmap"] : []) + [input, steady],
                stdin: FileHandle.nullDevice, stderrPath: "\(directory)/stderr")
            defer { ProcessRunner.stop(process) }
            try await SummarizeSignalTests.waitUntilOpen(process, "large.log")
            try #require(process.isRunning, "the job finished before the file could be truncated: use a larger input")
            #expect(truncate(input, 1 << 20) == 0)
            let exited = try await SummarizeSignalTests.waitForExit(process, timeout: .seconds(60))
            let stderr = String(decoding: try Fixtures.read("\(directory)/stderr"), as: UTF8.self)
            try #require(exited, "still running 60 s after the truncation")
            #expect(process.terminationReason == .exit && process.terminationStatus == 74,
                    "status \(process.terminationStatus) (\(process.terminationReason == .exit ? "exit" : "signal")): \(stderr)")
            #expect(stderr.contains(input) && stderr.contains("shrank"), "\(stderr)")

            let alone = try await Vpcflow.run(
                ["summarize", "--quiet", "--ranges", Fixtures.exampleRanges, "--output", "\(directory)/alone", steady])
            #expect(alone.exited(0))
            for name in ["services.csv", "paths.csv"] {
                #expect(try Fixtures.read("\(output)/\(name)") == Fixtures.read("\(directory)/alone/\(name)"), "\(name)")
            }
            let summary = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(output)/summary.json")))
                    as? [String: Any])
            let failed = (summary["inputs"] as? [String: Any])?["failed"] as? [[String: Any]]
            #expect(failed?.map { $0["kind"] as? String } == ["changed_while_read"], "\(String(describing: failed))")
        }
    }
}
