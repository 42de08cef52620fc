import FlowIO

/// Turns the inputs into work items, lazily and in input order: opens each file, tells gzip from
/// plain text by the magic bytes, detects a plain file's format from its first line and cuts it into
/// chunks; reads standard input block by block. Inputs that cannot be opened are recorded as
/// failures in the merge state and skipped.
struct WorkPlanner {
    private let sources: [InputSource]
    private let options: SummarizeOptions
    private var next = 0
    /// The plain file being cut into chunks, one at a time (see `ChunkPlan.next`).
    /// `insideLine`: the next chunk starts inside an over-long line (`ChunkPlan.Chunk.endsInsideLine`).
    private var current: (file: Int, mapped: MappedFile, format: InputFormat, nextStart: Int, ordinal: Int, insideLine: Bool)?
    /// Standard input or a named pipe, while it is being read; `fd` is closed at its end unless it
    /// is standard input.
    private var standardInput: (file: Int, reader: LineBlockReader, format: InputFormat?, ordinal: Int, fd: Int32, name: String)?
    /// Total bytes of the regular files, for progress.
    let bytesTotal: Int

    init(sources: [InputSource], options: SummarizeOptions) {
        self.sources = sources
        self.options = options
        bytesTotal = sources.reduce(0) { total, source in
            if let path = source.path { return total + (FileReading.size(of: path) ?? 0) }
            return total
        }
    }

    /// The next work item, or nil when every input has been planned.
    mutating func next(_ state: inout MergeState) -> WorkItem? {
        while true {
            if var chunking = current {
                let mapped = chunking.mapped
                if chunking.nextStart < mapped.count {
                    let chunk: ChunkPlan.Chunk
                    do {
                        chunk = try ChunkPlan.next(
                            from: chunking.nextStart, count: mapped.count, size: options.chunkSize, lineLimit: options.lineLimit
                        ) { (from, before) throws(FileSystemError) -> Int? in try Self.newline(in: mapped, from: from, before: before) }
                    } catch {
                        state.fail(chunking.file, InputFailure(reading: error))
                        state.plannedAll(chunking.file)
                        current = nil
                        continue
                    }
                    let range = chunk.range
                    let item = WorkItem.chunk(
                        file: chunking.file, ordinal: chunking.ordinal, mapped, range, chunking.format,
                        startsInsideLine: chunking.insideLine, endsInsideLine: chunk.endsInsideLine)
                    state.planned(chunking.file)
                    chunking.ordinal += 1
                    chunking.nextStart = range.upperBound
                    chunking.insideLine = chunk.endsInsideLine
                    current = chunking
                    if range.upperBound == mapped.count { state.plannedAll(chunking.file) }
                    return item
                }
                // Only a file without bytes gets here without having planned its last chunk.
                if mapped.count == 0 { state.plannedAll(chunking.file) }
                current = nil
            }
            if let input = standardInput {
                if let item = nextStandardInputBlock(&state) { return item }
                if input.fd != 0 { InputKinds.close(input.fd) }
                standardInput = nil
            }
            guard next < sources.count else { return nil }
            let file = next
            next += 1
            if options.failFast && state.hasFailure { return nil }
            switch sources[file] {
            case .file(let path), .named(let path, _):
                switch InputKinds.special(path) {
                case .stream?:
                    // A named pipe or a process substitution (`<(zcat x.gz)`): read like standard input.
                    do {
                        startStream(file, fd: try InputKinds.openStream(path), name: sources[file].name, &state)
                    } catch {
                        state.fail(file, InputFailure(kind: .cannotOpen, message: error.description))
                    }
                case .device?:
                    // /dev/zero or /dev/urandom never end and hold no log: refused, not read.
                    state.fail(file, InputFailure(kind: .cannotOpen, message: "cannot read \"\(path)\": a device, not a file or a pipe"))
                case nil:
                    if let item = open(path, file, &state) { return item }
                }
            case .standardInput:
                startStream(file, fd: 0, name: "<stdin>", &state)
            }
        }
    }

