import FlowIO
import Foundation
import Testing

@testable import FlowEngine

/// Inputs that change while the job reads them, changed at a fixed point of the run (after its first
/// item is merged, from the progress callback), so the tests do not depend on timing:
/// - truncated (mapped: the SIGBUS guard; pread: a short read): the run ends normally, the file is
///   failed as `changed`, none of its counts are in the result, the other input is counted as alone;
/// - rewritten in place with the same size: the same;
/// - grown: the bytes it had when it was opened are counted (as a run on those bytes alone), and
///   the outcome says how large it grew.
/// Before the guard, the mapped truncation killed the test process with SIGBUS.
struct SummarizeChangingFileTests {
    enum Change: String, CaseIterable, Sendable { case truncateToZero, truncateToHalf, rewriteInPlace, grow }

    /// One changing file of 60,000 records (about 5 MB, 80 chunks of 64 KiB) and one steady file.
    static func inputs(_ directory: String) throws -> (changing: String, steady: String) {
        let ranges = try SummarizeHarness.reference(.nested)
        let pool = FlowLogGenerator.pool(prefixes: ranges.entries.map(\.prefix), perPrefix: 20, extra: 300, seed: 11)
        var generator = FlowLogGenerator(seed: 12, pool: pool)
        let changing = "\(directory)/changing.log"
        let steady = "\(directory)/steady.log"
        try SummarizeHarness.write(generator.file(.v2Header, records: 60_000), to: changing)
        try SummarizeHarness.write(generator.file(.v2Header, records: 2_000), to: steady)
        return (changing, steady)
    }

    static func apply(_ change: Change, to path: String) throws {
        let size = Int(try FileManager.default.attributesOfItem(atPath: path)[.size] as! UInt64)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        switch change {
        case .truncateToZero: try handle.truncate(atOffset: 0)
        case .truncateToHalf: try handle.truncate(atOffset: UInt64(size / 2))
        case .rewriteInPlace:
            try handle.seek(toOffset: UInt64(size / 2))
            try handle.write(contentsOf: Data(repeating: 0x20, count: 1000))
            try handle.close()
            try FileManager.default.setAttributes(
                [.modificationDate: Date(timeIntervalSince1970: 1_000_000)], ofItemAtPath: path)
        case .grow:
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(Self.appended.utf8))
        }
    }

    static let appended = "2 123456789012 eni-0 10.0.0.1 10.0.0.2 1 2 6 1 100 1 2 ACCEPT OK\n"

    /// Calls `body` once, from the first progress report after an item was merged.
    final class Once: @unchecked Sendable {
        private var done = false
        private let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
        func fire() {
            guard !done else { return }
            done = true
            body()
        }
    }

    @Test("a file changed while it is read", arguments: Change.allCases, [true, false])
    func changedWhileRead(_ change: Change, allowMapping: Bool) async throws {
        try await SummarizeHarness.withScratchDirectory { directory in
            let (changing, steady) = try Self.inputs(directory)
            let original = try SummarizeHarness.read(changing)
            let index = try SummarizeHarness.index(.nested)
            for jobs in [1, 2] {
                try SummarizeHarness.write(original, to: changing)
                let options = SummarizeOptions(jobs: jobs, chunkSize: 64 << 10, allowMapping: allowMapping)
                var failure: (any Error)?
                let trigger = Once {
                    do { try Self.apply(change, to: changing) } catch { failure = error }
                }
                let result = await SummarizeJob.run(
                    [.file(changing), .file(steady)], index: index, options: options, progress: { _ in trigger.fire() })
                try #require(failure == nil)
                let what = "\(change), mapped \(allowMapping), jobs \(jobs)"
                let outcome = result.inputs[0]
                #expect(result.inputs[1].failure == nil, "\(what)")
                if change == .grow {
                    #expect(outcome.failure == nil, "\(what): \(String(describing: outcome.failure))")
                    #expect(outcome.grewTo == original.count + Self.appended.utf8.count, "\(what)")
                    // As a run over the bytes it had when it was opened.
                    try SummarizeHarness.write(original, to: changing)
                    let expected = await SummarizeJob.run([.file(changing), .file(steady)], index: index, options: options)
                    #expect(result.aggregate == expected.aggregate, "\(what)")
                } else {
                    #expect(outcome.failure?.kind == .changed, "\(what): \(String(describing: outcome.failure))")
                    #expect(outcome.failure?.message.contains(changing) == true, "\(what)")
                    #expect(outcome.lines == 0 && outcome.malformed == 0, "\(what)")
                    // Nothing of it is counted: the result is the steady file's alone.
                    let alone = await SummarizeJob.run([.file(steady)], index: index, options: options)
                    #expect(result.aggregate == alone.aggregate, "\(what)")
                    #expect(result.samples == alone.samples, "\(what)")
                }
            }
        }
    }
}
