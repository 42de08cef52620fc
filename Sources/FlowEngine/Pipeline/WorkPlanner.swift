import FlowIO

/// Turns the inputs into work, lazily and in input order. A regular file becomes an `.open` item
/// (the task opens it, tells gzip from plain text and counts a small file whole); a plain file
/// larger than a chunk comes back (`cut`) and is cut here into chunks by `ChunkPlan`, one at a time
/// as jobs take them; standard input, pipes and sockets become streams. Inputs that cannot be read
/// at all are recorded as failures in the merge state and skipped.
struct WorkPlanner {
    /// What the planner hands the job.
    enum Planned {
        case item(WorkItem)
        /// A stream to read block by block (the job gives it a buffer and a task).
        case stream(StreamInput)
    }

    private let sources: [InputSource]
    private let options: SummarizeOptions
    /// Per input: its size and kind from one stat at the start (nil for standard input and a path
    /// that cannot be stat'ed, which the open then names).
    private let statuses: [InputKinds.Status?]
    private var next = 0
    /// Plain files being cut into chunks, in the order they came back from opening; the first is
    /// cut first. `insideLine`: the next chunk starts inside an over-long line
    /// (`ChunkPlan.Chunk.endsInsideLine`).
    private var cutting: [(file: Int, mapped: MappedFile, format: InputFormat, nextStart: Int, ordinal: Int, insideLine: Bool)] = []
    /// Total bytes of the regular files, for progress.
    let bytesTotal: Int

    /// Files up to this size (as stored) are opened in batches: one task opens and counts up to
    /// `smallBatchFiles` of them in a row, up to `smallBatchBytes` together, so that a folder of
    /// thousands of 5-minute objects costs a task per batch, not per file. A larger file, or one
    /// that is not there, is an item of its own.
    static let smallFileBytes = 64 << 10
    static let smallBatchFiles = 32
    static let smallBatchBytes = 1 << 20

    /// - Parameter statuses: the caller's stat of each source, where it has one (see `SummarizeJob.run`).
    init(sources: [InputSource], statuses: [InputKinds.Status?] = [], options: SummarizeOptions) {
        self.sources = sources
        self.options = options
        self.statuses = sources.indices.map { i in
            if i < statuses.count, let status = statuses[i] { return status }
            return sources[i].path.flatMap(InputKinds.status)
        }
        bytesTotal = self.statuses.reduce(0) { $0 + ($1?.size ?? 0) }
    }

    /// A plain file larger than a chunk, opened by a task: cut it into chunks from here (the open
    /// item was none of them: the first chunk is ordinal 0).
    mutating func cut(file: Int, mapped: MappedFile, format: InputFormat, _ state: inout MergeState) {
        guard mapped.count > 0 else {
            state.plannedAll(file)
            return
        }
        cutting.append((file, mapped, format, 0, 0, false))
    }

    /// The next chunk, or the next input; nil when there is nothing more.
    /// - Parameter newInputs: false to plan only chunks of files already open.
    mutating func next(_ state: inout MergeState, newInputs: Bool = true) -> Planned? {
        while let chunking = cutting.first {
            let mapped = chunking.mapped
            let chunk: ChunkPlan.Chunk
            do {
                chunk = try ChunkPlan.next(
                    from: chunking.nextStart, count: mapped.count, size: options.chunkSize, lineLimit: options.lineLimit
                ) { (from, before) throws(FileSystemError) -> Int? in try Self.newline(in: mapped, from: from, before: before) }
            } catch {
                state.fail(chunking.file, InputFailure(reading: error))
                state.plannedAll(chunking.file)
                cutting.removeFirst()
                continue
            }
            let range = chunk.range
            let item = WorkItem.chunk(
                file: chunking.file, ordinal: chunking.ordinal, mapped, range, chunking.format,
                startsInsideLine: chunking.insideLine, endsInsideLine: chunk.endsInsideLine)
            state.planned(chunking.file)
            if range.upperBound == mapped.count {
                cutting.removeFirst()
                state.plannedAll(chunking.file)
            } else {
                cutting[0].ordinal += 1
                cutting[0].nextStart = range.upperBound
                cutting[0].insideLine = chunk.endsInsideLine
            }
            return .item(item)
        }
        guard newInputs else { return nil }
        while next < sources.count {
            let file = next
            next += 1
            if options.failFast && state.hasFailure { return nil }
            switch sources[file] {
            case .file(let path), .named(let path, _):
                switch statuses[file]?.special {
                case .stream?:
                    // A named pipe or a process substitution (`<(zcat x.gz)`): read like standard input.
                    do {
                        if let stream = startStream(file, fd: try InputKinds.openStream(path), name: sources[file].name, &state) {
                            return .stream(stream)
                        }
                    } catch {
                        state.fail(file, InputFailure(kind: .cannotOpen, message: error.description))
                        state.plannedAll(file)
                    }
                case .device?:
                    // /dev/zero or /dev/urandom never end and hold no log: refused, not read.
                    state.fail(file, InputFailure(kind: .cannotOpen, message: "cannot read \"\(path)\": a device, not a file or a pipe"))
                    state.plannedAll(file)
                case nil:
                    state.planned(file)
                    var batch = [Opening(file: file, path: path)]
                    // Small regular files that follow go to the same task (`WorkItem.open`).
                    if let size = statuses[file]?.size, size <= Self.smallFileBytes {
                        var bytes = size
                        while batch.count < Self.smallBatchFiles, next < sources.count, let path = sources[next].path,
                            let status = statuses[next], status.special == nil, let size = status.size,
                            size <= Self.smallFileBytes,
                            bytes + size <= Self.smallBatchBytes
                        {
                            state.planned(next)
                            batch.append(Opening(file: next, path: path))
                            bytes += size
                            next += 1
                        }
                    }
                    return .item(.open(batch))
                }
            case .standardInput:
                if let stream = startStream(file, fd: 0, name: "<stdin>", &state) { return .stream(stream) }
            }
        }
        return nil
    }