    /// Opens a file: a gzip file is one item; a plain one is planned into chunks (returns nil and
    /// sets `current`); a failure is recorded.
    private mutating func open(_ path: String, _ file: Int, _ state: inout MergeState) -> WorkItem? {
        do {
            let mapped = try MappedFile(path: path, allowMapping: options.allowMapping)
            state.outcomes[file].bytes = mapped.count
            state.opened(file, mapped)
            let head = try mapped.withBytes(in: 0..<min(2, mapped.count)) { GzipReader.isGzip($0) }
            if head {
                state.outcomes[file].isGzip = true
                state.planned(file)
                state.plannedAll(file)
                return .gzip(file: file, mapped)
            }
            guard let format = try detectFormat(mapped, path) else {
                // Nothing but blank lines: still counted (as blank lines) by one chunk.
                current = (file, mapped, InputFormat.blankOnly, 0, 0, false)
                return nil
            }
            state.outcomes[file].format = format.detected.kind
            current = (file, mapped, format, 0, 0, false)
            return nil
        } catch let error as FileSystemError {
            let kind: InputFailure.Kind =
                switch error.code {
                case .ioError: .ioError
                case .changed: .changed
                default: .cannotOpen
                }
            state.fail(file, InputFailure(kind: kind, message: error.description))
        } catch let error as LayoutError {
            state.fail(file, InputFailure(kind: .badHeader, message: "\(path): \(error)"))
        } catch {
            state.fail(file, InputFailure(kind: .ioError, message: "\(path): \(error)"))
        }
        state.plannedAll(file)
        return nil
    }

    /// The format from the first non-blank line, reading a growing window from the start.
    private func detectFormat(_ mapped: MappedFile, _ path: String) throws -> InputFormat? {
        var window = 64 << 10
        while true {
            let end = min(window, mapped.count)
            let result = try mapped.withBytes(in: 0..<end) { bytes in
                Result { () throws(LayoutError) -> (InputFormat?, Bool) in
                    // Only trust a line that is complete: it ends with a newline inside the window,
                    // or the window is the whole file.
                    var lastNewline = bytes.count - 1
                    while lastNewline >= 0 && bytes[lastNewline] != 0x0A { lastNewline -= 1 }
                    let complete = end == mapped.count ? bytes.count : lastNewline + 1
                    let format = try InputFormat.detect(
                        in: bytes.extracting(0..<complete), fields: options.fields, lineLimit: options.lineLimit)
                    return (format, format != nil || end == mapped.count)
                }
            }
            let (format, decided) = try result.get()
            if decided { return format }
            // No line end within the line limit: the first line is over-long (counted malformed
            // by the scanner); read the file with the default format or --fields rather than
            // reading ever larger windows of it.
            if end > options.lineLimit { return InputFormat.forOverLongFirstLine(fields: options.fields) }
            window *= 4
        }
    }

    /// The first newline in `offset..<before`, reading 64 KiB windows.
    private static func newline(in mapped: MappedFile, from offset: Int, before: Int) throws(FileSystemError) -> Int? {
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

    private mutating func startStream(_ file: Int, fd: Int32, name: String, _ state: inout MergeState) {
        var prefix = [UInt8](repeating: 0, count: 2)
        var got = 0
        do {
            while got < 2 {
                let n = try FileReading.read(fileDescriptor: fd, name: name, into: &prefix, from: got)
                if n == 0 { break }
                got += n
            }
            prefix.removeSubrange(got...)
            let stream: LineBlockReader.Stream
            if GzipReader.isGzip(prefix.span) {
                state.outcomes[file].isGzip = true
                stream = .gzip(try GzipReader(.descriptor(fd, name: name, prefix: prefix), inflater: options.inflater))
                prefix = []
            } else {
                stream = .descriptor(fd, name: name)
            }
            standardInput = (file, LineBlockReader(stream, blockSize: options.chunkSize, lineLimit: options.lineLimit, prefix: prefix), nil, 0, fd, name)
        } catch {
            if fd != 0 { InputKinds.close(fd) }
            state.fail(file, InputFailure(reading: error))
            state.plannedAll(file)
        }
    }

    private mutating func nextStandardInputBlock(_ state: inout MergeState) -> WorkItem? {
        guard var input = standardInput else { return nil }
        defer { standardInput = input }
        do {
            guard let range = try input.reader.next() else {
                state.plannedAll(input.file)
                return nil
            }
            state.outcomes[input.file].bytes = input.reader.bytesRead
            if input.format == nil {
                do {
                    input.format = try InputFormat.detect(
                        in: input.reader.buffer.span.extracting(range), fields: options.fields, lineLimit: options.lineLimit)
                    state.outcomes[input.file].format = input.format?.detected.kind
                } catch {
                    state.fail(input.file, InputFailure(kind: .badHeader, message: "\(input.name): \(error)"))
                    state.plannedAll(input.file)
                    return nil
                }
            }
            let item = WorkItem.buffer(
                file: input.file, ordinal: input.ordinal, input.reader.copy(range), input.format ?? InputFormat.blankOnly)
            input.ordinal += 1
            state.planned(input.file)
            return item
        } catch {
            state.fail(input.file, InputFailure(reading: error))
            state.plannedAll(input.file)
            return nil
        }
    }
}
