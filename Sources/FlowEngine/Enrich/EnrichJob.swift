public import FlowIO

/// `vpcflow enrich`: every OK record of the inputs, in input order, written with its fields and the
/// primary attribution of both addresses. Streaming and bounded: the inputs are read one after
/// another in pieces (a plain file's chunks as `ChunkPlan` cuts them, a gzip file's or a stream's
/// blocks of whole lines), up to `jobs` pieces are enriched at once in child tasks, and their output
/// is written in piece order as it completes, so at most about `jobs + 1` pieces and their output
/// are in memory whatever the input's size.
public enum EnrichJob {
    public struct Options: Sendable {
        public var jobs: Int
        public var format: EnrichFormat
        public var fields: RecordLayout?
        public var chunkSize = SummarizeOptions.defaultChunkSize
        public var lineLimit = LineLimit.bytes
        public var inflater: Inflater = .zlib
        public var allowMapping = true

        public init(jobs: Int, format: EnrichFormat, fields: RecordLayout? = nil) {
            self.jobs = max(1, jobs)
            self.format = format
            self.fields = fields
        }

        var summarizeOptions: SummarizeOptions {
            var options = SummarizeOptions(jobs: jobs, chunkSize: chunkSize, fields: fields, allowMapping: allowMapping)
            options.lineLimit = lineLimit
            return options
        }
    }

    /// What a run did: the record counts, the malformed samples (with file and line), and each
    /// input that could not be read (to its end).
    public struct Outcome: Sendable {
        public var records = RecordCounts()
        public var samples: [MalformedRecord] = []
        public var failures: [(name: String, failure: InputFailure)] = []
        public var recordsWritten: Int { records.ok }
    }

    /// One piece of an input, enriched in a child task.
    private enum Piece: Sendable {
        /// A chunk of a plain file, and whether it starts or ends inside an over-long line
        /// (`ChunkPlan`: the chunk holding the line's start judges it, the next skips to its end).
        case mapped(MappedFile, Range<Int>, startsInsideLine: Bool, endsInsideLine: Bool)
        case bytes([UInt8], Range<Int>)
    }

