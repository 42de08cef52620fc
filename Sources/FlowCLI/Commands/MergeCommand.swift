import FlowEngine
import FlowIO

/// `vpcflow merge`: partial aggregates (from `summarize --partial`, from Spark tasks, from earlier
/// merges) in, the reports one run over all their inputs would have written out; or, with
/// `--partial`, one merged partial (for a tree of merges).
enum MergeCommand {
    static let output = OptionSpec("output", value: "DIR", default: "./vpcflow-report", help: "folder for the reports")
    /// `--bucket`, with merge's default.
    static let bucket = OptionSpec(
        "bucket", value: "5m|1h|1d", default: "the partials' own",
        help: "width of timeline.csv's buckets: the partials' (their summarize --bucket) or wider")
    static let partial = OptionSpec(
        "partial", value: "FILE", help: "write one merged partial to FILE (- for standard output) instead of the reports")

    static let spec = CommandSpec(
        path: ["merge"],
        summary: "merge partial aggregates into the reports one summarize over all their inputs would write",
        discussion: """
            Each PARTIAL is a file written by 'vpcflow summarize --partial' (or by 'merge --partial'), a folder
            (every partial below it; other files are skipped and named), or - for standard input. The reports
            (services.csv, paths.csv, ports.csv, interfaces.csv, timeline.csv, summary.json; --top and --bucket
            as in summarize) are byte-identical to those of one summarize over all the
            partials' inputs, except summary.json's run object; the exit code is the one that run would give.
            Refused (exit 65), naming the partials: a partial that is truncated or altered; partials counted
            with different ranges, labels or counting options (--fields); an input that is in two partials;
            an incomplete set of --shard partials (pass --partial to merge some shards now and the rest later).
            --ranges and --labels are optional: when given, they must be the ones the partials were counted
            with (compared by content); the reports need nothing from them.
            Exit codes: as summarize; 65 also for the refusals above; 66 no partial found.
            """,
        options: [
            .ranges, .labels, SummarizeCommand.attribution, output, partial, SummarizeCommand.maxMalformed,
            SummarizeCommand.quiet, .top, bucket,
        ],
        arguments: [
            ArgumentSpec(
                name: "PARTIAL", help: "partial file, folder of partials, or - for standard input", minimum: 1,
                maximum: nil)
        ])

    static func run(_ arguments: ParsedArguments, _ console: inout Console) async throws(CLIError) -> ExitCode {
        let clock = ContinuousClock()
        let started = clock.now
        let mode = try SummarizeCommand.attributionMode(arguments)
        let limit = try MalformedLimit(arguments.value(SummarizeCommand.maxMalformed))
        let reportOptions = try ReportSet.reportOptions(arguments, command: spec)
        let partialPath = arguments.value(partial)
        if let partialPath, partialPath.isEmpty {
            throw CLIError.usage("--partial takes a file (or - for standard output), not \"\"", command: spec)
        }
        if partialPath != nil && arguments.value(output) != nil {
            throw CLIError.usage("--partial and --output exclude each other", command: spec)
        }
        let outputDirectory = arguments.value(output) ?? "./vpcflow-report"
        if outputDirectory == "-" || outputDirectory.isEmpty {
            throw CLIError.usage("--output takes a folder for the reports, not \"\(outputDirectory)\"", command: spec)
        }
        if partialPath == "-" && arguments.positionals.contains("-") {
            throw CLIError.usage("--partial - writes to standard output; it cannot be used with a partial read from standard input", command: spec)
        }
        let files = try partialFiles(arguments.positionals, &console)

        var merged: Partial?
        var firstFile = ""
        // Which partial file brought each input, to name both files of a conflict.
        var origin: [String: String] = [:]
        // Decoded (checksum, then components) a batch at a time on every core; merged one by one in
        // the order given, into `merged` in place (a copy would copy every table per partial).
        let batchSize = 16
        for batchStart in stride(from: 0, to: files.count, by: batchSize) {
            let batch = Array(files[batchStart..<min(files.count, batchStart + batchSize)])
            let decoded = await withTaskGroup(of: (Int, Result<Partial, PartialCodec.DecodeError>).self) { group in
                for (offset, file) in batch.enumerated() {
                    group.addTask { (offset, Result { () throws(PartialCodec.DecodeError) in try PartialCodec.decode(file.1) }) }
                }
                var results = [Result<Partial, PartialCodec.DecodeError>?](repeating: nil, count: batch.count)
                for await (offset, result) in group { results[offset] = result }
                return results
            }
            for (offset, result) in decoded.enumerated() {
                let path = batch[offset].0
                let name = path == "-" ? "standard input" : "\"\(path)\""
                let next: Partial
                switch result! {
                case .success(let partial): next = partial
                case .failure(let error): throw CLIError.data("cannot merge \(name): \(error.description)")
                }
                if merged == nil {
                    merged = next
                    firstFile = name
                    for input in next.inputs { origin[input.name] = name }
                    continue
                }
                do {
                    try merged!.merge(next)
                } catch {
                    let other: String
                    if case .sameInput(let input) = error { other = origin[input] ?? firstFile } else { other = firstFile }
                    throw CLIError.data("cannot merge \(other) and \(name): \(error.description)")
                }
                for input in next.inputs { origin[input.name] = name }
            }
        }
        guard let merged else {
            throw CLIError(exitCode: .noInput, message: "no partials found in \(arguments.positionals.map { "\"\($0)\"" }.joined(separator: ", "))")
        }
        try checkSnapshot(merged, arguments)

