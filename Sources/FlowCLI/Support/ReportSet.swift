import FlowEngine
import FlowIO

/// The one place that turns a `Partial` into what a user sees: the report files, the diagnostics on
/// standard error, the short summary on standard output and the exit code. `summarize` and `merge`
/// both end here, so that a merge of partials writes and says exactly what one run over their
/// inputs would. A new report is one more entry in `files`.
enum ReportSet {
    /// The report files of `partial`, as (path, bytes), in the order they are renamed into place.
    static func files(_ partial: Partial, run: RunInfo, outputDirectory: String) -> [(path: String, bytes: [UInt8])] {
        let services = ServicesReport.rows(partial, attribution: run.attribution)
        var files: [(path: String, bytes: [UInt8])] = [
            ("\(outputDirectory)/services.csv", ServicesReport.csv(services)),
            ("\(outputDirectory)/paths.csv", PathsReport.csv(PathsReport.rows(partial))),
            ("\(outputDirectory)/ports.csv", PortsReport.csv(PortsReport.rows(partial, top: run.reports.top))),
        ]
        if let bucket = run.reports.bucket {
            files.append(("\(outputDirectory)/timeline.csv", TimelineReport.csv(TimelineReport.rows(partial, bucket: bucket))))
        }
        if let interfaces = InterfacesReport.csv(partial) { files.append(("\(outputDirectory)/interfaces.csv", interfaces)) }
        // summary.json last: its rename marks the set complete.
        files.append(("\(outputDirectory)/summary.json", JSONWriter.render(SummaryReport.json(partial, run: run))))
        return files
    }

    /// Reports an earlier run may have left in the folder that this run does not write (interfaces.csv
    /// when no input has `interface-id`, timeline.csv without `--timeline`): removed once the new set
    /// is in place, so that the folder holds one run's reports.
    static let optionalReports = ["interfaces.csv", "timeline.csv"]

    /// `--top` and `--bucket`, shared by summarize and merge.
    static func reportOptions(_ arguments: ParsedArguments, command: CommandSpec) throws(CLIError) -> ReportOptions {
        var options = ReportOptions()
        if let text = arguments.value(.top) {
            guard let value = Int(text), value >= 1, value <= 1_000_000_000 else {
                throw CLIError.usage("--top must be a whole number from 1 to 1000000000, not \"\(text)\"", command: command)
            }
            options.top = value
        }
        if let text = arguments.value(.bucket) {
            guard let bucket = TimelineBucket(rawValue: text) else {
                throw CLIError.usage("--bucket must be 5m, 1h or 1d, not \"\(text)\"", command: command)
            }
            options.bucket = bucket
        } else if arguments.flag("timeline") {
            options.bucket = .hour
        }
        return options
    }

    /// Says on standard error what went wrong with inputs: failures, files that grew, files that are
    /// not flow logs.
    static func diagnoseInputs(_ partial: Partial, _ console: inout Console) {
        for failure in partial.failures { console.diagnose("vpcflow: \(failure.failure!.message)") }
        for input in partial.inputs {
            guard let size = input.grewTo else { continue }
            console.diagnose(
                "vpcflow: note: \(input.name) grew from \(input.bytes) to \(size) bytes while it was read; the first \(input.bytes) were counted")
        }
        for input in partial.inputs where input.isNotAFlowLog {
            let lines = input.malformed == 1 ? "its one data line is not a record" : "none of its \(input.malformed) data lines is a record"
            console.diagnose("vpcflow: \(input.name): not a flow log: \(lines)")
        }
    }

    /// When no input could be read and none gave a record, an empty report set would look like a
    /// quiet night: the exit code to end with instead of writing reports, or nil when there is
    /// something to report.
    static func nothingReadable(_ partial: Partial) -> ExitCode? {
        guard !partial.inputs.isEmpty,
            partial.inputs.allSatisfy({ ($0.failure != nil || $0.isNotAFlowLog) && $0.records == 0 })
        else { return nil }
        let codes = partial.failures.map { SummarizeCommand.exitCode($0.failure!.kind) }
        return codes.contains(.ioError) ? .ioError : codes.contains(.noInput) ? .noInput : .dataError
    }

