// vpcflow-bench: micro-benchmarks of the engine's parts. Release builds only:
//
//     swift build -c release && .build/release/vpcflow-bench index --ranges ../shared/datasets/ip-ranges.json
//
// Each benchmark warms up, runs several times, and prints median, min and max. Numbers are for
// BENCHMARKS.md; nothing here asserts a speed.
import FlowEngine
import FlowIO

let arguments = Array(CommandLine.arguments.dropFirst())
let usage = """
    usage: vpcflow-bench index [--ranges FILE] [--runs N] [--lookups N]
           vpcflow-bench generate --output PATH [--ranges FILE] [--records N | --size BYTES] [--format v2|v2-noheader|v5|csv]
                                  [--files N] [--gzip] [--seed N] [--aws-share F] [--private-share F] [--ipv6-share F]
                                  [--nodata-share F] [--reject-share F] [--malformed-share F] [--enis N]
           vpcflow-bench e2e [--vpcflow PATH] [--ranges FILE] [--jobs 1,2] [--runs N] [--label NAME]
                             [--csv PATH] [--archive DIR] INPUT...
           vpcflow-bench parse [--ranges FILE] [FILE]
      index     ranges load-and-index time; IPv4 and IPv6 lookups per second on one core
      parse     address parsing rates; with FILE, the in-process scan of it on one job
      generate  deterministic realistic flow logs (one file, or --files N in the S3 AWSLogs/ layout)
                --records N --files F: N / F records in each file (rounded up), each file with its own header
                (none with v2-noheader); --records 0: empty files (0 bytes, or one empty gzip member with --gzip).
                The standard sets (scripts/generate-bench-data.sh): 10 M records in one file and in 200 gzip
                files; 20,000 files of 100 records, gzip and plain, the same text (--records 2000000
                --files 20000 --seed 4); 2,000 empty and 2,000 one-record files, plain and gzip
      e2e       vpcflow summarize on whole inputs per --jobs value: median/min/max, MB/s, records/s, peak RSS
    """

func option(_ name: String) -> String? {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
    return arguments[i + 1]
}

guard let command = arguments.first else {
    print(usage)
    ProcessControl.exit(64)
}
switch command {
case "help", "--help", "-h":
    print(usage)
case "index":
    let path = option("--ranges") ?? FileReading.environment("VPCFLOW_RANGES") ?? "../shared/datasets/ip-ranges.json"
    IndexBenchmark(
        rangesPath: path, runs: Int(option("--runs") ?? "") ?? 15,
        lookups: Int(option("--lookups") ?? "") ?? 20_000_000
    ).run()
case "parse":
    let file = arguments.count > 1 && !arguments.last!.hasPrefix("--") && arguments[arguments.count - 2] != "--ranges" ? arguments.last : nil
    do {
        try await ParsingBenchmark(
            rangesPath: option("--ranges") ?? FileReading.environment("VPCFLOW_RANGES") ?? "../shared/datasets/ip-ranges.json",
            file: file
        ).run()
    } catch {
        print("vpcflow-bench: \(error)")
        ProcessControl.exit(74)
    }
case "e2e":
    let valued: Set<String> = ["--vpcflow", "--ranges", "--jobs", "--runs", "--label", "--csv", "--archive"]
    var inputs: [String] = []
    var skip = false
    for argument in arguments.dropFirst() {
        if skip {
            skip = false
        } else if valued.contains(argument) {
            skip = true
        } else {
            inputs.append(argument)
        }
    }
    let benchmark = EndToEndBenchmark(
        vpcflow: option("--vpcflow") ?? ".build/release/vpcflow",
        rangesPath: option("--ranges") ?? FileReading.environment("VPCFLOW_RANGES") ?? "../shared/datasets/ip-ranges.json",
        inputs: inputs,
        jobs: (option("--jobs") ?? "1,2").split(separator: ",").compactMap { Int($0) },
        runs: Int(option("--runs") ?? "") ?? 5, label: option("--label") ?? "e2e", csvPath: option("--csv"),
        archive: option("--archive"))
    do {
        try benchmark.run()
    } catch {
        print("vpcflow-bench: \(error)")
        ProcessControl.exit(74)
    }
case "generate":
    guard let output = option("--output") else {
        print(usage)
        ProcessControl.exit(64)
    }
    var generator = Generator(
        rangesPath: option("--ranges") ?? FileReading.environment("VPCFLOW_RANGES") ?? "../shared/datasets/ip-ranges.json",
        output: output)
    if let text = option("--format") {
        guard let format = Generator.Format(rawValue: text) else {
            print(usage)
            ProcessControl.exit(64)
        }
        generator.format = format
    }
    generator.records = option("--records").flatMap { Int($0) }
    generator.bytes = option("--size").flatMap { Int($0) }
    if generator.records == nil && generator.bytes == nil { generator.records = 100_000 }
    generator.files = option("--files").flatMap { Int($0) } ?? 1
    generator.gzip = arguments.contains("--gzip")
    generator.seed = option("--seed").flatMap { UInt64($0) } ?? 1
    if let v = option("--aws-share").flatMap(Double.init) { generator.awsShare = v }
    if let v = option("--private-share").flatMap(Double.init) { generator.privateShare = v }
    if let v = option("--ipv6-share").flatMap(Double.init) { generator.ipv6Share = v }
    if let v = option("--nodata-share").flatMap(Double.init) { generator.nodataShare = v }
    if let v = option("--reject-share").flatMap(Double.init) { generator.rejectShare = v }
    if let v = option("--malformed-share").flatMap(Double.init) { generator.malformedShare = v }
    if let v = option("--enis").flatMap({ Int($0) }), v >= 0 { generator.enis = v }
    do {
        try generator.run()
    } catch {
        print("vpcflow-bench: \(error)")
        ProcessControl.exit(74)
    }
default:
    print(usage)
    ProcessControl.exit(64)
}
