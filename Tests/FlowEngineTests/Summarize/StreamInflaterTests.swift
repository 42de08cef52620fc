import FlowIO
import Foundation
import Testing

@testable import FlowEngine

/// A gzip stream (a named pipe here; standard input is read the same way) is inflated by the
/// inflater asked for. The gzip reader takes ISA-L for a member only when it sees the member's first
/// four bytes, and at the start of a stream it has only what the planner sniffed: two bytes made
/// every single-member stream fall back to zlib, with the same reports, only slower (found
/// measuring: `--inflater isal` on standard input used 1.8 s more CPU than on the file).
struct StreamInflaterTests {
    @Test("a gzip stream from a pipe is inflated by the inflater asked for", arguments: InflaterCases.all)
    func pipeUsesTheInflater(_ inflater: Inflater) async throws {
        try InflaterCases.require(inflater)
        try await SummarizeHarness.withScratchDirectory { directory in
            let text = Array(String(repeating: "2 123456789012 eni-1 10.0.0.1 52.94.0.1 443 50000 6 1 100 1700000000 1700000060 ACCEPT OK\n", count: 200).utf8)
            let fifo = "\(directory)/pipe"
            #expect(mkfifo(fifo, 0o600) == 0)
            try Data(try SummarizeHarness.gzip(text)).write(to: URL(fileURLWithPath: "\(directory)/source"))
            // The writer blocks in open(2) until the planner opens the other end: no timing.
            let writer = Process()
            writer.executableURL = URL(fileURLWithPath: "/bin/sh")
            writer.arguments = ["-c", "cat \"$0\" > \"$1\"", "\(directory)/source", fifo]
            try writer.run()
            var options = SummarizeOptions(jobs: 1)
            options.inflater = inflater
            var planner = WorkPlanner(sources: [.file(fifo)], options: options)
            var state = MergeState(sources: [.file(fifo)], classCount: 1)
            guard case .stream(let stream)? = planner.next(&state) else {
                Issue.record("a pipe is not planned as a stream")
                return
            }
            var inflated = 0
            while let range = try stream.reader.next() { inflated += range.count }
            stream.close()
            writer.waitUntilExit()
            #expect(inflated == text.count)
            let reader = try #require(stream.reader.gzipReader)
            #expect(reader.isalMembers == (inflater == .isal ? 1 : 0), "members begun with ISA-L: \(reader.isalMembers)")
        }
    }
}
