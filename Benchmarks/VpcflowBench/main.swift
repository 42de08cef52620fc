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
      index   ranges load-and-index time; IPv4 and IPv6 lookups per second on one core
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
case "index":
    let path = option("--ranges") ?? FileReading.environment("VPCFLOW_RANGES") ?? "../shared/datasets/ip-ranges.json"
    IndexBenchmark(
        rangesPath: path, runs: Int(option("--runs") ?? "") ?? 15,
        lookups: Int(option("--lookups") ?? "") ?? 20_000_000
    ).run()
default:
    print(usage)
    ProcessControl.exit(64)
}