    /// Writes the reports into `folder` (atomically, a stop signal held until the last rename), then
    /// prints the summary and the closing diagnostics; returns the exit code.
    static func write(
        _ partial: Partial, run: RunInfo, folder: OutputDirectory, outputDirectory: String, quiet: Bool,
        limit: MalformedLimit, _ console: inout Console
    ) throws(CLIError) -> ExitCode {
        diagnoseInputs(partial, &console)
        if let code = nothingReadable(partial) {
            console.diagnose("vpcflow: no input could be read as a flow log: no reports written")
            folder.removeIfEmpty()
            return code
        }
        let reports = files(partial, run: run, outputDirectory: outputDirectory)
        do throws(FileSystemError) {
            try Interrupt.whileWritingReports { () throws(FileSystemError) in try AtomicFile.write(reports) }
        } catch {
            folder.removeIfEmpty()
            throw CLIError.io(error, isInput: false)
        }
        for name in optionalReports where !reports.contains(where: { $0.path == "\(outputDirectory)/\(name)" }) {
            folder.removeReport(name)
        }
        if Interrupt.isRequested {
            console.diagnose(
                "vpcflow: \(Interrupt.received.map(Interrupt.name) ?? "a stop signal") arrived while the reports were written; they are complete")
        }
        if !quiet {
            let services = ServicesReport.rows(partial, attribution: run.attribution)
            try console.print(
                SummaryReport.text(partial, services: services, outputDirectory: outputDirectory, elapsedSeconds: run.elapsedSeconds))
        }
        return closing(partial, limit: limit, where: "\(outputDirectory)/summary.json", &console)
    }

    /// The diagnostics after the reports (saturation, malformed samples) and the exit code.
    static func closing(_ partial: Partial, limit: MalformedLimit, where reports: String, _ console: inout Console) -> ExitCode {
        if partial.saturated {
            console.diagnose(
                "vpcflow: a sum of flows, packets or bytes reached 18446744073709551615 (2^64 - 1) and stopped there: such figures are lower bounds (summary.json: totals.saturated)")
        }
        let records = partial.records
        if records.malformed > 0 {
            console.diagnose("vpcflow: \(SummarizeCommand.counted(records.malformed, "malformed line")) skipped, for example:")
            for sample in partial.samples.prefix(3) { console.diagnose("  \(sample.description)") }
            console.diagnose("  (up to 10 per file in \(reports))")
        }
        return exitCode(partial, limit: limit, &console)
    }

    /// Severity order: an I/O error, an input that could not be opened (or a folder with none), then
    /// data errors.
    static func exitCode(_ partial: Partial, limit: MalformedLimit, _ console: inout Console) -> ExitCode {
        let kinds = partial.failures.map { $0.failure!.kind }
        if kinds.contains(.ioError) || kinds.contains(.changed) { return .ioError }
        if kinds.contains(.cannotOpen) { return .noInput }
        if !partial.emptyDirectories.isEmpty { return .noInput }
        if kinds.contains(.badHeader) || partial.inputs.contains(where: \.isNotAFlowLog) { return .dataError }
        let records = partial.records
        if limit.isExceeded(malformed: records.malformed, dataLines: records.dataLines) {
            console.diagnose(
                "vpcflow: \(SummarizeCommand.counted(records.malformed, "malformed line")) exceed\(records.malformed == 1 ? "s" : "") --max-malformed \(limit)")
            return .dataError
        }
        return .success
    }

    /// Writes one partial to `path` (atomically) or, for `-`, to standard output.
    static func writePartial(_ partial: Partial, to path: String, _ console: inout Console) throws(CLIError) {
        let bytes = PartialCodec.encode(partial)
        if path == "-" {
            try console.write(bytes)
            try console.flush()
            return
        }
        do throws(FileSystemError) {
            try Interrupt.whileWritingReports { () throws(FileSystemError) in try AtomicFile.write([(path, bytes)]) }
        } catch {
            throw CLIError.io(error, isInput: false)
        }
    }
}
