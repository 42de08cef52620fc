import FlowEngine
import FlowIO

/// `summarize` as a user runs it: the release binary on whole inputs, for each `--jobs` value, with a
/// warm-up run (which also warms the page cache) and several timed runs. Reports median, min and max
/// seconds, MB/s of stored and of text bytes, records/s, and peak memory; as a table and as CSV;
/// optionally archived in `Benchmarks/results/<date>-<machine>/` with the command, the toolchain and
/// the CPU.
struct EndToEndBenchmark {
    var vpcflow: String
    var rangesPath: String
    var inputs: [String]
    var jobs: [Int]
    var runs: Int
    var label: String
    var csvPath: String?
    var archive: String?

    struct Row {
        var label: String
        var jobs: Int
        var seconds: Measurement
        var storedBytes: Int
        var textBytes: Int
        var records: Int
        var peakBytes: Int
    }

    func run() throws {
        var rows: [Row] = []
        let output = "/tmp/vpcflow-bench-\(ProcessControl.processIdentifier)"
        for jobCount in jobs {
            let command =
                [vpcflow, "summarize", "--quiet", "--ranges", rangesPath, "--jobs", String(jobCount), "--output", output]
                + inputs
            var seconds: [Double] = []
            var peak = 0
            for attempt in 0...runs {
                let outcome = try ChildProcess.run(command)
                guard outcome.status == 0 else {
                    throw BenchError("vpcflow exited \(outcome.status): \(command.joined(separator: " "))")
                }
                if attempt > 0 {  // attempt 0 warms up
                    seconds.append(outcome.seconds)
                    peak = max(peak, outcome.peakResidentBytes)
                }
            }
            let summary = try JSONParser.parse(try FileReading.readAll(output + "/summary.json"))
            let inputs = summary["inputs"]
            rows.append(
                Row(
                    label: label, jobs: jobCount, seconds: Measurement(seconds: seconds),
                    storedBytes: Int(inputs?["bytes"]?.int64Value ?? 0),
                    textBytes: Int(inputs?["text_bytes"]?.int64Value ?? 0),
                    records: Int(summary["records"]?["data_lines"]?.int64Value ?? 0), peakBytes: peak))
            print(Self.format(rows.last!))
        }
        let csv = Self.csv(rows)
        if let csvPath { try AtomicFile.write(Array(csv.utf8), to: csvPath) }
        if let archive { try write(archive: archive, csv: csv) }
    }

    static let csvHeader =
        "label,jobs,runs,median_s,min_s,max_s,stored_mb_per_s,text_mb_per_s,records_per_s,peak_rss_mb"

    static func csv(_ rows: [Row]) -> String {
        var lines = [csvHeader]
        for row in rows {
            let m = row.seconds
            lines.append(
                [
                    row.label, String(row.jobs), String(m.seconds.count), fixed(m.median, 3), fixed(m.min, 3),
                    fixed(m.max, 3), fixed(Double(row.storedBytes) / 1e6 / m.median, 1),
                    fixed(Double(row.textBytes) / 1e6 / m.median, 1), fixed(Double(row.records) / m.median, 0),
                    fixed(Double(row.peakBytes) / 1e6, 1),
                ].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func format(_ row: Row) -> String {
        let m = row.seconds
        return
            "\(row.label) jobs=\(row.jobs): median \(fixed(m.median, 3)) s (min \(fixed(m.min, 3)), max \(fixed(m.max, 3))), \(fixed(Double(row.textBytes) / 1e6 / m.median, 1)) MB/s of text, \(fixed(Double(row.storedBytes) / 1e6 / m.median, 1)) MB/s stored, \(fixed(Double(row.records) / m.median / 1e6, 2)) M records/s, peak \(fixed(Double(row.peakBytes) / 1e6, 1)) MB"
    }

    /// `<archive>/<label>.csv` plus `environment.txt` (command, toolchain, CPU, cores).
    func write(archive: String, csv: String) throws {
        try AtomicFile.createDirectory(archive)
        try AtomicFile.write(Array(csv.utf8), to: "\(archive)/\(label).csv")
        let cpu = (try? FileReading.readToEnd("/proc/cpuinfo")).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let model = cpu.split(separator: "\n").first { $0.hasPrefix("model name") }.map { String($0.split(separator: ":", maxSplits: 1).last ?? "").trimmingPrefixSpaces() } ?? "unknown"
        let environment = """
            command: \(CommandLine.arguments.joined(separator: " "))
            cpu: \(model)
            cores: \(ProcessControl.activeProcessorCount)
            toolchain: \(Toolchain.description)

            """
        try AtomicFile.write(Array(environment.utf8), to: "\(archive)/environment-\(label).txt")
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

enum Toolchain {
    /// The Swift compiler that built this binary.
    static var description: String {
        #if compiler(>=6.3)
            "Swift 6.3 or later compiler"
        #elseif compiler(>=6.2)
            "Swift 6.2 compiler"
        #else
            "Swift compiler before 6.2"
        #endif
    }
}

extension String {
    func trimmingPrefixSpaces() -> String { String(drop { $0 == " " || $0 == "\t" }) }
}
