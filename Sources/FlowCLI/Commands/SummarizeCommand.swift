import FlowEngine
import FlowIO

/// `vpcflow summarize`: the batch job.
enum SummarizeCommand {
    static let attribution = OptionSpec(
        "attribution", value: "primary|all", default: "primary",
        help: "primary: each address once (longest prefix, specific service over EC2 over AMAZON); all: every matching entry")
    static let jobs = OptionSpec("jobs", value: "N", default: "the number of active cores", help: "chunks processed at once")
    static let chunkSize = OptionSpec(
        "chunk-size", value: "SIZE", default: "8M", help: "bytes per chunk of a plain file (suffixes K, M, G)")
    static let output = OptionSpec("output", value: "DIR", default: "./vpcflow-report", help: "folder for the reports")
    static let maxMalformed = OptionSpec(
        "max-malformed", value: "N|P%",
        help: "exit 65 when more lines than this (a count, or a percentage of data lines) are malformed")
    static let failFast = OptionSpec("fail-fast", help: "stop at the first input that cannot be read, and write nothing")
    static let quiet = OptionSpec("quiet", help: "no progress line and no summary on standard output")
    static let noMmap = OptionSpec("no-mmap", help: "read files with pread instead of memory-mapping them")
    static let partial = OptionSpec(
        "partial", value: "FILE",
        help: "write one partial aggregate to FILE (- for standard output) instead of the reports, for 'vpcflow merge'")
    static let filesFrom = OptionSpec(
        "files-from", value: "FILE",
        help: "read the inputs from FILE (- for standard input), one per line: PATH, or LOCAL<TAB>NAME to read LOCAL as NAME")
    static let shard = OptionSpec(
        "shard", value: "I/N", help: "read only shard I of N of the inputs (0 <= I < N; every input is in exactly one shard)")

    static let spec = CommandSpec(
        path: ["summarize"],
        summary: "count flows, packets and bytes per AWS service and region, and write summary reports",
        discussion: """
            Reads AWS VPC flow logs (space-separated text with or without a header line, any field order of
            versions 2 to 11, transit-gateway logs; plain or gzip, detected by content; or the notebook's CSV)
            and writes to --output DIR:
              services.csv    side,region,service,flows,packets,bytes per side x region x service
              paths.csv       src_region,src_service,dst_region,dst_service,action,flows,packets,bytes
              ports.csv       protocol,port,flows,packets,bytes,rejected_flows: the --top by bytes
              interfaces.csv  interface_id,flows,packets,bytes,accepted_flows,rejected_flows (with
                              --interfaces, when the logs have interface-id)
              timeline.csv    bucket_start,side,region,service,flows,packets,bytes per --bucket of start
                              (with --timeline or --bucket)
              summary.json    inputs, record counts, malformed samples, totals, time span, ranges, run
            Records with log-status NODATA or SKIPDATA are counted, not aggregated. Lines that cannot be read
            are counted per file and sampled (file, line, reason) in summary.json.
            Exit codes: 0 done; 64 usage; 65 malformed lines over --max-malformed or an unusable header;
            66 an input cannot be opened; 69 --inflater isal without ISA-L; 74 a read error, corrupt gzip, a
            file changed while read, or a report that cannot be written; 75 another run is writing to --output;
            129, 130, 143 stopped by SIGHUP, SIGINT, SIGTERM (nothing written).
            With --partial FILE, the counts are written as one partial aggregate instead of the reports (the
            exit code is the same); 'vpcflow merge' turns partials into the reports one run would have written.
            """,
        options: [
            .ranges, .labels, attribution, jobs, chunkSize, .fields, output, maxMalformed, failFast, quiet, noMmap,
            partial, filesFrom, shard, .inflater, .top, .interfaces, .timeline, .bucket,
        ],
        arguments: [
            ArgumentSpec(
                name: "INPUT", help: "file, directory (every file below it), or - for standard input", minimum: 0,
                maximum: nil)
        ])

