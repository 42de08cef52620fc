// Public: `run` takes FlowIO's `InputKinds.Status`.
public import FlowIO

/// The batch job: every input, cut into work items, counted concurrently against one shared index,
/// merged into one `SummarizeResult`. This is the only `TaskGroup` of the engine.
///
/// Work items (`WorkItem`):
/// - a regular file is opened by a task (`.open`), which tells gzip from plain text and counts a
///   file that fits in one chunk (plain) or one block (gzip) there and then: a small file is one task;
/// - a larger plain file comes back and is cut by `ChunkPlan` into chunks of whole lines, each an item;
/// - a larger gzip file, standard input and pipes are streams (`StreamInput`): a `.stream` item reads
///   (inflates) the next block of whole lines and hands it back as a `.block` item for another task
///   to count, while the stream reads on. So inflating and counting overlap even for one input.
///
/// At most `jobs` items are in flight. A task slot that frees takes a block waiting to be counted
/// first, then a stream that can read on, then a new input (while fewer than `jobs` streams are
/// open): so at most about `jobs` blocks wait, and memory stays bounded however fast a stream
/// inflates. Each task counts into a scratch aggregate
/// it is given and returns only what it touched (`SparseAggregate`); merging is associative and
/// commutative, malformed samples are ordered by file and line, and block boundaries depend only on
/// the block size, so the result does not depend on `jobs`, on the chunk size or on completion order.
public enum SummarizeJob {
    /// Runs the job.
    ///
    /// - Parameters:
    ///   - statuses: a `stat` of each source taken by the caller (nil entries, or none at all: the
    ///     planner stats those itself), so that a listed folder's files are not stat'ed twice.
    ///   - progress: called from the merging loop after each item, never concurrently.
    public static func run(
        _ sources: [InputSource], statuses: [InputKinds.Status?] = [], index: PrefixIndex, options: SummarizeOptions,
        progress: ((ProgressSnapshot) -> Void)? = nil
    ) async -> SummarizeResult {
        let keys = ServiceKeys(index: index)
        let context = JobContext(index: index, keys: keys, options: options)
        let clock = ContinuousClock()
        let started = clock.now
        var scheduler = Scheduler(sources: sources, statuses: statuses, options: options, classCount: index.classCount)

        await withTaskGroup(of: TaskResult.self) { group in
            var inFlight = 0
            while true {
                if Interrupt.isRequested {
                    scheduler.state.interrupted = true
                    break
                }
                if options.failFast && scheduler.state.hasFailure { break }
                if inFlight < options.jobs, let item = scheduler.next() {
                    let workspace = Handoff(scheduler.takeWorkspace(for: item))
                    group.addTask { process(item, workspace, context) }
                    inFlight += 1
                    continue
                }
                guard inFlight > 0, let done = await group.next() else { break }
                inFlight -= 1
                scheduler.absorb(done)
                report(progress, scheduler.state, clock.now - started)
            }
            if scheduler.state.interrupted || (options.failFast && scheduler.state.hasFailure) { group.cancelAll() }
            for await done in group {
                scheduler.absorb(done, stopping: true)
                report(progress, scheduler.state, clock.now - started)
            }
            scheduler.closeStreams()
        }
        if Interrupt.isRequested { scheduler.state.interrupted = true }
        return scheduler.state.result(
            elapsed: clock.now - started, index: index, keys: keys, timelineBucket: options.timelineBucket)
    }

    private static func report(_ progress: ((ProgressSnapshot) -> Void)?, _ state: MergeState, _ elapsed: Duration) {
        guard let progress else { return }
        progress(ProgressSnapshot(bytesDone: state.bytesDone, bytesTotal: state.bytesTotal, elapsedSeconds: elapsed.seconds))
    }
}

/// The job's loop state between tasks: what is ready to run, the merged counts, and the buffers and
/// scratch aggregates that tasks hand back for the next ones. Runs only on the job's own task.
struct Scheduler {
    var state: MergeState
    private var plan: WorkPlanner
    private let options: SummarizeOptions
    private let classCount: Int
    /// Blocks read from streams, waiting for a task to count them (oldest first; at most about `jobs`).
    private var blocks: [WorkItem] = []
    /// Streams that can read on, waiting for a task.
    private var idle: [StreamInput] = []
    /// Streams not yet ended (idle or being read), by input.
    private var openStreams: [Int: StreamInput] = [:]
    private var scratches: [Aggregate] = []
    private var buffers: [[UInt8]] = []
    private var gzipReaders: [ReusableGzipReader] = []
    private var formatCaches: [FormatCache] = []
    /// Tasks opening files, which may each become a stream.
    private var opensInFlight = 0

