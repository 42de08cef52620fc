import FlowIO

/// A partial aggregate: everything every report needs about a set of inputs, as a value that merges
/// exactly and serialises to deterministic bytes (`PartialCodec`, PARTIAL-FORMAT.md).
///
/// This is the boundary between the engine and whatever runs it. `summarize` builds one from its
/// `SummarizeResult` and renders the reports from it; `summarize --partial` writes it instead; Spark
/// tasks, Batch array jobs and nightly state keep it; `merge` combines them and renders the same
/// reports through the same code (`ReportModel`).
///
/// **Keyed by names, not by the index's ids.** The engine counts by address class (an id that only
/// means something for the exact entry list that built the index); a partial holds the report rows
/// those classes sum to, for both attributions, keyed by (side, region, service), and the traffic
/// matrix keyed by the rows' names. So a partial is readable by another tool, merging needs no
/// index, and two partials counted under different snapshots could still be added in row space (the
/// nightly-state issue decides whether they may be). The cost: both attributions' rows are derived
/// once per partial (a few thousand class counters), not once per run.
///
/// **The merge law.** `merge` is associative and commutative, `empty` is its identity, and the
/// reports of a merge of partials are byte-identical to those of one run over all their inputs
/// (except summary.json's `run` object). Sums saturate at 2^64 - 1 (`Saturating`, associative on
/// unsigned integers); `saturated` is true exactly when a true total passed 2^64 - 1, which is a
/// property of the union, so it merges as `a || b || (totals(a) + totals(b) overflows)`.
public struct Partial: Sendable, Equatable {
    /// flows, packets, bytes.
    public struct Counters: Sendable, Equatable {
        public var flows: UInt64
        public var packets: UInt64
        public var bytes: UInt64

        public init(flows: UInt64, packets: UInt64, bytes: UInt64) {
            self.flows = flows
            self.packets = packets
            self.bytes = bytes
        }

        public static let zero = Counters(flows: 0, packets: 0, bytes: 0)

        /// Adds `other`, saturating each sum; sets `stopped` when one stopped.
        mutating func add(_ other: Counters, _ stopped: inout Bool) {
            flows = Saturating.add(flows, other.flows, &stopped)
            packets = Saturating.add(packets, other.packets, &stopped)
            bytes = Saturating.add(bytes, other.bytes, &stopped)
        }
    }

    /// A row of services.csv: side (0 source, 1 destination), region, service.
    public struct ServiceKey: Sendable, Hashable, Comparable {
        public var side: UInt8
        public var region: String
        public var service: String

        public static func < (a: ServiceKey, b: ServiceKey) -> Bool {
            if a.side != b.side { return a.side < b.side }
            if a.region != b.region { return ByteOrder.precedes(a.region, b.region) }
            return ByteOrder.precedes(a.service, b.service)
        }
    }

    /// A cell of the traffic matrix: source row, destination row, action (0 ACCEPT, 1 REJECT, 2 `-`).
    public struct PathKey: Sendable, Hashable, Comparable {
        public var sourceRegion: String
        public var sourceService: String
        public var destinationRegion: String
        public var destinationService: String
        public var action: UInt8

        public static func < (a: PathKey, b: PathKey) -> Bool {
            for (x, y) in [
                (a.sourceRegion, b.sourceRegion), (a.sourceService, b.sourceService),
                (a.destinationRegion, b.destinationRegion), (a.destinationService, b.destinationService),
            ] where x != y {
                return ByteOrder.precedes(x, y)
            }
            return a.action < b.action
        }
    }

    /// One input: its logical name, what was read of it and how it ended.
    public struct Input: Sendable, Equatable {
        /// The logical name: the path as given, or the NAME of a `LOCAL<TAB>NAME` line of
        /// `--files-from` (an S3 URI, say). Unique within a partial and across merged partials.
        public var name: String
        /// Bytes as stored (compressed, for gzip).
        public var bytes: Int
        /// Bytes of text read (inflated, for gzip).
        public var textBytes: Int
        public var isGzip: Bool
        /// `aws-text` or `csv`; nil when nothing was read.
        public var format: DetectedFormat.Kind?
        public var lines: Int
        public var malformed: Int
        /// OK, NODATA and SKIPDATA records.
        public var records: Int
        /// The size at the end, for an input that grew while it was read.
        public var grewTo: Int?
        public var failure: InputFailure?
        /// The first malformed lines (at most `MalformedRecord.samplesPerInput`), by line.
        public var samples: [MalformedRecord]

