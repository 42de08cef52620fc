/// The counts behind ports.csv, interfaces.csv and timeline.csv: components of an `Aggregate`, per
/// task, merged exactly (saturating sums), as the class counters are.
///
/// - ports: per (protocol, destination port): flows, packets, bytes, rejected flows.
/// - interfaces: per `interface-id` (`InterfaceTable`).
/// - timeline: per (bucket of `start`, side, primary row): flows, packets, bytes, at the run's
///   `--bucket` (counting at 5 minutes always would hold 12 times the cells of the default hour,
///   and cost a third of the speed on a day of logs: BENCHMARKS.md). 5m, 1h and 1d divide each other
///   and align to UTC, so a report may sum a partial's buckets into wider ones.
struct DetailCounts: Sendable, Equatable {
    var ports = WideCounterTable(width: 4)
    var interfaces = InterfaceTable()
    var timeline = WideCounterTable(width: 3)
    /// Whether a counted input's layout had `interface-id` (interfaces.csv is written only then).
    var hasInterfaceField = false

    /// The timeline bucket of a record without `start`.
    static let noBucket: UInt32 = .max

    static func == (a: DetailCounts, b: DetailCounts) -> Bool {
        a.hasInterfaceField == b.hasInterfaceField && a.interfaces == b.interfaces
            && Self.cells(a.ports) == Self.cells(b.ports) && Self.cells(a.timeline) == Self.cells(b.timeline)
    }

    static func cells(_ table: WideCounterTable) -> [UInt64: [UInt64]] {
        var result: [UInt64: [UInt64]] = [:]
        table.forEach { result[$0] = Array($1) }
        return result
    }

    /// Everything counted, moved out; this value is left empty (capacity kept).
    mutating func drain() -> SparseDetails {
        let sparse = SparseDetails(
            ports: ports.drain(), interfaces: interfaces.isEmpty ? nil : interfaces.drain(), timeline: timeline.drain(),
            hasInterfaceField: hasInterfaceField)
        hasInterfaceField = false
        return sparse
    }

    /// Adds what another task counted; returns whether a sum stopped at 2^64 - 1.
    mutating func merge(_ other: SparseDetails) -> Bool {
        var stopped = ports.merge(cells: other.ports)
        if let table = other.interfaces, interfaces.merge(table) { stopped = true }
        if timeline.merge(cells: other.timeline) { stopped = true }
        hasInterfaceField = hasInterfaceField || other.hasInterfaceField
        return stopped
    }

    mutating func merge(_ other: DetailCounts) -> Bool {
        var stopped = ports.merge(other.ports)
        if interfaces.merge(other.interfaces) { stopped = true }
        if timeline.merge(other.timeline) { stopped = true }
        hasInterfaceField = hasInterfaceField || other.hasInterfaceField
        return stopped
    }
}

/// `DetailCounts` drained: what a work item hands the job.
struct SparseDetails: Sendable {
    var ports: [UInt64] = []
    var interfaces: InterfaceTable?
    var timeline: [UInt64] = []
    var hasInterfaceField = false
}

/// The ports table's key: protocol (0...255, or 256 when absent or not a protocol number) and
/// destination port (0...65535, or 65536 when absent).
enum PortKey {
    static let noProtocol: UInt32 = 256
    static let noPort: UInt32 = 65536

    @inline(__always)
    static func make(protocol: UInt32, port: UInt32) -> UInt64 { UInt64(`protocol`) << 17 | UInt64(port) }

    static func split(_ key: UInt64) -> (protocol: UInt32, port: UInt32) {
        (UInt32(truncatingIfNeeded: key >> 17), UInt32(truncatingIfNeeded: key & 0x1_FFFF))
    }
}

/// The timeline's key: bucket (index of `start` in buckets of the run's width, or `DetailCounts.noBucket`), side (0
/// source, 1 destination), primary row (`ServiceKeys.primaryKey`, below 2^31).
enum TimelineKey {
    @inline(__always)
    static func make(bucket: UInt32, side: UInt64, row: UInt32) -> UInt64 {
        UInt64(bucket) << 32 | side << 31 | UInt64(row)
    }

    static func split(_ key: UInt64) -> (bucket: UInt32, side: Int, row: Int) {
        (UInt32(truncatingIfNeeded: key >> 32), Int(key >> 31 & 1), Int(key & 0x7FFF_FFFF))
    }

    /// The last second ISO 8601's four-digit years can write (9999-12-31T23:59:59Z): a `start`
    /// after it is not a time a flow log holds, and counts with the records without `start`.
    static let lastTime: UInt64 = 253_402_300_799

    /// The bucket of a `start` in seconds, in buckets of `width` seconds (at least 300: the index of
    /// the last time fits in 32 bits).
    @inline(__always)
    static func bucket(of start: UInt64?, width: UInt64) -> UInt32 {
        guard let start, start <= lastTime else { return DetailCounts.noBucket }
        return UInt32(truncatingIfNeeded: start / width)
    }
}