    /// Runs over `sources` in order, handing the output to `write` in order.
    ///
    /// One task group for the whole run: pieces are numbered across inputs, so that a folder of
    /// thousands of small files keeps every core busy as one large file does; an input's samples get
    /// their file line numbers, and the input is checked for changes, when its last piece is written.
    /// - Throws: what `write` throws (the output cannot be written): the run stops.
    public static func run(
        _ sources: [InputSource], index: PrefixIndex, options: Options,
        write: (_ bytes: [UInt8]) throws(FileSystemError) -> Void
    ) async throws(FileSystemError) -> Outcome {
        let context = EnrichContext(index: index, format: options.format, lineLimit: options.lineLimit)
        var outcome = Outcome()
        var failures: [Int: InputFailure] = [:]
        var csvColumns: [String]?
        var outputError: FileSystemError?

        /// A numbered item of the output: a piece's result, or bytes known at once (the CSV header);
        /// `ends` names the input whose last item it is.
        struct Item {
            var block: EnrichedBlock
            var file: Int?
            var ends: Int?
        }
        // Per input being written: the lines before its next piece, its samples, its open file.
        var lineOffsets: [Int: Int] = [:]
        var samples: [Int: [MalformedRecord]] = [:]
        var readers: [Int: PieceReader] = [:]

        await withTaskGroup(of: (Int, EnrichedBlock).self) { group in
            var submitted = 0
            var written = 0
            var done: [Int: Item] = [:]
            var meta: [Int: (file: Int?, ends: Int?)] = [:]
            var inFlight = 0

            /// Writes every finished item that is next in order; false once writing failed.
            func flush() -> Bool {
                while let item = done.removeValue(forKey: written) {
                    written += 1
                    let block = item.block
                    if let file = item.file {
                        outcome.records.merge(block.records)
                        let offset = lineOffsets[file, default: 0]
                        for sample in block.samples where samples[file, default: []].count < MalformedRecord.samplesPerInput {
                            samples[file, default: []].append(sample.record.located(path: sources[file].name, line: offset + sample.line))
                        }
                        lineOffsets[file] = offset + block.lineCount
                    }
                    if !block.bytes.isEmpty {
                        do { try write(block.bytes) } catch {
                            outputError = error
                            return false
                        }
                    }
                    if let file = item.ends {
                        outcome.samples += samples.removeValue(forKey: file) ?? []
                        lineOffsets[file] = nil
                        if failures[file] == nil, let change = readers[file]?.verify() { failures[file] = change }
                        readers[file] = nil
                    }
                }
                return true
            }
            /// Adds a finished item and writes what is next; false once writing failed.
            func finished(_ ordinal: Int, _ block: EnrichedBlock) -> Bool {
                let m = meta.removeValue(forKey: ordinal) ?? (nil, nil)
                done[ordinal] = Item(block: block, file: m.file, ends: m.ends)
                return flush()
            }
            /// Waits for one piece when `jobs` are in flight.
            func makeRoom() async -> Bool {
                while inFlight >= options.jobs {
                    guard let (ordinal, block) = await group.next() else { return true }
                    inFlight -= 1
                    if !finished(ordinal, block) { return false }
                }
                return true
            }

            inputs: for (file, source) in sources.enumerated() {
                if Interrupt.isRequested { break }
                var reader: PieceReader
                do throws(FileSystemError) { reader = try PieceReader(source, options: options) } catch {
                    failures[file] = InputFailure(opening: error)
                    continue
                }
                let format: InputFormat
                do { format = try reader.format() } catch let error as LayoutError {
                    failures[file] = InputFailure(kind: .badHeader, message: "\(source.name): \(error)")
                    continue
                } catch let error as FileSystemError {
                    failures[file] = InputFailure(reading: error)
                    continue
                } catch {
                    failures[file] = InputFailure(kind: .ioError, message: "\(source.name): \(error)")
                    continue
                }
                let names = EnrichBlock.columnNames(format.detected.layout)
                if options.format == .csv, reader.hasData {
                    if let columns = csvColumns, columns != names {
                        failures[file] = InputFailure(
                            kind: .badHeader,
                            message: "\(source.name): its fields (\(names.joined(separator: " "))) are not the first input's (\(columns.joined(separator: " "))): one CSV has one header; use --format jsonl for mixed layouts")
                        continue
                    }
                    if csvColumns == nil {
                        csvColumns = names
                        // In order, before this input's first piece.
                        let ordinal = submitted
                        submitted += 1
                        if !finished(ordinal, EnrichedBlock(bytes: EnrichBlock.csvHeader(names))) { break inputs }
                    }
                }
                let jsonKeys: [[UInt8]] = names.map { name in
                    var key: [UInt8] = []
                    EnrichBlock.jsonString(Array(name.utf8), into: &key)
                    key.append(0x3A)
                    return key
                }
                // Read ahead one piece, so that the last one is known when it is handed out.
                var next: Piece?
                do throws(FileSystemError) { next = try reader.next() } catch { failures[file] = InputFailure(reading: error) }
                while let piece = next {
                    do throws(FileSystemError) { next = try reader.next() } catch {
                        failures[file] = InputFailure(reading: error)
                        next = nil
                    }
                    if !(await makeRoom()) { break inputs }
                    let ordinal = submitted
                    submitted += 1
                    meta[ordinal] = (file, next == nil ? file : nil)
                    inFlight += 1
                    group.addTask {
                        switch piece {
                        case .mapped(let mapped, let range, let startsInsideLine, let endsInsideLine):
                            let block = (try? mapped.withBytes(in: range) { bytes in
                                EnrichBlock.run(
                                    bytes, format: format, jsonKeys: jsonKeys, context, startsInsideLine: startsInsideLine,
                                    endsInsideLine: endsInsideLine)
                            }) ?? EnrichedBlock()
                            mapped.release(range)
                            return (ordinal, block)
                        case .bytes(let bytes, let range):
                            return (ordinal, EnrichBlock.run(bytes.span.extracting(range), format: format, jsonKeys: jsonKeys, context))
                        }
                    }
                }
                if meta.values.contains(where: { $0.ends == file }) {
                    readers[file] = reader  // checked once its last piece is written
                } else if failures[file] == nil, let change = reader.verify() {
                    failures[file] = change  // no piece (an empty input): checked now
                }
            }
            while let (ordinal, block) = await group.next() {
                inFlight -= 1
                if outputError == nil, !finished(ordinal, block) { group.cancelAll() }
            }
        }
        if let outputError { throw outputError }
        for file in sources.indices {
            guard let failure = failures[file] else { continue }
            outcome.failures.append((sources[file].name, InputFailure(kind: failure.kind, message: sources[file].naming(failure.message))))
        }
        return outcome
    }

