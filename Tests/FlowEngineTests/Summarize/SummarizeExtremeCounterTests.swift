import FlowIO
import Testing

@testable import FlowEngine

/// Counters at the edge of 64 bits. Before: two records of bytes 18446744073709551615 summed to
/// 18446744073709551614 (wrapped), the text summary trapped converting a total above Int.max, and
/// 99999999999999999999 was "not a number". Now sums stop at 2^64 - 1 and say so
/// (`totals.saturated`), every figure is formatted from `UInt64`, JSON numbers are written exactly,
/// and a counter above 2^64 - 1 is malformed as "out of range". The expected sums come from a naive
/// `UInt128` sum of the same records, clamped.
struct SummarizeExtremeCounterTests {
    static let max = UInt64.max

    /// A default-format (v2, no header) line from 10.0.0.1 (PRIVATE) to 8.8.8.8 (INTERNET) in the
    /// example ranges.
    static func line(packets: String, bytes: String) -> String {
        "2 123456789012 eni-1 10.0.0.1 8.8.8.8 1 2 6 \(packets) \(bytes) 1600000000 1600000060 ACCEPT OK\n"
    }

    static func run(_ text: String, chunkSize: Int = 8 << 20, jobs: Int = 1) async throws -> SummarizeResult {
        try await SummarizeHarness.withScratchDirectory { directory in
            let path = "\(directory)/counters.log"
            try SummarizeHarness.write(Array(text.utf8), to: path)
            let index = try SummarizeHarness.index(.example)
            var options = SummarizeOptions(jobs: jobs, chunkSize: chunkSize)
            options.timelineBucket = .hour
            options.countsInterfaces = true
            return await SummarizeJob.run([.file(path)], index: index, options: options)
        }
    }

    @Test("two records of 2^64 - 1 bytes saturate at 2^64 - 1 and say so, for any chunk size", arguments: [64, 8 << 20])
    func twoMaxRecordsSaturate(chunkSize: Int) async throws {
        let text = Self.line(packets: "1", bytes: String(Self.max)) + Self.line(packets: "1", bytes: String(Self.max))
        let result = try await Self.run(text, chunkSize: chunkSize, jobs: 2)
        #expect(result.aggregate.totals.bytes == Self.max)
        #expect(result.aggregate.totals.packets == 2)
        #expect(result.aggregate.totalsSaturated)
        let rows = ServicesReport.rows(result, attribution: .primary)
        #expect(rows.allSatisfy { $0.bytes == Self.max }, "\(rows)")
        #expect(PathsReport.rows(result).map(\.bytes) == [Self.max])
        // The text summary formatted these from UInt64 (it trapped on Int(UInt64.max) before).
        let text2 = SummaryReport.text(Partial(result, options: [:], version: "test"), services: rows, outputDirectory: "out", elapsedSeconds: result.elapsedSeconds)
        #expect(text2.contains("18,446,744,073,709,551,615 bytes"), "\(text2)")
        #expect(text2.contains("lower bounds"))
        let json = String(decoding: SummarizeHarness.summaryWithoutRun(result), as: UTF8.self)
        #expect(json.contains("\"bytes\": 18446744073709551615"), "\(json)")
        #expect(json.contains("\"saturated\": true"))
    }

    @Test("one record of 2^64 - 1 bytes is exact and not saturated")
    func oneMaxRecordIsExact() async throws {
        let result = try await Self.run(Self.line(packets: String(Self.max), bytes: String(Self.max)))
        #expect(result.aggregate.totals == (1, Self.max, Self.max))
        #expect(!result.aggregate.totalsSaturated)
        let rows = ServicesReport.rows(result, attribution: .all)
        #expect(rows.allSatisfy { $0.bytes == Self.max && $0.packets == Self.max })
    }