    /// Buffers kept for reuse, at most: about as many as can be in use at once.
    private let bufferCap: Int

    init(sources: [InputSource], statuses: [InputKinds.Status?], options: SummarizeOptions, classCount: Int) {
        state = MergeState(sources: sources, classCount: classCount)
        plan = WorkPlanner(sources: sources, statuses: statuses, options: options)
        state.bytesTotal = plan.bytesTotal
        self.options = options
        self.classCount = classCount
        bufferCap = 3 * options.jobs
    }

    /// The next item to run, or nil when nothing can run until a task returns.
    mutating func next() -> WorkItem? {
        // Removed, not left behind a head index: a block buffer still referenced from here would be
        // copied when a stream next reads into it.
        if !blocks.isEmpty { return blocks.removeFirst() }
        if !idle.isEmpty {
            let stream = idle.removeFirst()
            state.planned(stream.file)
            return .stream(stream)
        }
        // New inputs only while fewer streams than jobs are open: each holds a block buffer.
        switch plan.next(&state, newInputs: openStreams.count < options.jobs) {
        case .item(let item)?:
            return item
        case .stream(let stream)?:
            openStreams[stream.file] = stream
            state.planned(stream.file)
            return .stream(stream)
        case nil:
            return nil
        }
    }

    /// What a task is lent (`Workspace`): what earlier tasks gave back, or new parts.
    /// - Parameter item: the item it is for (an open counts as a stream to be, for
    ///   `Workspace.countsBlocksItself`).
    mutating func takeWorkspace(for item: WorkItem) -> Workspace {
        if case .open = item { opensInFlight += 1 }
        return Workspace(
            aggregate: scratches.popLast() ?? .empty(classCount: classCount), buffer: buffers.popLast() ?? [],
            gzip: gzipReaders.popLast(), formats: formatCaches.popLast() ?? FormatCache(),
            countsBlocksItself: openStreams.count + opensInFlight >= options.jobs)
    }

    /// Takes in what a task did: the workspace it was lent, and for each item its counts and what
    /// comes next for its input.
    /// - Parameter stopping: the run is stopping: nothing more is queued, streams are closed.
    mutating func absorb(_ task: TaskResult, stopping: Bool = false) {
        if task.opened { opensInFlight -= 1 }
        let workspace = task.workspace
        if let scratch = workspace.aggregate { scratches.append(scratch) }
        if let gzip = workspace.gzip, gzipReaders.count < options.jobs { gzipReaders.append(gzip) }
        formatCaches.append(workspace.formats)
        for spare in task.spares + [workspace.buffer ?? []] where !spare.isEmpty && buffers.count < bufferCap {
            buffers.append(spare)
        }
        for result in task.items { absorb(result, stopping: stopping) }
    }

    private mutating func absorb(_ result: ItemResult, stopping: Bool) {
        let file = result.file
        if let opened = result.opened {
            state.outcomes[file].bytes = opened.mapped.count
            state.outcomes[file].isGzip = opened.isGzip
            if let format = opened.format { state.outcomes[file].format = format }
            state.opened(file, opened.mapped, verified: opened.verified)
        }
        if let streamBytes = result.streamBytes, result.stream?.mapped == nil { state.outcomes[file].bytes = streamBytes }
        if let block = result.block, !stopping {
            // Planned before this result is merged, so the input is not taken as complete.
            state.planned(file)
            blocks.append(block)
        }
        state.merge(result)
        if let stream = result.stream {
            if result.inputDone || stopping {
                stream.close()
                openStreams[file] = nil
            } else {
                openStreams[file] = stream
                idle.append(stream)
            }
        }
        if result.inputDone {
            state.plannedAll(file)
        } else if let opened = result.opened, let format = opened.chunking {
            plan.cut(file: file, mapped: opened.mapped, format: format, &state)
        }
    }

    /// Closes every stream still open (a run that stopped early).
    mutating func closeStreams() {
        for stream in openStreams.values { stream.close() }
        openStreams = [:]
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
