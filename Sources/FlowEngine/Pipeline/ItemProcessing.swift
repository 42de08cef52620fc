import FlowIO

/// What every task of a run shares: immutable, so tasks touch nothing shared that can change.
struct JobContext: Sendable {
    let index: PrefixIndex
    let keys: ServiceKeys
    let options: SummarizeOptions

    /// Plain files up to this size are read with `pread` into memory rather than mapped: for a
    /// small file a mapping costs more (mmap, the SIGBUS guard's registration, page faults,
    /// munmap) than one copy of its bytes.
    static let readWholeBelow = 256 << 10
}

extension SummarizeJob {
    /// Runs one work item in a child task, counting into the workspace's scratch aggregate (empty),
    /// and gives the scratch back, empty again, in the result, with the buffers it is done with.
    static func process(_ item: WorkItem, _ handoff: Handoff<Workspace>, _ context: JobContext) -> ItemResult {
        let workspace = handoff.take()
        // Each held once, here: whoever counts takes it out (`owned`), so no second reference
        // makes the first write copy it.
        var scratch: Aggregate? = workspace.aggregate
        var spare: [UInt8]? = workspace.buffer
        var gzip = workspace.gzip
        _ = consume workspace
        var result: ItemResult
        switch item {
        case .open(let file, let path):
            result = open(file: file, path: path, spare: &spare, scratch: &scratch, gzip: &gzip, context)
        case .chunk(let file, let ordinal, let mapped, let range, let format, let startsInsideLine, let endsInsideLine):
            result = ItemResult(file: file, ordinal: ordinal, bytes: range.count)
            var scanner = ChunkScanner(
                index: context.index, keys: context.keys, format: format, lineLimit: context.options.lineLimit,
                aggregate: owned(&scratch))
            do {
                try mapped.withBytes(in: range) {
                    scanner.scan($0, startsInsideLine: startsInsideLine, endsInsideLine: endsInsideLine)
                }
                mapped.release(range)
                result.take(&scanner)
                result.textBytes = range.count
            } catch {
                result.take(&scanner)
                result.counts = nil
                result.samples = []
                result.lineCount = 0
                result.failure = InputFailure(reading: error)
                result.inputDone = true
            }
        case .block(let file, let ordinal, let bytes, let count, let format):
            result = ItemResult(file: file, ordinal: ordinal, bytes: 0)
            var scanner = ChunkScanner(
                index: context.index, keys: context.keys, format: format, lineLimit: context.options.lineLimit,
                aggregate: owned(&scratch))
            scanner.scan(bytes.span.extracting(0..<count))
            result.take(&scanner)
            // A stream's text bytes are counted once, when it ends (all it read, skipped bytes of
            // over-long lines too).
            result.spares.append(bytes)
        case .stream(let stream):
            result = read(stream, spare: &spare, scratch: &scratch, context)
        }
        if let gzip { result.gzip = gzip }
        if let scratch { result.scratch = scratch }
        if let spare { result.spares.append(spare) }
        return result
    }

    /// Takes the value out of `slot`, leaving nil: the caller is then its only owner.
    static func owned<T>(_ slot: inout T?) -> T {
        guard let value = slot else { preconditionFailure("taken twice") }
        slot = nil
        return value
    }