    /// The format of a file's first non-blank line, reading a growing window from its start.
    static func detectFormat(_ mapped: MappedFile, options: SummarizeOptions) throws -> InputFormat? {
        var window = 64 << 10
        while true {
            let end = min(window, mapped.count)
            let result = try mapped.withBytes(in: 0..<end) { bytes in
                Result { () throws(LayoutError) -> (InputFormat?, Bool) in
                    try decide(bytes, isWhole: end == mapped.count, options: options)
                }
            }
            let (format, decided) = try result.get()
            if decided { return format }
            if let format = overLong(end, options) { return format }
            window *= 4
        }
    }

    /// The same rule on bytes already in memory (`bytes` is the whole file).
    static func detectFormat(in bytes: Span<UInt8>, options: SummarizeOptions) throws(LayoutError) -> InputFormat? {
        var window = 64 << 10
        while true {
            let end = min(window, bytes.count)
            let (format, decided) = try decide(bytes.extracting(0..<end), isWhole: end == bytes.count, options: options)
            if decided { return format }
            if let format = overLong(end, options) { return format }
            window *= 4
        }
    }

    /// The format from the complete lines of a window (all of it when it is the whole file), and
    /// whether that decides it.
    private static func decide(_ bytes: Span<UInt8>, isWhole: Bool, options: SummarizeOptions) throws(LayoutError) -> (InputFormat?, Bool) {
        // Only trust a line that is complete: it ends with a newline inside the window, or the
        // window is the whole file.
        var lastNewline = bytes.count - 1
        while lastNewline >= 0 && bytes[lastNewline] != 0x0A { lastNewline -= 1 }
        let complete = isWhole ? bytes.count : lastNewline + 1
        let format = try InputFormat.detect(in: bytes.extracting(0..<complete), fields: options.fields, lineLimit: options.lineLimit)
        return (format, format != nil || isWhole)
    }

    /// No line end within the line limit: the first line is over-long (counted malformed by the
    /// scanner); read the file with the default format or --fields rather than reading ever larger
    /// windows of it.
    private static func overLong(_ end: Int, _ options: SummarizeOptions) -> InputFormat? {
        end > options.lineLimit ? InputFormat.forOverLongFirstLine(fields: options.fields) : nil
    }

    /// The first newline in `offset..<before`, reading 64 KiB windows.
    static func newline(in mapped: MappedFile, from offset: Int, before: Int) throws(FileSystemError) -> Int? {
        var start = offset
        while start < before {
            let end = min(start + (64 << 10), before)
            let found = try mapped.withBytes(in: start..<end) { bytes -> Int? in
                for i in 0..<bytes.count where bytes[i] == 0x0A { return start + i }
                return nil
            }
            if let found { return found }
            start = end
        }
        return nil
    }

    /// Standard input or a pipe as a stream: gzip told by its first two bytes.
    private func startStream(_ file: Int, fd: Int32, name: String, _ state: inout MergeState) -> StreamInput? {
        // Four bytes, not just the magic: the gzip reader picks ISA-L for a member only when it
        // sees the member's first four bytes (method and flags), and on a stream these are all it
        // has at first. With two, every single-member stream was inflated by zlib.
        var prefix = [UInt8](repeating: 0, count: 4)
        var got = 0
        do {
            while got < 4 {
                let n = try FileReading.read(fileDescriptor: fd, name: name, into: &prefix, from: got)
                if n == 0 { break }
                got += n
            }
            prefix.removeSubrange(got...)
            let stream: LineBlockReader.Stream
            var blockSize = options.chunkSize
            if GzipReader.isGzip(prefix.span) {
                state.outcomes[file].isGzip = true
                stream = .gzip(try GzipReader(.descriptor(fd, name: name, prefix: prefix), inflater: options.inflater))
                prefix = []
                blockSize = options.gzipBlockSize
            } else {
                stream = .descriptor(fd, name: name)
            }
            let reader = LineBlockReader(stream, blockSize: blockSize, lineLimit: options.lineLimit, prefix: prefix)
            return StreamInput(file: file, name: name, reader: reader, mapped: nil, descriptor: fd)
        } catch {
            if fd != 0 { InputKinds.close(fd) }
            state.fail(file, InputFailure(reading: error))
            state.plannedAll(file)
            return nil
        }
    }
}