        /// Whether it has data lines and none is a record.
        public var isNotAFlowLog: Bool { failure == nil && malformed > 0 && records == 0 }
    }

    /// What decodes the counts: the ranges snapshot and the labels, by content.
    public struct Snapshot: Sendable, Equatable {
        /// SHA-256 of the canonical AWS entry list (`RangesIdentity`), lower-case hex.
        public var rangesDigest: String
        public var syncToken: String
        public var createDate: String
        public var ipv4Entries: Int
        public var ipv6Entries: Int
        /// SHA-256 of the canonical label entry list; nil without `--labels`.
        public var labelsDigest: String?
        public var labelEntries: Int
    }

    /// A path skipped because an earlier one is the same file.
    public struct Duplicate: Sendable, Hashable, Comparable {
        public var path: String
        public var sameAs: String

        public init(path: String, sameAs: String) {
            self.path = path
            self.sameAs = sameAs
        }

        public static func < (a: Duplicate, b: Duplicate) -> Bool {
            if a.path != b.path { return ByteOrder.precedes(a.path, b.path) }
            return ByteOrder.precedes(a.sameAs, b.sameAs)
        }
    }

    /// Shards of one sharded input list that this partial holds, while not all of them are here.
    public struct ShardGroup: Sendable, Hashable, Comparable {
        /// SHA-256 of the sorted logical names of the whole list (`ShardPlan.listDigest`).
        public var listDigest: String
        public var count: Int
        /// The shards held, ascending.
        public var held: [Int]

        public init(listDigest: String, count: Int, held: [Int]) {
            self.listDigest = listDigest
            self.count = count
            self.held = held
        }

        public static func < (a: ShardGroup, b: ShardGroup) -> Bool { (a.listDigest, a.count) < (b.listDigest, b.count) }
    }

    /// The vpcflow versions that counted the inputs (sorted, unique).
    public var vpcflowVersions: [String]
    public var snapshot: Snapshot
    /// Options that change a count (`fields`, `line_limit`), by name; merged partials must agree.
    public var options: [String: String]
    /// services.csv's rows under each attribution.
    public var primary: [ServiceKey: Counters] = [:]
    public var all: [ServiceKey: Counters] = [:]
    /// paths.csv: the traffic matrix (primary attribution).
    public var paths: [PathKey: Counters] = [:]
    /// ports.csv: per (protocol, destination port) (`Partial+Details.swift`).
    public var ports: [PortKey: PortCounters] = [:]
    /// interfaces.csv: per interface-id; nil when not counted (`--interfaces`) or no input's layout
    /// has the field (the report is then not written), empty when some has it but no OK record
    /// named one.
    public var interfaces: [String: InterfaceCounters]?
    /// timeline.csv: per bucket of `timelineBucket`, side and primary row.
    public var timeline: [TimelineKey: Counters] = [:]
    /// The width of `timeline`'s buckets: the `--bucket` it was counted with, or the widest of the
    /// partials merged into it (the narrower ones' buckets summed into it); nil when no timeline was
    /// counted (`--timeline` is opt-in; `options["timeline"]` says it, so the two kinds never merge).
    public var timelineBucket: TimelineBucket?
    public var records = RecordCounts()
    /// Smallest `start` and largest `end` of OK records that have them (`UInt64.max`, 0: none).
    public var firstStart: UInt64 = .max
    public var lastEnd: UInt64 = 0
    /// Whether a true total of flows, packets or bytes passed 2^64 - 1 (sums stopped there).
    public var saturated = false
    /// Sorted by name.
    public var inputs: [Input] = []
    /// Sorted, unique.
    public var duplicates: [Duplicate] = []
    public var emptyDirectories: [String] = []
    /// Incomplete shard groups (sorted); a group is dropped once every shard is merged in.
    public var shards: [ShardGroup] = []

