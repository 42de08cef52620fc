/// What one task counted: a value with an identity (`empty`) and an associative, commutative
/// `merge`. Tasks return their partials; the job merges them; no state is shared while counting.
///
/// Counting is by address class, not by report row: each record adds to its source class and its
/// destination class (two array slots, no search), and to one cell of the traffic matrix keyed by
/// the primary rows of both sides and the action. Report rows for either attribution are derived
/// from the class counters at the end (`ServicesReport`), so `all` attribution costs nothing per
/// record.
public struct Aggregate: Sendable, Equatable {
    /// flows, packets, bytes per (side, class): `[(side * classCount + class) * 3 + field]`.
    var classCounters: [UInt64]
    let classCount: Int
    /// The traffic matrix: `PathKey` → flows, packets, bytes.
    var paths: CounterTable
    /// Ports, interfaces and the timeline (`DetailCounts`).
    var details = DetailCounts()
    public var records = RecordCounts()
    /// Smallest `start` and largest `end` of OK records that have them (Unix seconds).
    public var firstStart: UInt64 = .max
    public var lastEnd: UInt64 = 0
    /// Whether a sum stopped at 2^64 - 1 (`Saturating`): such figures are lower bounds.
    public internal(set) var saturated = false
    /// Records counted with wrapping adds (`add`). Below `fastLimit` records, each with packets and
    /// bytes below 2^32, no sum can pass 2^64 - 1: (2^32 - 1) * (2^32 - 1) < 2^64.
    var fastRecords: UInt64 = 0
    /// Set once a record or a merge needed checked adds: from then on every add is checked.
    var checked = false
    static let fastLimit: UInt64 = (1 << 32) - 1
    /// The first counter (`classCounters` index) of every (side, class) that `add`/`addChecked` took
    /// from zero flows, in first-touch order: what `takeSparse()` extracts without reading the
    /// whole array. Exact only while nothing has been merged into this aggregate (`touchedIsExact`).
    private(set) var touched: [UInt32] = []
    /// False once `merge` has added counters that `touched` does not list.
    private(set) var touchedIsExact = true

    public static func empty(classCount: Int) -> Aggregate {
        Aggregate(classCounters: [UInt64](repeating: 0, count: classCount * 6), classCount: classCount, paths: CounterTable())
    }

    /// Counts one OK record.
    @inline(__always)
    mutating func add(
        source: AddressClass, destination: AddressClass, pathKey: UInt64, packets: UInt64, bytes: UInt64
    ) {
        let s = Int(source.rawValue) * 3
        if classCounters[s] == 0 { noteTouched(s) }
        classCounters[s] &+= 1
        classCounters[s + 1] &+= packets
        classCounters[s + 2] &+= bytes
        let d = (classCount + Int(destination.rawValue)) * 3
        if classCounters[d] == 0 { noteTouched(d) }
        classCounters[d] &+= 1
        classCounters[d + 1] &+= packets
        classCounters[d + 2] &+= bytes
        paths.add(pathKey, flows: 1, packets: packets, bytes: bytes)
    }

    /// Counts one OK record with saturating adds: for a record whose packets or bytes reach 2^32,
    /// and for every record once the aggregate is `checked`.
    mutating func addChecked(
        source: AddressClass, destination: AddressClass, pathKey: UInt64, packets: UInt64, bytes: UInt64
    ) {
        checked = true
        var stopped = false
        for base in [Int(source.rawValue) * 3, (classCount + Int(destination.rawValue)) * 3] {
            if classCounters[base] == 0 { noteTouched(base) }
            classCounters[base] = Saturating.add(classCounters[base], 1, &stopped)
            classCounters[base + 1] = Saturating.add(classCounters[base + 1], packets, &stopped)
            classCounters[base + 2] = Saturating.add(classCounters[base + 2], bytes, &stopped)
        }
        if paths.addSaturating(pathKey, flows: 1, packets: packets, bytes: bytes) { stopped = true }
        if stopped { saturated = true }
    }

    /// Counts one OK record's ports and timeline cells (`DetailCounts`), wrapping: under the same
    /// proof as `add` (each cell sums a subset of the records).
    @inline(__always)
    mutating func addDetails(
        portKey: UInt64, interface: Int32, bucket: UInt32, sourceRow: UInt32, destinationRow: UInt32, packets: UInt64,
        bytes: UInt64, action: UInt64, countsTimeline: Bool
    ) {
        let rejected = action == 1
        details.ports.add(portKey, 1, packets, bytes, rejected ? 1 : 0)
        if interface >= 0 { details.interfaces.add(entry: interface, packets: packets, bytes: bytes, action: action) }
        guard countsTimeline else { return }
        details.timeline.add(TimelineKey.make(bucket: bucket, side: 0, row: sourceRow), 1, packets, bytes)
        details.timeline.add(TimelineKey.make(bucket: bucket, side: 1, row: destinationRow), 1, packets, bytes)
    }

    /// `addDetails` with saturating adds.
    mutating func addDetailsChecked(
        portKey: UInt64, interface: Int32, bucket: UInt32, sourceRow: UInt32, destinationRow: UInt32, packets: UInt64,
        bytes: UInt64, action: UInt64, countsTimeline: Bool
    ) {
        var stopped = details.ports.addSaturating(portKey, .init(1, packets, bytes, action == 1 ? 1 : 0))
        if interface >= 0,
            details.interfaces.addSaturating(entry: interface, packets: packets, bytes: bytes, action: action)
        {
            stopped = true
        }
        if countsTimeline {
            let cells = [TimelineKey.make(bucket: bucket, side: 0, row: sourceRow), TimelineKey.make(bucket: bucket, side: 1, row: destinationRow)]
            for cell in cells where details.timeline.addSaturating(cell, .init(1, packets, bytes)) { stopped = true }
        }
        if stopped { saturated = true }
    }