    /// An input's pieces, read in order on the job's task.
    private struct PieceReader {
        let name: String
        let options: Options
        var mapped: MappedFile?
        var blocks: LineBlockReader?
        var descriptor: Int32?
        var nextStart = 0
        var insideLine = false
        /// A stream's first block, read to detect its format, handed out first.
        var first: Piece?
        /// Whether the input has a byte to read (an empty input writes no CSV header).
        var hasData: Bool { (mapped?.count ?? 1) > 0 }

        init(_ source: InputSource, options: Options) throws(FileSystemError) {
            name = source.name
            self.options = options
            switch source {
            case .standardInput:
                blocks = LineBlockReader(.descriptor(0, name: "standard input"), blockSize: options.chunkSize, lineLimit: options.lineLimit)
            case .file(let path), .named(let path, _):
                if InputKinds.status(path)?.special == .stream {
                    let fd = try InputKinds.openStream(path)
                    descriptor = fd
                    blocks = LineBlockReader(.descriptor(fd, name: path), blockSize: options.chunkSize, lineLimit: options.lineLimit)
                    return
                }
                let file = try MappedFile(path: path, allowMapping: options.allowMapping)
                if try file.withBytes(in: 0..<min(2, file.count), { GzipReader.isGzip($0) }) {
                    blocks = LineBlockReader(
                        .gzip(try GzipReader(.mapped(file), inflater: options.inflater)), blockSize: 4 << 20,
                        lineLimit: options.lineLimit)
                }
                mapped = file
            }
        }

        /// The input's format, from its first lines (`.blankOnly` when it has none).
        mutating func format() throws -> InputFormat {
            if blocks == nil, let mapped {
                return try WorkPlanner.detectFormat(mapped, options: options.summarizeOptions) ?? .blankOnly
            }
            // A stream: from its first block (a first block of blank lines only reads as the default
            // format, where summarize would decide later).
            guard let piece = try next(), case .bytes(let bytes, let range) = piece else { return .blankOnly }
            first = piece
            return try InputFormat.detect(in: bytes.span.extracting(range), fields: options.fields, lineLimit: options.lineLimit)
                ?? .blankOnly
        }

        /// The next piece, or nil at the end.
        mutating func next() throws(FileSystemError) -> Piece? {
            if let piece = first {
                first = nil
                return piece
            }
            if var reader = blocks {
                defer { blocks = reader }
                guard let range = try reader.next() else { return nil }
                let bytes = reader.takeBlock(replacingWith: [])
                return .bytes(bytes, range)
            }
            guard let mapped, nextStart < mapped.count else { return nil }
            let chunk = try ChunkPlan.next(
                from: nextStart, count: mapped.count, size: options.chunkSize, lineLimit: options.lineLimit
            ) { (from, before) throws(FileSystemError) -> Int? in try WorkPlanner.newline(in: mapped, from: from, before: before) }
            nextStart = chunk.range.upperBound
            let starts = insideLine
            insideLine = chunk.endsInsideLine
            return .mapped(mapped, chunk.range, startsInsideLine: starts, endsInsideLine: chunk.endsInsideLine)
        }

        /// Whether the file changed while it was read (nil: it did not, or it is a stream).
        func verify() -> InputFailure? {
            if let descriptor { InputKinds.close(descriptor) }
            guard let mapped else { return nil }
            switch mapped.verify() {
            case .unchanged, .grew: return nil
            case .shrank(let size):
                return InputFailure(kind: .changed, message: "cannot read \"\(mapped.path)\": file shrank from \(mapped.count) to \(size) bytes while it was being read")
            case .modified:
                return InputFailure(kind: .changed, message: "cannot read \"\(mapped.path)\": file was modified while it was being read")
            }
        }
    }
}
