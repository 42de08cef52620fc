import FlowIO

/// One unit of work, run in a child task of `SummarizeJob`.
enum WorkItem: Sendable {
    /// A regular file, not yet opened: the task opens it, tells gzip from plain text and detects the
    /// format. A file that fits in one chunk (plain) or one block (gzip) is counted in the same task,
    /// so that a small file costs one task and no hand-over; a larger one comes back to be cut into
    /// chunks (plain) or read on as a stream (gzip).
    ///
    /// Several small files (`WorkPlanner.smallFileBytes`) go to one task together, opened one after
    /// another: a task per small file cost more than counting it (a wake-up and a context switch each).
    case open([Opening])
    /// A range of whole lines of a plain file (at its ends, perhaps part of an over-long line:
    /// `ChunkPlan`).
    case chunk(file: Int, ordinal: Int, MappedFile, Range<Int>, InputFormat, startsInsideLine: Bool, endsInsideLine: Bool)
    /// A block of whole lines read from a stream (`bytes[0..<count]`), to be counted.
    case block(file: Int, ordinal: Int, bytes: [UInt8], count: Int, InputFormat)
    /// Read the next block of a stream (inflating it when it is gzip).
    case stream(StreamInput)
}

/// A regular file to open: its input number and path.
struct Opening: Sendable {
    let file: Int
    let path: String
}

/// What the job lends a task besides its item: an empty scratch aggregate to count into, a block
/// buffer for a stream to read on in, a gzip reader, the last format detected. They come back in
/// the task's `TaskResult`, for the next task. Whoever uses a part takes it out (`owned`), so that
/// no second reference makes the first write copy it.
struct Workspace: Sendable {
    var aggregate: Aggregate?
    /// nil or empty when the job had none to give (the reader makes one).
    var buffer: [UInt8]?
    /// A gzip reader to restart on the next gzip file (nil: make one).
    var gzip: ReusableGzipReader?
    var formats = FormatCache()
    /// Whether a stream read counts its block itself rather than handing it to another task: when
    /// at least `jobs` streams are open, every core already reads its own, and a block counted where
    /// it was inflated is still in that core's cache (handing it over cost 12% more CPU with zlib on
    /// the 200-file set). With fewer, the block goes to another task, so inflating and counting
    /// overlap (one large file uses every core).
    var countsBlocksItself = false
}

/// What one task did: the results of its items (one, or one per file of a batch of small files),
/// the workspace it was lent, and block buffers it is done with.
struct TaskResult: Sendable {
    /// Whether the task opened files (for the job's count of opens in flight).
    var opened: Bool
    var items: [ItemResult]
    var workspace: Workspace
    var spares: [[UInt8]]
}

/// A gzip reader lent from file to file (`GzipReader.restart`): its decoder state, window and
/// buffers (about 2.4 MB with ISA-L) are made once per task rather than once per small file.
final class ReusableGzipReader: @unchecked Sendable {
    // Safe: held by one task at a time, moved between them only through the job (a `Handoff`, an
    // `ItemResult`, a `StreamInput`), as the stream it reads is.
    let reader: GzipReader

    init(_ reader: GzipReader) { self.reader = reader }
}

/// A value moved to a task without a copy. A value captured by a task's closure, or held in an
/// enum payload, stays referenced for the task's whole life, so the first write to an array in it
/// copies the array (the scratch aggregate is 0.5 MB, a block buffer 4 MiB). The job puts the value
/// in; the task takes it out and is from then on its only owner.
final class Handoff<Value: Sendable>: @unchecked Sendable {
    // Safe: written once by `init` on the job's task, read and cleared once by `take` on the
    // task it was handed to, after the task group has started that task (which orders the two).
    private var value: Value?

    init(_ value: consuming Value) { self.value = value }

    /// The value; callable once.
    func take() -> Value {
        guard let value else { preconditionFailure("a handoff taken twice") }
        self.value = nil
        return value
    }
}