    /// The first flow of a (side, class): rare (once per class per item), so out of line.
    @inline(never)
    private mutating func noteTouched(_ counter: Int) { touched.append(UInt32(truncatingIfNeeded: counter)) }

    /// For `takeSparse()`: the touched counters are zero again.
    mutating func clearTouched() { touched.removeAll(keepingCapacity: true) }

    /// For merges: counters now come from elsewhere than `add`, so `touched` no longer lists them all.
    mutating func markMerged() { touchedIsExact = false }

    /// Whether a batch of records whose packets and bytes, or-ed together, are `high` may be counted
    /// with wrapping `add`s.
    @inline(__always)
    func mayAddUnchecked(count: Int, high: UInt64) -> Bool {
        !checked && high >> 32 == 0 && fastRecords &+ UInt64(count) <= Self.fastLimit
    }

    /// Adds everything `other` counted (saturating: see `Saturating`).
    /// - Precondition: both were counted against the same index.
    public mutating func merge(_ other: Aggregate) {
        precondition(classCount == other.classCount, "aggregates of different indexes")
        touchedIsExact = false
        var stopped = false
        for i in classCounters.indices { classCounters[i] = Saturating.add(classCounters[i], other.classCounters[i], &stopped) }
        if paths.merge(other.paths) { stopped = true }
        if details.merge(other.details) { stopped = true }
        saturated = saturated || other.saturated || stopped
        // A merged value may hold sums near the ceiling: any later add is checked.
        checked = true
        records.merge(other.records)
        firstStart = min(firstStart, other.firstStart)
        lastEnd = max(lastEnd, other.lastEnd)
    }

    /// flows, packets, bytes of one class on one side (0: source, 1: destination).
    func counters(side: Int, class c: Int) -> (flows: UInt64, packets: UInt64, bytes: UInt64) {
        let i = (side * classCount + c) * 3
        return (classCounters[i], classCounters[i + 1], classCounters[i + 2])
    }

    /// Total flows, packets and bytes of OK records (each record once), saturating at 2^64 - 1
    /// (`totalsSaturated` says whether one did).
    public var totals: (flows: UInt64, packets: UInt64, bytes: UInt64) { totalsReportingSaturation.totals }

    /// Whether a total, or any counter it is made of, stopped at 2^64 - 1.
    public var totalsSaturated: Bool { totalsReportingSaturation.saturated }

    private var totalsReportingSaturation: (totals: (flows: UInt64, packets: UInt64, bytes: UInt64), saturated: Bool) {
        var total: (flows: UInt64, packets: UInt64, bytes: UInt64) = (0, 0, 0)
        var stopped = saturated
        for c in 0..<classCount {
            let (f, p, b) = counters(side: 0, class: c)
            total.flows = Saturating.add(total.flows, f, &stopped)
            total.packets = Saturating.add(total.packets, p, &stopped)
            total.bytes = Saturating.add(total.bytes, b, &stopped)
        }
        return (total, stopped)
    }

    public static func == (a: Aggregate, b: Aggregate) -> Bool {
        guard a.classCounters == b.classCounters, a.records == b.records, a.firstStart == b.firstStart,
            a.lastEnd == b.lastEnd, a.saturated == b.saturated, a.details == b.details
        else { return false }
        var left: [UInt64: [UInt64]] = [:]
        var right: [UInt64: [UInt64]] = [:]
        a.paths.forEach { left[$0] = [$1, $2, $3] }
        b.paths.forEach { right[$0] = [$1, $2, $3] }
        return left == right
    }
}

/// How the lines of the input were accounted for. Conservation: `ok + nodata + skipdata +
/// malformed == dataLines`; headers and blank lines are not data lines.
public struct RecordCounts: Sendable, Equatable {
    /// Lines that are neither blank nor a header.
    public var dataLines = 0
    public var ok = 0
    public var nodata = 0
    public var skipdata = 0
    public var malformed = 0
    /// Header lines seen (the first of each file and any repeated ones).
    public var headers = 0
    /// Blank lines seen.
    public var blank = 0
    /// OK records whose `packets` or `bytes` was `-` (counted as 0).
    public var missingCounters = 0

    public init() {}

    mutating func merge(_ other: RecordCounts) {
        dataLines += other.dataLines
        ok += other.ok
        nodata += other.nodata
        skipdata += other.skipdata
        malformed += other.malformed
        headers += other.headers
        blank += other.blank
        missingCounters += other.missingCounters
    }

    /// Whether every data line is accounted for exactly once.
    public var isConserved: Bool { ok + nodata + skipdata + malformed == dataLines }
}

/// The traffic-matrix cell of a record: primary rows of both sides and the action.
enum PathKey {
    /// `action`: 0 ACCEPT, 1 REJECT, 2 absent or `-`.
    @inline(__always)
    static func make(source: UInt32, destination: UInt32, action: UInt64) -> UInt64 {
        UInt64(source) << 33 | UInt64(destination) << 2 | action
    }

    static func split(_ key: UInt64) -> (source: Int, destination: Int, action: Int) {
        (Int(key >> 33), Int((key >> 2) & 0x7FFF_FFFF), Int(key & 3))
    }

    static let actionNames = ["ACCEPT", "REJECT", "-"]
}