    @Test("totals above 2^53 are written exactly in summary.json")
    func totalsAboveTwoToThe53() async throws {
        let big = (UInt64(1) << 53) + 1
        let result = try await Self.run(Self.line(packets: "1", bytes: String(big)) + Self.line(packets: "1", bytes: String(big)))
        #expect(result.aggregate.totals.bytes == 2 * big)
        let json = String(decoding: SummarizeHarness.summaryWithoutRun(result), as: UTF8.self)
        // A double would print 18014398509481984 (2^54): the exact sum is 2 more.
        #expect(json.contains("\"bytes\": 18014398509481986"), "\(json)")
        #expect(json.contains("\"saturated\": false"))
    }

    @Test("a counter above 2^64 - 1 is malformed as out of range, not as 'not a number'")
    func counterAboveTheCeiling() async throws {
        let text = Self.line(packets: "99999999999999999999", bytes: "1") + Self.line(packets: "1", bytes: "18446744073709551616")
            + Self.line(packets: "1", bytes: "12x")
        let result = try await Self.run(text)
        #expect(result.aggregate.records.malformed == 3)
        #expect(result.samples.map(\.reason) == [
            "packets is out of range (above 18446744073709551615, 2^64 - 1)",
            "bytes is out of range (above 18446744073709551615, 2^64 - 1)",
            "bytes is not a number",
        ])
    }

    /// Random records, some with huge counters, against a naive UInt128 sum clamped at 2^64 - 1, per
    /// services.csv row and in total; chunk sizes and jobs vary, so checked and unchecked batches
    /// and saturating merges all meet.
    @Test("random huge and small counters equal a clamped UInt128 sum", arguments: [1, 2, 3])
    func randomAgainstWideSums(seed: UInt64) async throws {
        var random = SplitMix64(seed: seed)
        var text = ""
        var packets: UInt128 = 0
        var bytes: UInt128 = 0
        for _ in 0..<3_000 {
            let roll = random.next() % 100
            let p: UInt64 = roll < 2 ? Self.max - random.next() % 1000 : random.next() % 5_000
            let b: UInt64 = roll < 5 ? random.next() >> (random.next() % 8) : random.next() % 4_000_000_000
            packets += UInt128(p)
            bytes += UInt128(b)
            text += Self.line(packets: String(p), bytes: String(b))
        }
        func clamp(_ v: UInt128) -> UInt64 { v > UInt128(Self.max) ? Self.max : UInt64(v) }
        for (chunk, jobs) in [(8 << 20, 1), (4096, 2), (50_000, 3)] {
            let result = try await Self.run(text, chunkSize: chunk, jobs: jobs)
            #expect(result.aggregate.totals == (3_000, clamp(packets), clamp(bytes)), "chunk \(chunk), jobs \(jobs)")
            #expect(result.aggregate.totalsSaturated == (packets > UInt128(Self.max) || bytes > UInt128(Self.max)))
            for row in ServicesReport.rows(result, attribution: .primary) {
                #expect(row.packets == clamp(packets) && row.bytes == clamp(bytes), "\(row)")
            }
        }
    }
}

/// The rule that lets most batches add without checks: every value below 2^32 and fewer than 2^32
/// records in the aggregate, so no sum can reach 2^64; past either bound, every add is checked.
struct AggregateFastPathBoundTests {
    @Test func uncheckedAddsStopBeforeTheyCouldWrap() {
        var aggregate = Aggregate.empty(classCount: 2)
        #expect(aggregate.mayAddUnchecked(count: 64, high: (1 << 32) - 1))
        #expect(!aggregate.mayAddUnchecked(count: 64, high: 1 << 32))
        aggregate.fastRecords = Aggregate.fastLimit - 64
        #expect(aggregate.mayAddUnchecked(count: 64, high: 0))
        #expect(!aggregate.mayAddUnchecked(count: 65, high: 0))
        // (2^32 - 1) records of (2^32 - 1): the largest unchecked sum fits.
        let (_, overflow) = Aggregate.fastLimit.multipliedReportingOverflow(by: (1 << 32) - 1)
        #expect(!overflow)
        // After a merge, nothing is added unchecked.
        var merged = Aggregate.empty(classCount: 2)
        merged.merge(Aggregate.empty(classCount: 2))
        #expect(!merged.mayAddUnchecked(count: 1, high: 0))
    }
}