    /// Opens a regular file and, when it is small, counts it here.
    private static func open(
        file: Int, path: String, spare: inout [UInt8]?, scratch: inout Aggregate?, gzip: inout ReusableGzipReader?,
        _ context: JobContext
    ) -> ItemResult {
        let options = context.options
        do {
            let mapped = try MappedFile(
                path: path, allowMapping: options.allowMapping, mapAbove: JobContext.readWholeBelow)
            let isGzip = try mapped.withBytes(in: 0..<min(2, mapped.count)) { GzipReader.isGzip($0) }
            if isGzip {
                let reusable: ReusableGzipReader
                if let lent = gzip {
                    gzip = nil
                    try lent.reader.restart(.mapped(mapped))
                    reusable = lent
                } else {
                    reusable = ReusableGzipReader(try GzipReader(.mapped(mapped), inflater: options.inflater))
                }
                let reader = reusable.reader
                let stream = StreamInput(
                    file: file, name: path,
                    reader: LineBlockReader(
                        .gzip(reader), blockSize: options.gzipBlockSize, lineLimit: options.lineLimit,
                        buffer: spare == nil ? [] : owned(&spare)),
                    mapped: mapped, descriptor: nil)
                stream.gzip = reusable
                var result = read(stream, spare: &spare, scratch: &scratch, context)
                result.opened = .init(mapped: mapped, isGzip: true, format: result.format)
                return result
            }
            var result = ItemResult(file: file, ordinal: 0, bytes: mapped.count)
            guard mapped.count <= options.chunkSize else {
                // Larger than a chunk: the job cuts it, the first line's format in hand.
                let format = try WorkPlanner.detectFormat(mapped, options: options)
                result.opened = .init(
                    mapped: mapped, isGzip: false, format: format?.detected.kind, chunking: format ?? InputFormat.blankOnly)
                result.bytes = 0
                return result
            }
            // One chunk, whole: detected and counted from the same bytes.
            var scanner = ChunkScanner(
                index: context.index, keys: context.keys, format: .blankOnly, lineLimit: options.lineLimit,
                aggregate: owned(&scratch))
            let detected = try mapped.withBytes { bytes in
                Result { () throws(LayoutError) -> InputFormat? in
                    let format = try WorkPlanner.detectFormat(in: bytes, options: options)
                    if let format { scanner.format = format }
                    scanner.scan(bytes)
                    return format
                }
            }
            mapped.release(0..<mapped.count)
            do {
                let format = try detected.get()
                result.take(&scanner)
                result.textBytes = mapped.count
                result.opened = .init(mapped: mapped, isGzip: false, format: format?.detected.kind)
            } catch {
                result.take(&scanner)
                result.counts = nil
                result.samples = []
                result.lineCount = 0
                result.opened = .init(mapped: mapped, isGzip: false, format: nil)
                result.failure = InputFailure(kind: .badHeader, message: "\(path): \(error)")
            }
            result.inputDone = true
            return result
        } catch let error as FileSystemError {
            let kind: InputFailure.Kind =
                switch error.code {
                case .ioError: .ioError
                case .changed: .changed
                default: .cannotOpen
                }
            return ItemResult(file: file, ordinal: 0, bytes: 0, failure: InputFailure(kind: kind, message: error.description))
        } catch let error as LayoutError {
            return ItemResult(file: file, ordinal: 0, bytes: 0, failure: InputFailure(kind: .badHeader, message: "\(path): \(error)"))
        } catch {
            return ItemResult(file: file, ordinal: 0, bytes: 0, failure: InputFailure(kind: .ioError, message: "\(path): \(error)"))
        }
    }

    /// Reads a stream's next block. The last block is counted here (a small gzip file is one task);
    /// any other is handed back for another task to count while the stream reads on.
    private static func read(
        _ stream: StreamInput, spare: inout [UInt8]?, scratch: inout Aggregate?, _ context: JobContext
    ) -> ItemResult {
        var result = readBlock(stream, spare: &spare, scratch: &scratch, context)
        result.streamBytes = stream.reader.bytesRead
        if result.inputDone {
            result.textBytes = stream.reader.bytesRead
            // Its reader goes on to the next gzip file (it keeps no state of this one: `restart`).
            result.gzip = stream.gzip
            stream.gzip = nil
        }
        return result
    }

    private static func readBlock(
        _ stream: StreamInput, spare: inout [UInt8]?, scratch: inout Aggregate?, _ context: JobContext
    ) -> ItemResult {
        let options = context.options
        var result = ItemResult(file: stream.file, ordinal: stream.ordinal, bytes: 0)
        result.stream = stream
        do {
            guard let range = try stream.reader.next() else {
                result.inputDone = true
                result.bytes = stream.mapped?.count ?? 0
                result.spares.append(stream.reader.giveUpBuffer())
                return result
            }
            if stream.format == nil {
                do {
                    stream.format = try InputFormat.detect(
                        in: stream.reader.buffer.span.extracting(range), fields: options.fields, lineLimit: options.lineLimit)
                    result.format = stream.format?.detected.kind
                } catch {
                    result.failure = InputFailure(kind: .badHeader, message: "\(stream.name): \(error)")
                    result.inputDone = true
                    result.spares.append(stream.reader.giveUpBuffer())
                    return result
                }
            }
            let format = stream.format ?? InputFormat.blankOnly
            let ordinal = stream.ordinal
            stream.ordinal += 1
            result.ordinal = ordinal
            if stream.reader.isFinished {
                var scanner = ChunkScanner(
                    index: context.index, keys: context.keys, format: format, lineLimit: options.lineLimit,
                    aggregate: owned(&scratch))
                scanner.scan(stream.reader.buffer.span.extracting(range))
                result.take(&scanner)
                result.inputDone = true
                result.bytes = stream.mapped?.count ?? 0
                result.spares.append(stream.reader.giveUpBuffer())
            } else {
                let bytes = stream.reader.takeBlock(replacingWith: spare == nil ? [] : owned(&spare))
                result.block = .block(file: stream.file, ordinal: ordinal, bytes: bytes, count: range.upperBound, format)
            }
        } catch {
            result.failure = InputFailure(reading: error)
            result.inputDone = true
            result.bytes = stream.mapped?.count ?? 0
            result.spares.append(stream.reader.giveUpBuffer())
        }
        return result
    }
}
