import FlowEngine
import FlowIO

/// Micro-benchmarks of the per-record work on one core: address parsing from bytes, and the whole
/// in-process scan of a flow-log file (SummarizeJob with one job, no process start-up, no reports).
struct ParsingBenchmark {
    let rangesPath: String
    let file: String?

    func run() async throws {
        // Addresses as they appear in flow logs: dotted quads of varying lengths, and IPv6 text.
        var random = SplitMix64(state: 7)
        var v4Text: [UInt8] = []
        var v4Ranges: [Range<Int>] = []
        for _ in 0..<1_000_000 {
            let start = v4Text.count
            v4Text += Array(IPAddress.v4(UInt32(truncatingIfNeeded: random.next())).description.utf8)
            v4Ranges.append(start..<v4Text.count)
        }
        var v6Text: [UInt8] = []
        var v6Ranges: [Range<Int>] = []
        for _ in 0..<250_000 {
            let start = v6Text.count
            let value = (UInt128(0x2600_1f14) << 96) | (UInt128(random.next() & 0xFFFF) << 64) | UInt128(random.next())
            v6Text += Array(IPAddress.v6(value).description.utf8)
            v6Ranges.append(start..<v6Text.count)
        }
        for (name, text, ranges) in [("IPv4", v4Text, v4Ranges), ("IPv6", v6Text, v6Ranges)] {
            var sink = 0
            let m = Measurement.run(runs: 7) {
                let span = text.span
                for range in ranges where IPAddress.parse(span.extracting(range)) != nil { sink &+= 1 }
            }
            print("\(name) address parsing: median \(fixed(Double(ranges.count) / m.median / 1e6, 1)) M/s  [\(sink % 10)]")
        }
        guard let file else { return }
        let index = PrefixIndex(try RangesLoader.load(try FileReading.readAll(rangesPath), path: rangesPath))
        let size = FileReading.size(of: file) ?? 0
        var records = 0
        var seconds: [Double] = []
        let clock = ContinuousClock()
        for attempt in 0..<6 {  // the first run warms up
            let started = clock.now
            let result = await SummarizeJob.run([.file(file)], index: index, options: SummarizeOptions(jobs: 1))
            let elapsed = clock.now - started
            records = result.aggregate.records.dataLines
            if attempt > 0 { seconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18) }
        }
        let m = Measurement(seconds: seconds)
        print("in-process scan of \(file), 1 job: median \(fixed(m.median, 3)) s (min \(fixed(m.min, 3))), \(fixed(Double(size) / 1e6 / m.median, 1)) MB/s, \(fixed(Double(records) / m.median / 1e6, 2)) M records/s")
    }
}