    static func run(_ arguments: ParsedArguments, _ console: inout Console) async throws(CLIError) -> ExitCode {
        let mode = try attributionMode(arguments)
        let jobCount = try positiveInteger(arguments, jobs) ?? ProcessControl.activeProcessorCount
        let chunk = try arguments.value(chunkSize).map { (text) throws(CLIError) -> Int in
            guard let size = ByteSize.parse(text), size > 0 else {
                throw CLIError.usage("--chunk-size: \"\(text)\" is not a size like 65536, 64K, 8M or 1G", command: spec)
            }
            // A chunk is held in memory per job for standard input and pipes: past 1G, a typo.
            guard size <= maximumChunkSize else {
                throw CLIError.usage("--chunk-size: \"\(text)\" is more than the maximum of 1G", command: spec)
            }
            return size
        } ?? SummarizeOptions.defaultChunkSize
        let limit = try MalformedLimit(arguments.value(maxMalformed))
        let partialPath = arguments.value(partial)
        if let partialPath, partialPath.isEmpty {
            throw CLIError.usage("--partial takes a file (or - for standard output), not \"\"", command: spec)
        }
        if partialPath != nil && arguments.value(output) != nil {
            throw CLIError.usage("--partial and --output exclude each other: a partial is written instead of the reports", command: spec)
        }
        let outputDirectory = arguments.value(output) ?? "./vpcflow-report"
        if outputDirectory == "-" || outputDirectory.isEmpty {
            throw CLIError.usage(
                "--output takes a folder for the reports (services.csv, paths.csv, summary.json), not \"\(outputDirectory)\"",
                command: spec)
        }
        let fields = try FieldsOption.layout(arguments)
        let shardPlan = try shardOption(arguments)
        let inflater = try InflaterOption.resolve(arguments, command: spec)
        let reportOptions = try ReportSet.reportOptions(arguments, command: spec)
        var inputs = try Inputs.gather(
            arguments.positionals, filesFrom: arguments.value(filesFrom), allowEmpty: partialPath != nil, command: spec)
        if partialPath == "-" && inputs.sources.contains(.standardInput) {
            throw CLIError.usage("--partial - writes to standard output; it cannot be used with standard input ('-') as an input", command: spec)
        }
        var shardGroup: Partial.ShardGroup?
        if let shardPlan {
            let names = inputs.sources.map(\.name)
            let keep = shardPlan.keeps(names)
            inputs.sources = zip(inputs.sources, keep).filter(\.1).map(\.0)
            if shardPlan.count > 1 {
                shardGroup = Partial.ShardGroup(
                    listDigest: ShardPlan.listDigest(names), count: shardPlan.count, held: [shardPlan.index])
            }
        }
        let index = try RangesResolver.index(arguments)
        var options = SummarizeOptions(
            jobs: jobCount, chunkSize: chunk, fields: fields, failFast: arguments.flag("fail-fast"),
            allowMapping: !arguments.flag("no-mmap"))
        options.inflater = inflater
        options.timelineBucket = reportOptions.bucket
        options.countsInterfaces = arguments.flag("interfaces")

        // Stop signals are handled from here on: a stop before the reports leaves none behind.
        Interrupt.install()
        // The report folder is made ready first (created, proved writable, locked), so a bad
        // --output fails now, not after a night's work. A partial is one file, written atomically.
        let folder: OutputDirectory? = partialPath == nil ? try openFolder(outputDirectory) : nil
        // Everything that ends the run without reports removes the folders it made.
        func writingNothing(_ error: CLIError) -> CLIError {
            folder?.removeIfEmpty()
            return error
        }

        for note in inputs.notes { console.diagnose("vpcflow: \(note)") }
        let quietRun = arguments.flag("quiet")
        var progressLine = ProgressLine(enabled: !quietRun && OutputStream.isTerminal(fileDescriptor: 2))
        let result = await SummarizeJob.run(inputs.sources, statuses: inputs.statuses, index: index, options: options) {
            progressLine.update($0)
        }
        progressLine.clear()

        if result.interrupted || Interrupt.isRequested {
            throw writingNothing(.stopped(partialPath == nil ? ": no reports written" : ": no partial written"))
        }
        if options.failFast, let first = result.failures.first {
            for failure in result.failures { console.diagnose("vpcflow: \(failure.failure!.message)") }
            throw writingNothing(
                CLIError(exitCode: exitCode(first.failure!.kind), message: "stopped at the first unreadable input (--fail-fast): nothing written"))
        }
        var counted = Partial(result, options: options.countingOptions, version: CommandLineTool.version)
        counted.duplicates = inputs.duplicates.sorted()
        counted.emptyDirectories = inputs.emptyDirectories.sorted(by: ByteOrder.precedes)
        counted.shards = shardGroup.map { [$0] } ?? []

        if let partialPath {
            // A partial is data for a later merge: written whatever its inputs did, so that the merge
            // reports them as one run would. The exit code is the one a report run would give.
            ReportSet.diagnoseInputs(counted, &console)
            try ReportSet.writePartial(counted, to: partialPath, &console)
            return ReportSet.closing(counted, limit: limit, where: partialPath == "-" ? "the partial" : partialPath, &console)
        }
        var run = RunInfo(
            version: CommandLineTool.version, jobs: jobCount, chunkSize: chunk, attribution: mode,
            rangesFile: index.ranges.provenance.path, labelsFile: index.ranges.provenance.labelsPath,
            elapsedSeconds: result.elapsedSeconds)
        run.inflater = inflater.rawValue
        run.reports = reportOptions
        return try ReportSet.write(
            counted, run: run, folder: folder!, outputDirectory: outputDirectory, quiet: quietRun, limit: limit, &console)
    }

