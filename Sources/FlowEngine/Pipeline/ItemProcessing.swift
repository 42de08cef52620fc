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
    /// and gives the workspace back, the scratch empty again, with the buffers it is done with.
    static func process(_ item: WorkItem, _ handoff: Handoff<Workspace>, _ context: JobContext) -> TaskResult {
        var workspace = handoff.take()
        var spares: [[UInt8]] = []
        var items: [ItemResult] = []
        var opened = false
        if case .open(let files) = item {
            opened = true
            items.reserveCapacity(files.count)
            for opening in files {
                var result = open(file: opening.file, path: opening.path, &workspace, context)
                giveBack(&result, &workspace, &spares)
                items.append(result)
            }
        } else {
            var result = processOne(item, &workspace, context)
            giveBack(&result, &workspace, &spares)
            items.append(result)
        }
        return TaskResult(opened: opened, items: items, workspace: workspace, spares: spares)
    }

    /// A chunk, a block or a stream read.
    private static func processOne(_ item: WorkItem, _ workspace: inout Workspace, _ context: JobContext) -> ItemResult {
        switch item {
        case .open(let files):
            preconditionFailure("opens are run by `process`, one file at a time (\(files.count) here)")
        case .chunk(let file, let ordinal, let mapped, let range, let format, let startsInsideLine, let endsInsideLine):
            var result = ItemResult(file: file, ordinal: ordinal, bytes: range.count)
            var scanner = ChunkScanner(
                index: context.index, keys: context.keys, format: format, lineLimit: context.options.lineLimit,
                bucketSeconds: context.options.timelineBucket?.seconds ?? 0,
                countsInterfaces: context.options.countsInterfaces, aggregate: scratch(&workspace, context))
            do {
                try mapped.withBytes(in: range) {
                    scanner.scan($0, startsInsideLine: startsInsideLine, endsInsideLine: endsInsideLine)
                }
                mapped.release(range)
                result.take(&scanner)
                result.textBytes = range.count
            } catch {
                result.discard(&scanner)
                result.failure = InputFailure(reading: error)
                result.inputDone = true
            }
            return result
        case .block(let file, let ordinal, let bytes, let count, let format):
            var result = ItemResult(file: file, ordinal: ordinal, bytes: 0)
            var scanner = ChunkScanner(
                index: context.index, keys: context.keys, format: format, lineLimit: context.options.lineLimit,
                bucketSeconds: context.options.timelineBucket?.seconds ?? 0,
                countsInterfaces: context.options.countsInterfaces, aggregate: scratch(&workspace, context))
            scanner.scan(bytes.span.extracting(0..<count))
            result.take(&scanner)
            // A stream's text bytes are counted once, when it ends (all it read, skipped bytes of
            // over-long lines too).
            result.spares.append(bytes)
            return result
        case .stream(let stream):
            return read(stream, &workspace, context)
        }
    }

    /// What an item is done with (its scratch, gzip reader, buffers) goes back to the workspace, for
    /// the next item; buffers beyond the one the workspace keeps go to `spares`.
    private static func giveBack(_ result: inout ItemResult, _ workspace: inout Workspace, _ spares: inout [[UInt8]]) {
        if let scratch = result.scratch {
            result.scratch = nil
            workspace.aggregate = scratch
        }
        if let gzip = result.gzip {
            result.gzip = nil
            if workspace.gzip == nil { workspace.gzip = gzip }
        }
        for spare in result.spares where !spare.isEmpty {
            if workspace.buffer?.isEmpty ?? true { workspace.buffer = spare } else { spares.append(spare) }
        }
        result.spares = []
    }

    /// The workspace's scratch aggregate, taken out (a new one if it has none).
    private static func scratch(_ workspace: inout Workspace, _ context: JobContext) -> Aggregate {
        workspace.aggregate == nil ? .empty(classCount: context.index.classCount) : owned(&workspace.aggregate)
    }

    /// The workspace's block buffer, taken out (empty if it has none).
    private static func buffer(_ workspace: inout Workspace) -> [UInt8] {
        workspace.buffer == nil ? [] : owned(&workspace.buffer)
    }

    /// Takes the value out of `slot`, leaving nil: the caller is then its only owner.
    static func owned<T>(_ slot: inout T?) -> T {
        guard let value = slot else { preconditionFailure("taken twice") }
        slot = nil
        return value
    }

    /// Opens a regular file and, when it is small, counts it here.
    private static func open(file: Int, path: String, _ workspace: inout Workspace, _ context: JobContext) -> ItemResult {
        let options = context.options
        do {
            let mapped = try MappedFile(
                path: path, allowMapping: options.allowMapping, mapAbove: JobContext.readWholeBelow)
            let whole = mapped.count <= options.chunkSize
            var counted: (detected: Result<InputFormat?, LayoutError>, scanner: ChunkScanner)?
            var isGzip = false
            if whole && !mapped.isMapped {
                // Read once: told gzip or plain, detected and counted from the same bytes.
                var scanner = ChunkScanner(
                    index: context.index, keys: context.keys, format: .blankOnly, lineLimit: options.lineLimit,
                    bucketSeconds: context.options.timelineBucket?.seconds ?? 0,
                countsInterfaces: context.options.countsInterfaces, aggregate: scratch(&workspace, context))
                let detected = try mapped.withBytes { bytes -> Result<InputFormat?, LayoutError>? in
                    GzipReader.isGzip(bytes) ? nil : countWhole(bytes, &scanner, &workspace.formats, options)
                }
                if let detected {
                    counted = (detected, scanner)
                } else {
                    isGzip = true
                    workspace.aggregate = scanner.aggregate
                }
            } else {
                isGzip = try mapped.withBytes(in: 0..<min(2, mapped.count)) { GzipReader.isGzip($0) }
            }
            if isGzip {
                let reusable: ReusableGzipReader
                if let lent = workspace.gzip {
                    workspace.gzip = nil
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
                        buffer: buffer(&workspace)),
                    mapped: mapped, descriptor: nil)
                stream.gzip = reusable
                var result = read(stream, &workspace, context)
                result.opened = .init(mapped: mapped, isGzip: true, format: result.format)
                // Read to its end here (one block): checked here too.
                if result.inputDone && result.failure == nil { result.opened?.verified = mapped.verify() }
                return result
            }
            var result = ItemResult(file: file, ordinal: 0, bytes: mapped.count)
            guard whole else {
                // Larger than a chunk: the job cuts it, the first line's format in hand.
                let format = try WorkPlanner.detectFormat(mapped, options: options)
                result.opened = .init(
                    mapped: mapped, isGzip: false, format: format?.detected.kind, chunking: format ?? InputFormat.blankOnly)
                result.bytes = 0
                return result
            }
            if counted == nil {
                // A mapped file of one chunk, counted whole.
                var scanner = ChunkScanner(
                    index: context.index, keys: context.keys, format: .blankOnly, lineLimit: options.lineLimit,
                    bucketSeconds: context.options.timelineBucket?.seconds ?? 0,
                countsInterfaces: context.options.countsInterfaces, aggregate: scratch(&workspace, context))
                let detected = try mapped.withBytes { countWhole($0, &scanner, &workspace.formats, options) }
                counted = (detected, scanner)
            }
            guard case (let detected, var scanner)? = counted else { preconditionFailure("counted above") }
            counted = nil
            mapped.release(0..<mapped.count)
            do {
                let format = try detected.get()
                result.take(&scanner)
                result.textBytes = mapped.count
                result.opened = .init(mapped: mapped, isGzip: false, format: format?.detected.kind)
            } catch {
                result.discard(&scanner)
                result.opened = .init(mapped: mapped, isGzip: false, format: nil)
                result.failure = InputFailure(kind: .badHeader, message: "\(path): \(error)")
            }
            result.inputDone = true
            if result.failure == nil { result.opened?.verified = mapped.verify() }
            return result
        } catch let error as FileSystemError {
            return ItemResult(file: file, ordinal: 0, bytes: 0, failure: InputFailure(opening: error))
        } catch let error as LayoutError {
            return ItemResult(file: file, ordinal: 0, bytes: 0, failure: InputFailure(kind: .badHeader, message: "\(path): \(error)"))
        } catch {
            return ItemResult(file: file, ordinal: 0, bytes: 0, failure: InputFailure(kind: .ioError, message: "\(path): \(error)"))
        }
    }

    /// Detects the format of a whole file's bytes and counts them.
    private static func countWhole(
        _ bytes: Span<UInt8>, _ scanner: inout ChunkScanner, _ formats: inout FormatCache, _ options: SummarizeOptions
    ) -> Result<InputFormat?, LayoutError> {
        Result { () throws(LayoutError) -> InputFormat? in
            let format = try formats.format(of: bytes, lineLimit: options.lineLimit) { () throws(LayoutError) in
                try WorkPlanner.detectFormat(in: bytes, options: options)
            }
            if let format { scanner.format = format }
            scanner.scan(bytes)
            return format
        }
    }

    /// Reads a stream's next block. The last block is counted here (a small gzip file is one task),
    /// and so is any block when the workspace says so (`countsBlocksItself`); otherwise it is handed
    /// back for another task to count while the stream reads on.
    private static func read(_ stream: StreamInput, _ workspace: inout Workspace, _ context: JobContext) -> ItemResult {
        var result = readBlock(stream, &workspace, context)
        result.streamBytes = stream.reader.bytesRead
        if result.inputDone {
            result.textBytes = stream.reader.bytesRead
            // Its reader goes on to the next gzip file (it keeps no state of this one: `restart`).
            result.gzip = stream.gzip
            stream.gzip = nil
        }
        return result
    }

    private static func readBlock(_ stream: StreamInput, _ workspace: inout Workspace, _ context: JobContext) -> ItemResult {
        let options = context.options
        var result = ItemResult(file: stream.file, ordinal: stream.ordinal, bytes: 0)
        result.stream = stream
        do {
            guard let range = try stream.reader.next() else {
                end(&result, stream)
                return result
            }
            if stream.format == nil {
                do {
                    let block = stream.reader.buffer.span.extracting(range)
                    stream.format = try workspace.formats.format(of: block, lineLimit: options.lineLimit) { () throws(LayoutError) in
                        try InputFormat.detect(in: block, fields: options.fields, lineLimit: options.lineLimit)
                    }
                    result.format = stream.format?.detected.kind
                } catch {
                    result.failure = InputFailure(kind: .badHeader, message: "\(stream.name): \(error)")
                    end(&result, stream)
                    return result
                }
            }
            let format = stream.format ?? InputFormat.blankOnly
            let ordinal = stream.ordinal
            stream.ordinal += 1
            result.ordinal = ordinal
            if stream.reader.isFinished || workspace.countsBlocksItself {
                var scanner = ChunkScanner(
                    index: context.index, keys: context.keys, format: format, lineLimit: options.lineLimit,
                    bucketSeconds: context.options.timelineBucket?.seconds ?? 0,
                countsInterfaces: context.options.countsInterfaces, aggregate: scratch(&workspace, context))
                scanner.scan(stream.reader.buffer.span.extracting(range))
                result.take(&scanner)
                if stream.reader.isFinished { end(&result, stream) }
            } else {
                let bytes = stream.reader.takeBlock(replacingWith: buffer(&workspace))
                result.block = .block(file: stream.file, ordinal: ordinal, bytes: bytes, count: range.upperBound, format)
            }
        } catch {
            result.failure = InputFailure(reading: error)
            end(&result, stream)
        }
        return result
    }

    /// The stream has ended (or failed): its file counts as read for progress, and its buffer goes
    /// to the next stream.
    private static func end(_ result: inout ItemResult, _ stream: StreamInput) {
        result.inputDone = true
        result.bytes = stream.mapped?.count ?? 0
        result.spares.append(stream.reader.giveUpBuffer())
    }
}