        if let partialPath {
            try ReportSet.writePartial(merged, to: partialPath, &console)
            return .success
        }
        if let group = merged.shards.first {
            let missing = (0..<group.count).filter { !group.held.contains($0) }
            let listed = missing.prefix(10).map(String.init).joined(separator: ", ") + (missing.count > 10 ? ", ..." : "")
            throw CLIError.data(
                "the partials hold \(group.held.count) of \(group.count) shards of one input list (sha256:\(group.listDigest.prefix(12))); missing: \(listed). Merge them all, or pass --partial to merge these now")
        }
        Interrupt.install()
        let folder = try SummarizeCommand.openFolder(outputDirectory)
        for duplicate in merged.duplicates {
            console.diagnose("vpcflow: \"\(duplicate.path)\" is the same file as \"\(duplicate.sameAs)\": read once")
        }
        for folderName in merged.emptyDirectories {
            console.diagnose("vpcflow: no input files found in \"\(folderName)\" (hidden files are skipped)")
        }
        var run = RunInfo(
            version: CommandLineTool.version, mergedPartials: files.count, attribution: mode,
            elapsedSeconds: seconds(clock.now - started))
        run.rangesFile = arguments.value(.ranges)
        run.labelsFile = arguments.value(.labels)
        run.reports = reportOptions
        // Without --bucket, the partials' own width: the timeline one summarize over their inputs wrote.
        if arguments.value(.bucket) == nil { run.reports.bucket = merged.timelineBucket }
        if let bucket = run.reports.bucket, !TimelineReport.canRender(merged, bucket: bucket) {
            folder.removeIfEmpty()
            guard let counted = merged.timelineBucket else {
                throw CLIError.usage(
                    "--bucket \(bucket.rawValue): the partials hold no timeline; count the inputs with summarize --timeline (or --bucket)",
                    command: spec)
            }
            throw CLIError.usage(
                "--bucket \(bucket.rawValue): the partials hold buckets of \(counted.rawValue) (summarize --bucket \(counted.rawValue)), which cannot be split; pass --bucket \(counted.rawValue) or wider, or count the inputs again with summarize --bucket \(bucket.rawValue)",
                command: spec)
        }
        return try ReportSet.write(
            merged, run: run, folder: folder, outputDirectory: outputDirectory, quiet: arguments.flag("quiet"),
            limit: limit, &console)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    /// The bytes of every partial named: files as given, folders walked (files that do not start
    /// like a partial are skipped with a note), `-` once.
    static func partialFiles(_ arguments: [String], _ console: inout Console) throws(CLIError) -> [(String, [UInt8])] {
        var files: [(String, [UInt8])] = []
        var readStandardInput = false
        for argument in arguments {
            if argument == "-" {
                guard !readStandardInput else { throw CLIError(exitCode: .usage, message: "standard input ('-') given twice") }
                readStandardInput = true
                do { files.append(("-", try FileReading.readStandardInput())) } catch { throw CLIError.io(error) }
                continue
            }
            switch FileReading.kind(of: argument) {
            case .missing:
                throw CLIError(exitCode: .noInput, message: "cannot open \"\(argument)\": No such file or directory")
            case .directory:
                let paths: [String]
                do { paths = try DirectoryWalk.regularFiles(under: argument) } catch { throw CLIError.io(error) }
                for path in paths {
                    let bytes: [UInt8]
                    do { bytes = try FileReading.readAll(path) } catch { throw CLIError.io(error) }
                    if PartialCodec.looksLikePartial(bytes) {
                        files.append((path, bytes))
                    } else {
                        console.diagnose("vpcflow: note: \"\(path)\" is not a partial: skipped")
                    }
                }
            case .regular, .other:
                do { files.append((argument, try FileReading.readAll(argument))) } catch { throw CLIError.io(error) }
            }
        }
        return files
    }

    /// With --ranges (and --labels), the files must be the snapshot the partials were counted with.
    static func checkSnapshot(_ merged: Partial, _ arguments: ParsedArguments) throws(CLIError) {
        guard arguments.value(.ranges) != nil || arguments.value(.labels) != nil else { return }
        guard arguments.value(.ranges) != nil else {
            throw CLIError.usage("--labels needs --ranges: the check compares both with the partials'", command: spec)
        }
        let snapshot = RangesIdentity.snapshot(of: try RangesResolver.index(arguments).ranges)
        let counted = merged.snapshot
        if snapshot.rangesDigest != counted.rangesDigest {
            throw CLIError.data(
                "--ranges \"\(arguments.value(.ranges)!)\" (\(snapshot.syncToken)/\(snapshot.createDate), sha256:\(snapshot.rangesDigest.prefix(12))) is not the snapshot the partials were counted with (\(counted.syncToken)/\(counted.createDate), sha256:\(counted.rangesDigest.prefix(12)))")
        }
        if arguments.value(.labels) != nil, snapshot.labelsDigest != counted.labelsDigest {
            throw CLIError.data(
                "--labels \"\(arguments.value(.labels)!)\" is not the labels file the partials were counted with (\(counted.labelsDigest.map { "sha256:\($0.prefix(12))" } ?? "they were counted without labels"))")
        }
    }
}
