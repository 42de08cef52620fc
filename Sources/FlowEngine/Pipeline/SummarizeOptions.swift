// Public: `SummarizeOptions.inflater` is FlowIO's `Inflater`.
public import FlowIO

/// One input of a run.
public enum InputSource: Sendable, Hashable {
    case file(String)
    /// A local file read under another logical name (`--files-from`'s `LOCAL<TAB>NAME`: an engine
    /// that copied `s3://bucket/key` to a temporary file passes the URI as the name). Reports,
    /// samples, error messages and partials say the name, never the local path.
    case named(path: String, name: String)
    case standardInput

    /// The logical name: what every report calls the input.
    public var name: String {
        switch self {
        case .file(let path): path
        case .named(_, let name): name
        case .standardInput: "<stdin>"
        }
    }

    /// The local path to open; nil for standard input.
    public var path: String? {
        switch self {
        case .file(let path), .named(let path, _): path
        case .standardInput: nil
        }
    }

    /// `message` with the local path replaced by the logical name, so that nothing a partial holds
    /// depends on where a task spooled its file.
    func naming(_ message: String) -> String {
        guard case .named(let path, let name) = self, path != name, !path.isEmpty else { return message }
        return message.replacing(path, with: name)
    }
}

/// How a run reads its inputs. Resolved and validated by the command line.
public struct SummarizeOptions: Sendable {
    /// Chunks (or gzip files) processed at once.
    public var jobs: Int
    /// Target chunk size in bytes for plain files and standard input.
    public var chunkSize: Int
    /// Layout for AWS text without a header (`--fields`); nil for the default version-2 format.
    public var fields: RecordLayout?
    /// Stop at the first input that cannot be read.
    public var failFast: Bool
    /// Map plain files (true) or read them with pread (false; tests compare both).
    public var allowMapping: Bool
    /// Decompressed block size for gzip inputs.
    public var gzipBlockSize: Int
    /// The longest line read as a line (`LineLimit`): 1 MiB; at least `LineLimit.minimum`. Only tests
    /// set it lower, to try over-long lines at every chunk size without megabytes of input.
    public var lineLimit: Int
    /// The gzip inflater, resolved once by the command line (`InflaterChoice.resolved`).
    public var inflater: Inflater = .zlib
    /// timeline.csv's bucket width, counted as such (a partial holds buckets of this width; a
    /// report may sum them into wider ones, never split them); nil: no timeline is counted
    /// (`--timeline` is opt-in: it costs a quarter of the speed, BENCHMARKS.md).
    public var timelineBucket: TimelineBucket?
    /// Whether interfaces.csv's counts are kept (`--interfaces`, opt-in: a lookup of the id per
    /// record costs about an eighth of the speed, BENCHMARKS.md).
    public var countsInterfaces = false

    public static let defaultChunkSize = 8 << 20

    public init(
        jobs: Int, chunkSize: Int = SummarizeOptions.defaultChunkSize, fields: RecordLayout? = nil,
        failFast: Bool = false, allowMapping: Bool = true, gzipBlockSize: Int = 4 << 20,
        lineLimit: Int = LineLimit.bytes
    ) {
        self.jobs = max(1, jobs)
        self.chunkSize = max(1, chunkSize)
        self.fields = fields
        self.failFast = failFast
        self.allowMapping = allowMapping
        self.gzipBlockSize = max(1, gzipBlockSize)
        self.lineLimit = max(LineLimit.minimum, lineLimit)
    }
}

/// What happened to one input.
public struct InputOutcome: Sendable, Equatable {
    public let source: InputSource
    /// Bytes of the input as stored (compressed size for gzip); for standard input, bytes read.
    public var bytes: Int
    /// Bytes of text read: equal to `bytes` for plain files, the inflated size for gzip.
    public var textBytes: Int = 0
    public var isGzip: Bool
    /// `aws-text` or `csv`; nil when nothing was read.
    public var format: DetectedFormat.Kind?
    /// Lines read (after decompression), header and blank lines included.
    public var lines: Int
    public var malformed: Int
    /// Records read (OK, NODATA and SKIPDATA): with `malformed`, tells a file that is not a flow
    /// log (data lines, none of them a record).
    public var records = 0
    /// Why the input could not be read, or read to its end.
    public var failure: InputFailure?
    /// For a file that grew while it was read: its size at the end. Only the `bytes` it had when
    /// the run opened it were counted.
    public var grewTo: Int?

    /// Whether this input is not a flow log: it has data lines and none of them is a record (every
    /// one is malformed). A file of blank lines, or an empty one, is not judged.
    public var isNotAFlowLog: Bool { failure == nil && malformed > 0 && records == 0 }
}

/// An input that could not be read.
public struct InputFailure: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Missing, unreadable, or not a file (exit 66).
        case cannotOpen
        /// A read failed or the gzip stream is corrupt (exit 74).
        case ioError
        /// The header cannot be used (exit 65).
        case badHeader
        /// The file shrank or was rewritten in place while it was read (exit 74). Nothing of it is
        /// counted: its bytes are not the ones that were planned.
        case changed
    }

    public let kind: Kind
    public let message: String
    public var description: String { message }

    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    /// A failure while reading an input that was opened: `.changed` or `.ioError`.
    init(reading error: FileSystemError) {
        self.init(kind: error.code == .changed ? .changed : .ioError, message: error.description)
    }

    /// An input that could not be opened (or read, or changed at opening), as the opening task
    /// names it.
    init(opening error: FileSystemError) {
        let kind: Kind =
            switch error.code {
            case .ioError: .ioError
            case .changed: .changed
            default: .cannotOpen
            }
        self.init(kind: kind, message: error.description)
    }
}

/// Progress, for the command line's progress line.
public struct ProgressSnapshot: Sendable {
    public let bytesDone: Int
    public let bytesTotal: Int
    public let elapsedSeconds: Double
}

extension SummarizeOptions {
    /// The options that change a count, by name, as a partial records them (only those not at
    /// their default): partials merge only when these agree. `--jobs`, `--chunk-size`, mmap or
    /// pread and `--fail-fast` change no count of a completed run and are not here.
    public var countingOptions: [String: String] {
        var options: [String: String] = [:]
        if let fields { options["fields"] = fields.fieldNames.joined(separator: " ") }
        if lineLimit != LineLimit.bytes { options["line_limit"] = String(lineLimit) }
        // Partials with and without a timeline do not merge (the merged timeline would miss inputs);
        // the width is not an option: wider buckets take narrower ones (`Partial.mergeDetails`).
        if timelineBucket != nil { options["timeline"] = "counted" }
        if countsInterfaces { options["interfaces"] = "counted" }
        return options
    }
}