    /// A partial of no inputs: the identity of `merge` among partials of the same snapshot and options.
    public static func empty(version: String, snapshot: Snapshot, options: [String: String]) -> Partial {
        Partial(vpcflowVersions: [version], snapshot: snapshot, options: options)
    }

    /// Total flows, packets and bytes (each record once: the primary source rows), saturating.
    public var totals: Counters {
        var total = Counters.zero
        var stopped = false
        for (key, value) in primary where key.side == 0 { total.add(value, &stopped) }
        return total
    }

    /// Whether a total of `self` plus `other` would pass 2^64 - 1.
    private func totalsOverflow(with other: Partial) -> Bool {
        var stopped = false
        var sum = totals
        sum.add(other.totals, &stopped)
        return stopped
    }

    /// Why two partials cannot be merged.
    public enum Conflict: Error, Sendable, Equatable, CustomStringConvertible {
        case snapshot(String)
        case options(String)
        case sameInput(String)

        public var description: String {
            switch self {
            case .snapshot(let detail): "they were counted with different ranges or labels (\(detail))"
            case .options(let detail): "they were counted with different options (\(detail))"
            case .sameInput(let name): "both hold the input \"\(name)\", which would be counted twice"
            }
        }
    }

    /// Whether `other` may be merged into `self`: the same snapshot, the same options, no input in both.
    public func conflict(with other: Partial) -> Conflict? {
        if snapshot != other.snapshot {
            let a = snapshot
            let b = other.snapshot
            var detail: [String] = []
            if a.rangesDigest != b.rangesDigest {
                detail.append("ranges \(a.syncToken)/\(a.createDate) sha256:\(a.rangesDigest.prefix(12)) against \(b.syncToken)/\(b.createDate) sha256:\(b.rangesDigest.prefix(12))")
            }
            if a.labelsDigest != b.labelsDigest {
                detail.append("labels \(a.labelsDigest.map { "sha256:\($0.prefix(12))" } ?? "none") against \(b.labelsDigest.map { "sha256:\($0.prefix(12))" } ?? "none")")
            }
            if detail.isEmpty { detail.append("the snapshots' descriptions differ") }
            return .snapshot(detail.joined(separator: "; "))
        }
        if options != other.options {
            let names = Set(options.keys).union(other.options.keys).sorted().filter { options[$0] != other.options[$0] }
            return .options(names.map { "\($0): \(options[$0] ?? "unset") against \(other.options[$0] ?? "unset")" }.joined(separator: "; "))
        }
        // Both lists are sorted by name: one walk finds a common name.
        var i = 0
        var j = 0
        while i < inputs.count && j < other.inputs.count {
            let a = inputs[i].name
            let b = other.inputs[j].name
            if a == b { return .sameInput(a) }
            if ByteOrder.precedes(a, b) { i += 1 } else { j += 1 }
        }
        return nil
    }

    /// Adds everything `other` holds.
    /// - Throws: `Conflict` when they cannot be merged (and `self` is unchanged).
    public mutating func merge(_ other: Partial) throws(Conflict) {
        if let conflict = conflict(with: other) { throw conflict }
        saturated = saturated || other.saturated || totalsOverflow(with: other)
        var stopped = false
        for (key, value) in other.primary { primary[key, default: .zero].add(value, &stopped) }
        for (key, value) in other.all { all[key, default: .zero].add(value, &stopped) }
        for (key, value) in other.paths { paths[key, default: .zero].add(value, &stopped) }
        mergeDetails(other, &stopped)
        records.merge(other.records)
        firstStart = min(firstStart, other.firstStart)
        lastEnd = max(lastEnd, other.lastEnd)
        inputs = Self.mergeSorted(inputs, other.inputs) { ByteOrder.precedes($0.name, $1.name) }
        duplicates = Array(Set(duplicates).union(other.duplicates)).sorted()
        emptyDirectories = Array(Set(emptyDirectories).union(other.emptyDirectories)).sorted {
            ByteOrder.precedes($0, $1)
        }
        vpcflowVersions = Array(Set(vpcflowVersions).union(other.vpcflowVersions)).sorted()
        shards = Self.mergeShards(shards, other.shards)
    }