    /// Creates, probes and locks the report folder.
    static func openFolder(_ path: String) throws(CLIError) -> OutputDirectory {
        do {
            return try OutputDirectory(path)
        } catch {
            switch error {
            case .busy(let path):
                throw CLIError(
                    exitCode: .temporaryFailure,
                    message: "another vpcflow run is writing reports to \"\(path)\"; try again when it has finished")
            case .io(let cause): throw CLIError.io(cause, isInput: false)
            }
        }
    }

    /// `--shard I/N`.
    static func shardOption(_ arguments: ParsedArguments) throws(CLIError) -> ShardPlan? {
        guard let text = arguments.value(shard) else { return nil }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, n <= 1_000_000, i >= 0, i < n else {
            throw CLIError.usage("--shard: \"\(text)\" is not I/N with 0 <= I < N (for example 0/4)", command: spec)
        }
        return ShardPlan(index: i, count: n)
    }

    /// Limits of --jobs and --chunk-size: beyond them a value is a mistake, not a wish.
    static let maximumJobs = 1024
    static let maximumChunkSize = 1 << 30

    /// "1 record", "2 records".
    static func counted(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }

    static func exitCode(_ kind: InputFailure.Kind) -> ExitCode {
        switch kind {
        case .cannotOpen: .noInput
        case .ioError: .ioError
        case .badHeader: .dataError
        case .changed: .ioError
        }
    }

    static func attributionMode(_ arguments: ParsedArguments) throws(CLIError) -> AttributionMode {
        let text = arguments.value(attribution) ?? "primary"
        guard let mode = AttributionMode(rawValue: text) else {
            throw CLIError.usage("--attribution must be primary or all, not \"\(text)\"", command: spec)
        }
        return mode
    }

    static func positiveInteger(_ arguments: ParsedArguments, _ option: OptionSpec) throws(CLIError) -> Int? {
        guard let text = arguments.value(option) else { return nil }
        guard let value = Int(text), value >= 1, value <= maximumJobs else {
            throw CLIError.usage(
                "--\(option.name) must be a whole number from 1 to \(maximumJobs), not \"\(text)\"", command: spec)
        }
        return value
    }
}

/// `--max-malformed N` or `P%`.
struct MalformedLimit: CustomStringConvertible {
    private var count: Int?
    private var percent: Double?

    init(_ text: String?) throws(CLIError) {
        guard let text else { return }
        if text.hasSuffix("%"), let value = Double(text.dropLast()), value >= 0, value <= 100 {
            percent = value
        } else if let value = Int(text), value >= 0 {
            count = value
        } else {
            throw CLIError.usage("--max-malformed: \"\(text)\" is not a count (100) or a percentage (0.5%)", command: SummarizeCommand.spec)
        }
    }

    func isExceeded(malformed: Int, dataLines: Int) -> Bool {
        if let count { return malformed > count }
        if let percent { return Double(malformed) > Double(dataLines) * percent / 100 }
        return false
    }

    var description: String {
        if let count { return String(count) }
        if let percent { return "\(percent)%" }
        return "unlimited"
    }
}

/// Sizes like `65536`, `64K`, `8M`, `1G` (binary multiples; a trailing `B` or `iB` is allowed).
enum ByteSize {
    static func parse(_ text: String) -> Int? {
        var digits = text.uppercased()
        for suffix in ["IB", "B"] where digits.hasSuffix(suffix) && digits.count > suffix.count {
            digits.removeLast(suffix.count)
            break
        }
        var multiplier = 1
        if let last = digits.last, let shift = ["K": 10, "M": 20, "G": 30][String(last)] {
            multiplier = 1 << shift
            digits.removeLast()
        }
        guard let value = Int(digits), value >= 0 else { return nil }
        let (product, overflow) = value.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : product
    }
}