/// A stream read block by block (a gzip file, standard input, a pipe): its reader and where it is.
///
/// Inflating is sequential, so one task at a time reads a stream: the job hands it to a task with a
/// `.stream` item and gets it back in the result, and only then hands it on (the task group orders
/// the two tasks' accesses). Blocks are counted by other tasks meanwhile, so inflating and counting
/// overlap even when there is only one input.
final class StreamInput: @unchecked Sendable {
    let file: Int
    let name: String
    var reader: LineBlockReader
    /// The format of the first non-blank block; nil until it has been seen.
    var format: InputFormat?
    /// The next block's position in the stream, for line numbers.
    var ordinal = 0
    /// The file of a gzip input (checked once read); nil for standard input and pipes.
    let mapped: MappedFile?
    /// A pipe's descriptor, closed when the stream ends (never standard input's).
    let descriptor: Int32?
    /// The gzip reader of a gzip file, given back to the job when the stream ends.
    var gzip: ReusableGzipReader?

    init(file: Int, name: String, reader: LineBlockReader, mapped: MappedFile?, descriptor: Int32?) {
        self.file = file
        self.name = name
        self.reader = reader
        self.mapped = mapped
        self.descriptor = descriptor
    }

    /// Closes the pipe, if any. Called by the job when the stream has ended or the run stops.
    func close() {
        if let descriptor, descriptor != 0 { InputKinds.close(descriptor) }
    }
}

/// What one work item did: its counts, and what the job must do next with its input.
struct ItemResult: Sendable {
    var file: Int
    /// The item's position in its file (chunks and blocks); its lines are numbered from there.
    var ordinal: Int
    /// Input bytes the item covered, for progress.
    var bytes: Int
    /// Text bytes the item counted (inflated, for gzip).
    var textBytes = 0
    var lineCount = 0
    /// What the item counted; nil when it counted nothing (a failure, a stream read that handed
    /// its block on).
    var counts: SparseAggregate?
    var samples: [ChunkSample] = []
    var failure: InputFailure?
    /// The task's scratch aggregate, empty again, for the next item.
    var scratch: Aggregate?
    /// Block buffers the item is done with, for streams to read on in.
    var spares: [[UInt8]] = []
    /// A gzip reader the item is done with, for the next gzip file.
    var gzip: ReusableGzipReader?

    /// Set when a stream's first non-blank block told its format.
    var format: DetectedFormat.Kind?
    /// A stream's bytes read so far (inflated, for gzip): standard input's size.
    var streamBytes: Int?

    /// What the job learns from opening a file or reading a stream.
    var opened: Opened?
    /// A stream that has more to read.
    var stream: StreamInput?
    /// A block the stream task read, for another task to count.
    var block: WorkItem?
    /// Whether the input has no more items to come from this item's side: a file counted whole, the
    /// last block of a stream, a failure.
    var inputDone = false

    struct Opened: Sendable {
        var mapped: MappedFile
        var isGzip: Bool
        var format: DetectedFormat.Kind?
        /// A plain file larger than one chunk: the job cuts it (`format` to read it with).
        var chunking: InputFormat?
        /// The file checked by the task once it had read all of it (a file counted whole).
        var verified: MappedFile.Change?
    }

    init(file: Int, ordinal: Int, bytes: Int) {
        self.file = file
        self.ordinal = ordinal
        self.bytes = bytes
    }

    init(file: Int, ordinal: Int, bytes: Int, failure: InputFailure) {
        self.init(file: file, ordinal: ordinal, bytes: bytes)
        self.failure = failure
        inputDone = true
    }

    /// Takes the scanner's counts (sparse) and gives its scratch aggregate back, empty.
    mutating func take(_ scanner: inout ChunkScanner) {
        lineCount = scanner.lineCount
        counts = scanner.aggregate.takeSparse()
        samples = scanner.samples
        scratch = scanner.aggregate
    }

    /// Drops what the scanner counted (its input failed), giving its scratch aggregate back, empty.
    mutating func discard(_ scanner: inout ChunkScanner) {
        _ = scanner.aggregate.takeSparse()
        scratch = scanner.aggregate
    }
}