    private static func mergeSorted<T>(_ a: [T], _ b: [T], by less: (T, T) -> Bool) -> [T] {
        var out: [T] = []
        out.reserveCapacity(a.count + b.count)
        var i = 0
        var j = 0
        while i < a.count && j < b.count {
            if less(b[j], a[i]) {
                out.append(b[j])
                j += 1
            } else {
                out.append(a[i])
                i += 1
            }
        }
        out += a[i...]
        out += b[j...]
        return out
    }

    /// Unions the held shards of each group; a group that now holds every shard is complete and
    /// leaves the list (a merge of all the shards equals a run over the whole list).
    private static func mergeShards(_ a: [ShardGroup], _ b: [ShardGroup]) -> [ShardGroup] {
        var groups: [String: ShardGroup] = [:]
        for group in a + b {
            let key = "\(group.listDigest)/\(group.count)"
            if var known = groups[key] {
                known.held = Array(Set(known.held).union(group.held)).sorted()
                groups[key] = known
            } else {
                groups[key] = group
            }
        }
        return groups.values.filter { $0.held.count < $0.count }.sorted()
    }
}

extension Partial {
    /// Builds the partial of a run: its counts turned into rows through the index that made them.
    ///
    /// - Parameters:
    ///   - options: the options that change a count (`SummarizeOptions.countingOptions`).
    ///   - version: the vpcflow version.
    public init(_ result: SummarizeResult, options: [String: String], version: String) {
        let index = result.index
        let keys = result.keys
        let aggregate = result.aggregate
        vpcflowVersions = [version]
        snapshot = RangesIdentity.snapshot(of: index.ranges)
        self.options = options
        var stopped = false
        for side in 0..<2 {
            for c in 0..<aggregate.classCount {
                let (flows, packets, bytes) = aggregate.counters(side: side, class: c)
                guard flows > 0 else { continue }
                let counters = Counters(flows: flows, packets: packets, bytes: bytes)
                let addressClass = AddressClass(rawValue: UInt32(c))
                let primaryName = keys.names[Int(keys.primaryKey(addressClass))]
                primary[ServiceKey(side: UInt8(side), region: primaryName.region, service: primaryName.service), default: .zero]
                    .add(counters, &stopped)
                for key in keys.allKeys(addressClass, in: index) {
                    let name = keys.names[Int(key)]
                    all[ServiceKey(side: UInt8(side), region: name.region, service: name.service), default: .zero]
                        .add(counters, &stopped)
                }
            }
        }
        aggregate.paths.forEach { key, flows, packets, bytes in
            let (s, d, a) = FlowEngine.PathKey.split(key)
            let source = keys.names[s]
            let destination = keys.names[d]
            paths[
                PathKey(
                    sourceRegion: source.region, sourceService: source.service, destinationRegion: destination.region,
                    destinationService: destination.service, action: UInt8(a))] = Counters(
                    flows: flows, packets: packets, bytes: bytes)
        }
        timelineBucket = result.timelineBucket
        addDetails(aggregate.details, keys: keys)
        records = aggregate.records
        firstStart = aggregate.firstStart
        lastEnd = aggregate.lastEnd
        saturated = aggregate.totalsSaturated
        var byInput: [String: [MalformedRecord]] = [:]
        for sample in result.samples { byInput[sample.path, default: []].append(sample) }
        inputs = result.inputs.map { outcome in
            Input(
                name: outcome.source.name, bytes: outcome.bytes, textBytes: outcome.textBytes, isGzip: outcome.isGzip,
                format: outcome.format, lines: outcome.lines, malformed: outcome.malformed, records: outcome.records,
                grewTo: outcome.grewTo, failure: outcome.failure, samples: byInput[outcome.source.name] ?? [])
        }.sorted { ByteOrder.precedes($0.name, $1.name) }
    }

    /// The malformed samples of every input, by input name then line.
    public var samples: [MalformedRecord] { inputs.flatMap(\.samples) }

    /// Inputs that could not be read, or read to their end.
    public var failures: [Input] { inputs.filter { $0.failure != nil } }

    /// Bytes of every input as stored.
    public var bytesRead: Int { inputs.reduce(0) { $0 + $1.bytes } }
}
