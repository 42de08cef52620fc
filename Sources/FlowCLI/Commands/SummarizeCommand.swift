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

    static let spec = CommandSpec(
        path: ["summarize"],
        summary: "count flows, packets and bytes per AWS service and region, and write summary reports",
        discussion: """
            Reads AWS VPC flow logs (space-separated text with or without a header line, any field order of
            versions 2 to 11, transit-gateway logs; plain or gzip, detected by content; or the notebook's CSV)
            and writes to --output DIR:
              services.csv  side,region,service,flows,packets,bytes per side x region x service
              paths.csv     src_region,src_service,dst_region,dst_service,action,flows,packets,bytes
              summary.json  inputs, record counts, malformed samples, totals, time span, ranges, run
            Records with log-status NODATA or SKIPDATA are counted, not aggregated. Lines that cannot be read
            are counted per file and sampled (file, line, reason) in summary.json.
            Exit codes: 0 done; 64 usage; 65 malformed lines over --max-malformed or an unusable header;
            66 an input cannot be opened; 74 a read error, corrupt gzip, a file changed while read, or a
            report that cannot be written; 75 another run is writing to --output; 129, 130, 143 stopped by
            SIGHUP, SIGINT, SIGTERM (nothing written).
            """,
        options: [
            .ranges, .labels, attribution, jobs, chunkSize, .fields, output, maxMalformed, failFast, quiet, noMmap,
        ],
        arguments: [
            ArgumentSpec(
                name: "INPUT", help: "file, directory (every file below it), or - for standard input", minimum: 1,
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
        let outputDirectory = arguments.value(output) ?? "./vpcflow-report"
        if outputDirectory == "-" || outputDirectory.isEmpty {
            throw CLIError.usage(
                "--output takes a folder for the reports (services.csv, paths.csv, summary.json), not \"\(outputDirectory)\"",
                command: spec)
        }
        let fields = try FieldsOption.layout(arguments)
        let expansion = try InputList.expandReporting(arguments.positionals, missingAreErrors: false)
        let sources = expansion.sources.map { source in
            switch source {
            case .file(let path): InputSource.file(path)
            case .standardInput: InputSource.standardInput
            }
        }
        let index = try RangesResolver.index(arguments)
        let options = SummarizeOptions(
            jobs: jobCount, chunkSize: chunk, fields: fields, failFast: arguments.flag("fail-fast"),
            allowMapping: !arguments.flag("no-mmap"))

        // Stop signals are handled from here on: a stop before the reports leaves none behind.
        Interrupt.install()
        // The report folder is made ready first (created, proved writable, locked), so a bad
        // --output fails now, not after a night's work.
        let folder: OutputDirectory
        do {
            folder = try OutputDirectory(outputDirectory)
        } catch {
            switch error {
            case .busy(let path):
                throw CLIError(
                    exitCode: .temporaryFailure,
                    message: "another vpcflow run is writing reports to \"\(path)\"; try again when it has finished")
            case .io(let cause): throw CLIError.io(cause, isInput: false)
            }
        }
        // Everything that ends the run without reports removes the folders it made.
        func writingNothing(_ error: CLIError) -> CLIError {
            folder.removeIfEmpty()
            return error
        }

        for note in expansion.notes { console.diagnose("vpcflow: \(note)") }
        let quietRun = arguments.flag("quiet")
        var progressLine = ProgressLine(enabled: !quietRun && OutputStream.isTerminal(fileDescriptor: 2))
        let result = await SummarizeJob.run(sources, index: index, options: options) { progressLine.update($0) }
        progressLine.clear()

        if result.interrupted || Interrupt.isRequested {
            throw writingNothing(.stopped(": no reports written"))
        }
        for failure in result.failures { console.diagnose("vpcflow: \(failure.failure!.message)") }
        for input in result.inputs {
            guard let size = input.grewTo else { continue }
            console.diagnose(
                "vpcflow: note: \(input.source.name) grew from \(input.bytes) to \(size) bytes while it was read; the first \(input.bytes) were counted")
        }
        if options.failFast, let first = result.failures.first {
            throw writingNothing(
                CLIError(exitCode: exitCode(first.failure!.kind), message: "stopped at the first unreadable input (--fail-fast): no reports written"))
        }

        let notFlowLogs = result.inputs.filter(\.isNotAFlowLog)
        for input in notFlowLogs {
            let lines = input.malformed == 1 ? "its one data line is not a record" : "none of its \(input.malformed) data lines is a record"
            console.diagnose("vpcflow: \(input.source.name): not a flow log: \(lines)")
        }
        // When no input could be read and none gave a record, an empty report set would look like a
        // quiet night: write none, and exit with the inputs' error.
        if !result.inputs.isEmpty, result.inputs.allSatisfy({ ($0.failure != nil || $0.isNotAFlowLog) && $0.records == 0 }) {
            console.diagnose("vpcflow: no input could be read as a flow log: no reports written")
            folder.removeIfEmpty()
            let codes = result.failures.map { exitCode($0.failure!.kind) }
            return codes.contains(.ioError) ? .ioError : codes.contains(.noInput) ? .noInput : .dataError
        }
        let services = ServicesReport.rows(result, attribution: mode)
        let run = RunInfo(version: CommandLineTool.version, jobs: jobCount, chunkSize: chunk, attribution: mode)
        let reports = [
            ("\(outputDirectory)/services.csv", ServicesReport.csv(services)),
            ("\(outputDirectory)/paths.csv", PathsReport.csv(PathsReport.rows(result))),
            ("\(outputDirectory)/summary.json", JSONWriter.render(
                SummaryInputNotes.add(to: SummaryReport.json(result, run: run), expansion, notFlowLogs: notFlowLogs.map(\.source.name)))),
        ]
        // A stop signal while the set is written is held until the last rename: the folder has the
        // previous set or the new one, never a mixture.
        do throws(FileSystemError) {
            try Interrupt.whileWritingReports { () throws(FileSystemError) in try AtomicFile.write(reports) }
        } catch {
            throw writingNothing(CLIError.io(error, isInput: false))
        }
        if Interrupt.isRequested {
            console.diagnose(
                "vpcflow: \(Interrupt.received.map(Interrupt.name) ?? "a stop signal") arrived while the reports were written; they are complete")
        }
        if !quietRun {
            try console.print(SummaryReport.text(result, services: services, outputDirectory: outputDirectory))
        }
        if result.aggregate.totalsSaturated {
            console.diagnose(
                "vpcflow: a sum of flows, packets or bytes reached 18446744073709551615 (2^64 - 1) and stopped there: such figures are lower bounds (summary.json: totals.saturated)")
        }
        let records = result.aggregate.records
        if records.malformed > 0 {
            console.diagnose("vpcflow: \(counted(records.malformed, "malformed line")) skipped, for example:")
            for sample in result.samples.prefix(3) { console.diagnose("  \(sample.description)") }
            console.diagnose("  (up to 10 per file in \(outputDirectory)/summary.json)")
        }
        // Severity order: an I/O error, an input that could not be opened, then data errors.
        let kinds = result.failures.map { $0.failure!.kind }
        if kinds.contains(.ioError) || kinds.contains(.changed) { return .ioError }
        if kinds.contains(.cannotOpen) { return .noInput }
        if !expansion.emptyDirectories.isEmpty { return .noInput }
        if kinds.contains(.badHeader) || !notFlowLogs.isEmpty { return .dataError }
        if limit.isExceeded(malformed: records.malformed, dataLines: records.dataLines) {
            console.diagnose("vpcflow: \(counted(records.malformed, "malformed line")) exceed\(records.malformed == 1 ? "s" : "") --max-malformed \(limit)")
            return .dataError
        }
        return .success
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
