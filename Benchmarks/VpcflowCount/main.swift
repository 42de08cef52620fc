// vpcflow-count: counts one plain flow-log file on the main thread, without Swift concurrency, so
// that valgrind can follow it (it cannot follow `vpcflow`'s task threads). Its use is instruction
// counts, which stay the same from run to run where times on a shared machine do not:
//
//     swift build -c release --product vpcflow-count
//     valgrind --tool=cachegrind --cache-sim=no .build/release/vpcflow-count RANGES FILE
//
// compares two builds to the instruction (BENCHMARKS.md, "Instruction counts"). Prints the
// records it counted, so that a run that read nothing is noticed.
import FlowEngine
import FlowIO

let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count == 2 else {
    print("usage: vpcflow-count RANGES FILE")
    ProcessControl.exit(64)
}
do {
    let index = PrefixIndex(try RangesLoader.load(try FileReading.readAll(arguments[0]), path: arguments[0]))
    // Mapped, not read: a copy of the file would add its own instructions per byte.
    let file = try MappedFile(path: arguments[1])
    guard let aggregate = try file.withBytes({ SummarizeJob.countOnThisThread($0, index: index) }) else {
        print("vpcflow-count: cannot tell the format of \(arguments[1])")
        ProcessControl.exit(65)
    }
    let r = aggregate.records
    print("data lines \(r.dataLines), ok \(r.ok), nodata \(r.nodata), skipdata \(r.skipdata), malformed \(r.malformed)")
} catch {
    print("vpcflow-count: \(error)")
    ProcessControl.exit(74)
}
