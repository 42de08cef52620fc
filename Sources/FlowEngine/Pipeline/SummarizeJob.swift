import FlowIO

/// The batch job: every input, cut into work items, counted concurrently against one shared index,
/// merged into one `SummarizeResult`. This is the only `TaskGroup` of the engine.
///
/// Work items:
/// - a plain file is mapped (or read with `pread`) and cut by `ChunkPlan` into chunks of whole
///   lines; each chunk is one item;
/// - a gzip file (detected by its magic bytes) is one item that inflates and counts the file as a
///   stream, block by block: many gzip files run concurrently, one per task;
/// - standard input is read here, block by block (inflated if it is gzip), and each block of whole
///   lines becomes an item, like a chunk.
///
/// At most `jobs` items are in flight. Each returns its own `Aggregate`; merging is associative and
/// commutative, malformed samples are ordered by file and line, so the result does not depend on
/// `jobs`, on the chunk size or on completion order.
public enum SummarizeJob {
    /// Runs the job.
    ///
    /// - Parameter progress: called from the merging loop after each item, never concurrently.
    public static func run(
        _ sources: [InputSource], index: PrefixIndex, options: SummarizeOptions,
        progress: ((ProgressSnapshot) -> Void)? = nil
    ) async -> SummarizeResult {
        let keys = ServiceKeys(index: index)
        let clock = ContinuousClock()
        let started = clock.now
        var state = MergeState(sources: sources, classCount: index.classCount)
        var plan = WorkPlanner(sources: sources, options: options)
        state.bytesTotal = plan.bytesTotal

        await withTaskGroup(of: ItemResult.self) { group in
            var inFlight = 0
            while true {
                if Interrupt.isRequested {
                    state.interrupted = true
                    break
                }
                if options.failFast && state.hasFailure { break }
                guard let item = plan.next(&state) else { break }
                if inFlight == options.jobs, let done = await group.next() {
                    inFlight -= 1
                    state.merge(done)
                    report(progress, state, clock.now - started)
                }
                group.addTask { process(item, index: index, keys: keys, options: options) }
                inFlight += 1
            }
            if state.interrupted || (options.failFast && state.hasFailure) { group.cancelAll() }
            for await done in group {
                state.merge(done)
                report(progress, state, clock.now - started)
            }
        }
        if Interrupt.isRequested { state.interrupted = true }
        return state.result(elapsed: clock.now - started, index: index, keys: keys)
    }

    private static func report(_ progress: ((ProgressSnapshot) -> Void)?, _ state: MergeState, _ elapsed: Duration) {
        guard let progress else { return }
        progress(ProgressSnapshot(bytesDone: state.bytesDone, bytesTotal: state.bytesTotal, elapsedSeconds: elapsed.seconds))
    }

    /// Counts one work item. Runs in a child task; touches nothing shared but the immutable index.
    static func process(_ item: WorkItem, index: PrefixIndex, keys: ServiceKeys, options: SummarizeOptions) -> ItemResult {
        switch item {
        case .chunk(let file, let ordinal, let mapped, let range, let format, let startsInsideLine, let endsInsideLine):
            var scanner = ChunkScanner(index: index, keys: keys, format: format, lineLimit: options.lineLimit)
            do {
                try mapped.withBytes(in: range) {
                    scanner.scan($0, startsInsideLine: startsInsideLine, endsInsideLine: endsInsideLine)
                }
            } catch {
                return ItemResult(file: file, ordinal: ordinal, bytes: range.count, failure: InputFailure(reading: error))
            }
            mapped.release(range)
            var result = ItemResult(file: file, ordinal: ordinal, bytes: range.count, scanner: scanner)
            result.textBytes = range.count
            return result
        case .buffer(let file, let ordinal, let bytes, let format):
            var scanner = ChunkScanner(index: index, keys: keys, format: format, lineLimit: options.lineLimit)
            scanner.scan(bytes.span)
            // bytes: what the block covered, so that progress from a stream counts up.
            var result = ItemResult(file: file, ordinal: ordinal, bytes: bytes.count, scanner: scanner)
            result.textBytes = bytes.count
            return result
        case .gzip(let file, let mapped):
            return GzipItem.process(file: file, mapped: mapped, index: index, keys: keys, options: options)
        }
    }
}

/// One unit of work.
enum WorkItem: Sendable {
    /// A range of whole lines of a plain file (at its ends, perhaps part of an over-long line:
    /// `ChunkPlan`).
    case chunk(file: Int, ordinal: Int, MappedFile, Range<Int>, InputFormat, startsInsideLine: Bool, endsInsideLine: Bool)
    /// A block of whole lines read from standard input.
    case buffer(file: Int, ordinal: Int, [UInt8], InputFormat)
    /// A whole gzip file.
    case gzip(file: Int, MappedFile)
}

/// What one work item counted.
struct ItemResult: Sendable {
    var file: Int
    /// The item's position in its file (chunks and standard-input blocks); 0 for gzip.
    var ordinal: Int
    /// Input bytes the item covered, for progress.
    var bytes: Int
    /// Text bytes the item read (inflated, for gzip).
    var textBytes = 0
    var lineCount = 0
    var aggregate: Aggregate?
    var samples: [ChunkSample] = []
    var failure: InputFailure?
    /// Set by gzip items, which detect their own format.
    var format: DetectedFormat.Kind?
    /// Lines numbered from the file's start (gzip) rather than the item's.
    var absoluteLines = false

    init(file: Int, ordinal: Int, bytes: Int, failure: InputFailure) {
        self.file = file
        self.ordinal = ordinal
        self.bytes = bytes
        self.failure = failure
    }

    init(file: Int, ordinal: Int, bytes: Int, scanner: ChunkScanner) {
        self.file = file
        self.ordinal = ordinal
        self.bytes = bytes
        lineCount = scanner.lineCount
        aggregate = scanner.aggregate
        samples = scanner.samples
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}

extension SummarizeJob {
    /// Counts `bytes`, the whole text of one plain input, as one chunk on the calling thread: no
    /// tasks, no threads, no reports. For measuring tools that cannot follow Swift concurrency's
    /// threads (valgrind's instruction counts: `vpcflow-count`, `scripts/count-instructions.sh`); `run` is the
    /// job.
    /// - Returns: the aggregate, or nil when the format cannot be detected.
    public static func countOnThisThread(_ bytes: Span<UInt8>, index: PrefixIndex) -> Aggregate? {
        guard let format = try? InputFormat.detect(in: bytes, fields: nil) else { return nil }
        var scanner = ChunkScanner(index: index, keys: ServiceKeys(index: index), format: format)
        scanner.scan(bytes)
        return scanner.aggregate
    }
}
