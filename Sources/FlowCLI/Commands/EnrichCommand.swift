import FlowEngine
import FlowIO

/// `vpcflow enrich`: every OK record with its attribution, for users who load records into their
/// own tools.
enum EnrichCommand {
    static let output = OptionSpec("output", value: "FILE", default: "- (standard output)", help: "where to write the records")
    static let format = OptionSpec("format", value: "csv|jsonl", default: "csv", help: "CSV with a header line, or one JSON object per line")

    static let spec = CommandSpec(
        path: ["enrich"],
        summary: "write every OK record, in input order, with the region and service of both addresses",
        discussion: """
            Reads the inputs as summarize does (any text format, plain or gzip, folders, - for standard input)
            and writes each OK record with its fields, then src_region,src_service,dst_region,dst_service
            (primary attribution): CSV with the first input's field names as header (every input must have
            the same fields), or JSON lines (one object per record, values as strings). Streaming: memory stays
            bounded whatever the input's size; a FILE is written to a temporary file and renamed when done.
            NODATA, SKIPDATA and malformed lines are counted (and malformed ones sampled) on standard error.
            Exit codes: 0 done; 64 usage; 65 malformed lines over --max-malformed, an unusable header, or an
            input with other fields than the first (CSV); 66 an input cannot be opened; 74 a read error, a file
            changed while read, or the output cannot be written; 130 interrupted (a FILE is not written).
            """,
        options: [
            .ranges, .labels, SummarizeCommand.jobs, .fields, output, format, SummarizeCommand.maxMalformed, .inflater,
            SummarizeCommand.quiet,
        ],
        arguments: [
            ArgumentSpec(name: "INPUT", help: "file, directory (every file below it), or - for standard input", minimum: 1, maximum: nil)
        ])

    static func run(_ arguments: ParsedArguments, _ console: inout Console) async throws(CLIError) -> ExitCode {
        let formatText = arguments.value(format) ?? "csv"
        guard let outputFormat = EnrichFormat(rawValue: formatText) else {
            throw CLIError.usage("--format must be csv or jsonl, not \"\(formatText)\"", command: spec)
        }
        let jobs = try SummarizeCommand.positiveInteger(arguments, SummarizeCommand.jobs) ?? ProcessControl.activeProcessorCount
        let limit = try MalformedLimit(arguments.value(SummarizeCommand.maxMalformed))
        let fields = try FieldsOption.layout(arguments)
        let inflater = try InflaterOption.resolve(arguments, command: spec)
        let destination = arguments.value(output) ?? "-"
        if destination.isEmpty { throw CLIError.usage("--output takes a file or -, not \"\"", command: spec) }
        let inputs = try Inputs.gather(arguments.positionals, filesFrom: nil, allowEmpty: false, command: spec)
        let index = try RangesResolver.index(arguments)
        var options = EnrichJob.Options(jobs: jobs, format: outputFormat, fields: fields)
        options.inflater = inflater
        for note in inputs.notes { console.diagnose("vpcflow: \(note)") }
        Interrupt.install()

        var file: AtomicFileWriter?
        if destination != "-" {
            do { file = try AtomicFileWriter(path: destination) } catch { throw CLIError.io(error, isInput: false) }
        }
        let outcome: EnrichJob.Outcome
        do throws(FileSystemError) {
            outcome = try await EnrichJob.run(inputs.sources, index: index, options: options) { (bytes) throws(FileSystemError) in
                if let file { try file.write(bytes) } else { try console.out.write(bytes) }
            }
        } catch {
            file?.abandon()
            throw CLIError.io(error, isInput: false)
        }
        if Interrupt.isRequested {
            file?.abandon()
            throw .stopped(destination == "-" ? "" : ": \(destination) not written")
        }
        do throws(FileSystemError) {
            if let file { try file.commit() } else { try console.out.flush() }
        } catch {
            throw CLIError.io(error, isInput: false)
        }

        for (_, failure) in outcome.failures { console.diagnose("vpcflow: \(failure.message)") }
        let r = outcome.records
        if !arguments.flag("quiet") || r.malformed > 0 {
            console.diagnose(
                "vpcflow enrich: \(SummarizeCommand.counted(r.ok, "record")) written\(destination == "-" ? "" : " to \(destination)"); \(r.nodata) NODATA, \(r.skipdata) SKIPDATA, \(SummarizeCommand.counted(r.malformed, "malformed line"))")
        }
        if r.malformed > 0 {
            for sample in outcome.samples.prefix(3) { console.diagnose("  \(sample.description)") }
        }
        let kinds = outcome.failures.map(\.failure.kind)
        if kinds.contains(.ioError) || kinds.contains(.changed) { return .ioError }
        if kinds.contains(.cannotOpen) { return .noInput }
        if kinds.contains(.badHeader) { return .dataError }
        if limit.isExceeded(malformed: r.malformed, dataLines: r.dataLines) {
            console.diagnose("vpcflow: \(SummarizeCommand.counted(r.malformed, "malformed line")) exceed --max-malformed \(limit)")
            return .dataError
        }
        return .success
    }
}
