import FlowEngine
import FlowIO

/// `vpcflow classify`: the notebook's output, record by record.
enum ClassifyCommand {
    static let spec = CommandSpec(
        path: ["classify"],
        summary: "print every source, then every destination address with the AWS ranges that contain it",
        discussion: """
            For every record, prints SOURCE,CLASSIFICATION; then for every record DESTINATION,CLASSIFICATION.
            CLASSIFICATION lists each matching entry as region_service_prefix, in the ranges file's order,
            joined by commas, and is empty when no range matches (the original notebook's format):

              3.2.34.5,af-south-1_AMAZON_3.2.34.0/26,af-south-1_EC2_3.2.34.0/26
              10.0.0.6,

            Input: CSV with a header (srcaddr/dstaddr columns by name, else the first two columns) or AWS
            flow-log text (space-separated, with a header line, or in the default version 2 order, or the
            order given by --fields). Several inputs are read as one table: all their sources, then all
            their destinations. Records without addresses (NODATA, SKIPDATA) are skipped; lines that are
            not records are skipped and reported on standard error with file and line.
            """,
        options: [.ranges, .labels, .fields, .inflater],
        arguments: [ArgumentSpec(name: "INPUT", help: "file, directory, or - for standard input", minimum: 1, maximum: nil)])

    static func run(_ arguments: ParsedArguments, _ console: inout Console) throws(CLIError) -> ExitCode {
        let fields = try FieldsOption.layout(arguments)
        let inflater = try InflaterOption.resolve(arguments, command: spec)
        let sources = try InputList.expand(arguments.positionals)
        let classifier = Classifier(index: try RangesResolver.index(arguments))
        // Open everything first, so a missing input stops the run before any output.
        var inputs: [(name: String, contents: InputContents)] = []
        for source in sources {
            inputs.append((source.name, try InputContents.open(source, inflater: inflater)))
        }
        var output: [UInt8] = []
        output.reserveCapacity(1 << 17)
        var total = Classifier.Tally()
        for side in [Classifier.Side.source, .destination] {
            for input in inputs {
                let tally: Classifier.Tally
                let outcome = try input.contents.withBytes { bytes in
                    Result { () throws(ClassifyError<CLIError>) in
                        try classifier.classify(
                            bytes, path: input.name, side: side, fields: fields, output: &output,
                            flush: { (buffer: inout [UInt8]) throws(CLIError) in
                                try console.write(buffer)
                                buffer.removeAll(keepingCapacity: true)
                            })
                    }
                }
                do {
                    tally = try outcome.get()
                } catch {
                    switch error {
                    case .layout(let path, let line, let layoutError):
                        throw CLIError.data("\(path):\(line): \(layoutError)")
                    case .output(let outputError):
                        throw outputError
                    }
                }
                if side == .source {
                    total.records += tally.records
                    total.withoutAddresses += tally.withoutAddresses
                    total.malformed += tally.malformed
                    total.samples += tally.samples
                }
            }
        }
        try console.write(output)
        try console.flush()
        if total.withoutAddresses > 0 {
            console.diagnose("note: skipped \(Plural.counted(total.withoutAddresses, "record")) without addresses (NODATA/SKIPDATA)")
        }
        if total.malformed > 0 {
            console.diagnose("warning: skipped \(Plural.counted(total.malformed, "line")) that \(total.malformed == 1 ? "is not a record" : "are not records"):")
            for sample in total.samples { console.diagnose("  \(sample.description)") }
            if total.malformed > total.samples.count {
                console.diagnose("  ... and \(total.malformed - total.samples.count) more")
            }
        }
        return .success
    }
}

/// `--fields "version srcaddr ..."` as a layout.
enum FieldsOption {
    static func layout(_ arguments: ParsedArguments) throws(CLIError) -> RecordLayout? {
        guard let text = arguments.value(.fields) else { return nil }
        let names = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" }).map(String.init)
        // A header may carry names vpcflow does not know (they are ignored), but --fields is typed
        // by hand: an unknown name there is a typo, and ignoring it would count that column as 0.
        for name in names {
            let bare = name.hasPrefix("${") && name.hasSuffix("}") ? String(name.dropFirst(2).dropLast()) : name
            guard !FlowField.isKnown(bare) else { continue }
            let hint = Suggestion.hint(bare, in: FlowField.known.sorted())
            throw CLIError.usage("--fields: unknown field \"\(bare)\"\(hint)", command: nil)
        }
        do {
            return try RecordLayout.awsText(fields: names)
        } catch {
            throw CLIError.usage("--fields: \(error)", command: nil)
        }
    }
}

/// The bytes of one input: a mapped file, or standard input read to its end. Gzip input (by its
/// magic bytes) is inflated into memory: classify reads every input twice (sources, then
/// destinations), and its output is as large as its input anyway.
enum InputContents {
    case mapped(MappedFile)
    case buffer([UInt8])

    static func open(_ source: InputList.Source, inflater: Inflater) throws(CLIError) -> InputContents {
        do {
            switch source {
            case .file(let path):
                // Every input stays open until both passes are done: no descriptor per file.
                let file = try MappedFile(path: path, keepDescriptor: false)
                let isGzip = try file.withBytes(in: 0..<min(2, file.count)) { GzipReader.isGzip($0) }
                return isGzip ? .buffer(try inflate(GzipReader(.mapped(file), inflater: inflater))) : .mapped(file)
            case .standardInput:
                let bytes = try FileReading.readStandardInput()
                guard GzipReader.isGzip(bytes.span) else { return .buffer(bytes) }
                return .buffer(try inflate(GzipReader(.descriptor(-1, name: "<stdin>", prefix: bytes), inflater: inflater)))
            }
        } catch {
            throw CLIError(exitCode: error.code == .ioError || error.code == .changed ? .ioError : .noInput, message: error.description)
        }
    }

    private static func inflate(_ reader: GzipReader) throws(FileSystemError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 1 << 20)
        var filled = 0
        while true {
            if filled == bytes.count { bytes += [UInt8](repeating: 0, count: bytes.count) }
            let n = try reader.read(into: &bytes, from: filled)
            if n == 0 { break }
            filled += n
        }
        bytes.removeSubrange(filled...)
        return bytes
    }

    func withBytes<R>(_ body: (Span<UInt8>) -> R) throws(CLIError) -> R {
        switch self {
        case .mapped(let file):
            do { return try file.withBytes(body) } catch { throw CLIError.io(error) }
        case .buffer(let bytes): return body(bytes.span)
        }
    }
}
