import FlowIO

/// The job's merged state while items complete: one aggregate, the outcome of each input, and the
/// bookkeeping that turns chunk-relative line numbers into file line numbers.
///
/// An input's counts are held back until the input is complete (every item it was cut into has
/// returned) and verified (`MappedFile.verify()`): an input that changed while it was read
/// (`InputFailure.Kind.changed`) contributes nothing, not even the chunks read before the change.
struct MergeState {
    let sources: [InputSource]
    var aggregate: Aggregate
    var outcomes: [InputOutcome]
    /// Per input still being read: the counts of its items so far. One item's counts stay sparse
    /// (most inputs are one item: a small file); a second item's make them dense.
    private var pending: [Int: PendingCounts] = [:]

    private enum PendingCounts {
        case sparse(SparseAggregate)
        case dense(Aggregate)
    }
    /// Per input: items planned, items merged, and whether planning it is over.
    private var plannedItems: [Int]
    private var mergedItems: [Int]
    private var planningDone: [Bool]
    /// The open file of each input still being read, for the check once it is complete.
    private var openFiles: [Int: (MappedFile, verified: MappedFile.Change?)] = [:]
    /// Per input: lines of each item, by ordinal (to number lines across chunks).
    private var lineCounts: [[Int]]
    /// Per input: malformed samples with the ordinal of their item.
    private var samples: [[(ordinal: Int, sample: ChunkSample)]]
    var bytesDone = 0
    var bytesTotal = 0
    var interrupted = false
    private(set) var hasFailure = false

    init(sources: [InputSource], classCount: Int) {
        self.sources = sources
        aggregate = .empty(classCount: classCount)
        outcomes = sources.map {
            InputOutcome(source: $0, bytes: 0, isGzip: false, format: nil, lines: 0, malformed: 0, failure: nil)
        }
        lineCounts = Array(repeating: [], count: sources.count)
        samples = Array(repeating: [], count: sources.count)
        plannedItems = Array(repeating: 0, count: sources.count)
        mergedItems = Array(repeating: 0, count: sources.count)
        planningDone = Array(repeating: false, count: sources.count)
    }

    /// The planner opened `file`'s bytes; they are checked once the input is complete, unless the
    /// task that read them all checked them already (`verified`: a file counted whole by the task
    /// that opened it, so that the check's fstat runs in the task, not on the job's loop).
    mutating func opened(_ file: Int, _ mapped: MappedFile, verified: MappedFile.Change? = nil) {
        openFiles[file] = (mapped, verified)
    }

    /// The planner made one more item of `file`.
    mutating func planned(_ file: Int) { plannedItems[file] += 1 }

    /// The planner will make no more items of `file`.
    mutating func plannedAll(_ file: Int) {
        planningDone[file] = true
        finishIfComplete(file)
    }

    /// Once every item of `file` has returned: checks that the file did not change while it was read
    /// and merges its counts, or drops them when it did.
    private mutating func finishIfComplete(_ file: Int) {
        guard planningDone[file], mergedItems[file] == plannedItems[file] else { return }
        if let (mapped, verified) = openFiles.removeValue(forKey: file), outcomes[file].failure == nil {
            switch verified ?? mapped.verify() {
            case .unchanged: break
            case .grew(let size): outcomes[file].grewTo = size
            case .shrank(let size):
                fail(file, InputFailure(kind: .changed, message: "cannot read \"\(mapped.path)\": file shrank from \(mapped.count) to \(size) bytes while it was being read"))
            case .modified:
                fail(file, InputFailure(kind: .changed, message: "cannot read \"\(mapped.path)\": file was modified while it was being read"))
            }
        }
        let partial = pending.removeValue(forKey: file)
        if outcomes[file].failure?.kind == .changed {
            // None of it is trusted: not its counts, lines or samples.
            outcomes[file].lines = 0
            outcomes[file].malformed = 0
            outcomes[file].textBytes = 0
            lineCounts[file] = []
            samples[file] = []
            return
        }
        switch partial {
        case .sparse(let counts)?: aggregate.merge(counts)
        case .dense(let counts)?: aggregate.merge(counts)
        case nil: break
        }
    }
    /// Records that an input could not be read (or read to its end).
    mutating func fail(_ file: Int, _ failure: InputFailure) {
        if outcomes[file].failure == nil {
            outcomes[file].failure = InputFailure(kind: failure.kind, message: sources[file].naming(failure.message))
        }
        hasFailure = true
    }

    mutating func merge(_ result: ItemResult) {
        defer {
            mergedItems[result.file] += 1
            finishIfComplete(result.file)
        }
        bytesDone += result.bytes
        outcomes[result.file].textBytes += result.textBytes
        if let failure = result.failure { fail(result.file, failure) }
        if let format = result.format { outcomes[result.file].format = format }
        guard let partial = result.counts else { return }
        switch pending.removeValue(forKey: result.file) {
        case nil:
            pending[result.file] = .sparse(partial)
        case .sparse(let first)?:
            var dense = Aggregate.empty(classCount: aggregate.classCount)
            dense.merge(first)
            dense.merge(partial)
            pending[result.file] = .dense(dense)
        case .dense(var counts)?:
            counts.merge(partial)
            pending[result.file] = .dense(counts)
        }
        outcomes[result.file].lines += result.lineCount
        outcomes[result.file].malformed += partial.records.malformed
        outcomes[result.file].records += partial.records.ok + partial.records.nodata + partial.records.skipdata
        if lineCounts[result.file].count <= result.ordinal {
            lineCounts[result.file] += repeatElement(0, count: result.ordinal + 1 - lineCounts[result.file].count)
        }
        lineCounts[result.file][result.ordinal] = result.lineCount
        for sample in result.samples {
            samples[result.file].append((result.ordinal, sample))
        }
    }

    /// The final result: samples placed at their file line numbers, the first few per file, ordered
    /// by input then line.
    func result(elapsed: Duration, index: PrefixIndex, keys: ServiceKeys, timelineBucket: TimelineBucket?) -> SummarizeResult {
        var placed: [MalformedRecord] = []
        for file in sources.indices {
            var offsets = [0]
            for count in lineCounts[file] { offsets.append(offsets.last! + count) }
            let located = samples[file].map { ordinal, sample in
                sample.record.located(path: sources[file].name, line: offsets[ordinal] + sample.line)
            }
            placed += located.sorted { $0.line < $1.line }.prefix(MalformedRecord.samplesPerInput)
        }
        return SummarizeResult(
            aggregate: aggregate, inputs: outcomes, samples: placed, interrupted: interrupted,
            elapsedSeconds: elapsed.seconds, index: index, keys: keys, timelineBucket: timelineBucket)
    }
}

/// Everything a run found: the merged counts, each input's outcome, malformed samples, and the
/// index and row keys the counts refer to (for the reports).
public struct SummarizeResult: Sendable {
    public let aggregate: Aggregate
    public let inputs: [InputOutcome]
    /// The first malformed lines of each input (at most 10 each), by input then line.
    public let samples: [MalformedRecord]
    /// Whether SIGINT stopped the run before every input was read.
    public let interrupted: Bool
    public let elapsedSeconds: Double
    public let index: PrefixIndex
    public let keys: ServiceKeys
    /// The width the timeline was counted in (`SummarizeOptions.timelineBucket`); nil: not counted.
    public var timelineBucket: TimelineBucket?

    /// Inputs that could not be read, or read to their end.
    public var failures: [InputOutcome] { inputs.filter { $0.failure != nil } }
    /// Bytes of every input as stored.
    public var bytesRead: Int { inputs.reduce(0) { $0 + $1.bytes } }
}
