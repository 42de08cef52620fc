import FlowIO

/// The partial's ports, interfaces and timeline: the report-space form of `DetailCounts`, keyed by
/// values and names (not by the index's ids), merged by saturating sums.
extension Partial {
    /// A row of ports.csv: the protocol number (nil: absent, `-`, or not 0-255) and the destination
    /// port (nil: absent, `-`, or not 0-65535).
    public struct PortKey: Sendable, Hashable, Comparable {
        public var protocolNumber: UInt16?
        public var port: UInt32?

        public init(protocolNumber: UInt16?, port: UInt32?) {
            self.protocolNumber = protocolNumber
            self.port = port
        }

        /// Absent values sort after every number.
        public static func < (a: PortKey, b: PortKey) -> Bool {
            let x = (a.protocolNumber.map(Int.init) ?? 1 << 20, a.port.map(Int.init) ?? 1 << 20)
            let y = (b.protocolNumber.map(Int.init) ?? 1 << 20, b.port.map(Int.init) ?? 1 << 20)
            return x < y
        }
    }

    /// flows, packets, bytes, and the flows that were rejected.
    public struct PortCounters: Sendable, Equatable {
        public var flows: UInt64
        public var packets: UInt64
        public var bytes: UInt64
        public var rejected: UInt64

        public init(flows: UInt64, packets: UInt64, bytes: UInt64, rejected: UInt64) {
            self.flows = flows
            self.packets = packets
            self.bytes = bytes
            self.rejected = rejected
        }

        public static let zero = PortCounters(flows: 0, packets: 0, bytes: 0, rejected: 0)

        mutating func add(_ other: PortCounters, _ stopped: inout Bool) {
            flows = Saturating.add(flows, other.flows, &stopped)
            packets = Saturating.add(packets, other.packets, &stopped)
            bytes = Saturating.add(bytes, other.bytes, &stopped)
            rejected = Saturating.add(rejected, other.rejected, &stopped)
        }
    }

    /// flows, packets, bytes, accepted and rejected flows of one interface.
    public struct InterfaceCounters: Sendable, Equatable {
        public var flows: UInt64
        public var packets: UInt64
        public var bytes: UInt64
        public var accepted: UInt64
        public var rejected: UInt64

        public init(flows: UInt64, packets: UInt64, bytes: UInt64, accepted: UInt64, rejected: UInt64) {
            self.flows = flows
            self.packets = packets
            self.bytes = bytes
            self.accepted = accepted
            self.rejected = rejected
        }

        public static let zero = InterfaceCounters(flows: 0, packets: 0, bytes: 0, accepted: 0, rejected: 0)

        mutating func add(_ other: InterfaceCounters, _ stopped: inout Bool) {
            flows = Saturating.add(flows, other.flows, &stopped)
            packets = Saturating.add(packets, other.packets, &stopped)
            bytes = Saturating.add(bytes, other.bytes, &stopped)
            accepted = Saturating.add(accepted, other.accepted, &stopped)
            rejected = Saturating.add(rejected, other.rejected, &stopped)
        }
    }

    /// A cell of the timeline: the 5-minute bucket's start (Unix seconds, UTC; nil for records
    /// without `start`), side (0 source, 1 destination), primary row.
    public struct TimelineKey: Sendable, Hashable, Comparable {
        public var bucketStart: UInt64?
        public var side: UInt8
        public var region: String
        public var service: String

        public init(bucketStart: UInt64?, side: UInt8, region: String, service: String) {
            self.bucketStart = bucketStart
            self.side = side
            self.region = region
            self.service = service
        }

        /// By bucket (no bucket last), side, region, service.
        public static func < (a: TimelineKey, b: TimelineKey) -> Bool {
            if a.bucketStart != b.bucketStart {
                guard let x = a.bucketStart else { return false }
                guard let y = b.bucketStart else { return true }
                return x < y
            }
            if a.side != b.side { return a.side < b.side }
            if a.region != b.region { return ByteOrder.precedes(a.region, b.region) }
            return ByteOrder.precedes(a.service, b.service)
        }
    }


    /// Adds a run's detail counts, turned into report keys.
    mutating func addDetails(_ details: DetailCounts, keys: ServiceKeys) {
        var stopped = false
        details.ports.forEach { key, values in
            let (number, port) = FlowEngine.PortKey.split(key)
            let row = PortKey(
                protocolNumber: number == FlowEngine.PortKey.noProtocol ? nil : UInt16(number),
                port: port == FlowEngine.PortKey.noPort ? nil : port)
            let counters = PortCounters(
                flows: values[values.startIndex], packets: values[values.startIndex + 1],
                bytes: values[values.startIndex + 2], rejected: values[values.startIndex + 3])
            ports[row, default: .zero].add(counters, &stopped)
        }
        if details.hasInterfaceField || !details.interfaces.isEmpty {
            var table = interfaces ?? [:]
            let held = details.interfaces
            for i in 0..<held.count {
                let name = SampleEscaping.escape(Array(held.name(i)))
                let c = held.counters[(i * InterfaceTable.width)..<((i + 1) * InterfaceTable.width)]
                let counters = InterfaceCounters(
                    flows: c[c.startIndex], packets: c[c.startIndex + 1], bytes: c[c.startIndex + 2],
                    accepted: c[c.startIndex + 3], rejected: c[c.startIndex + 4])
                table[name, default: .zero].add(counters, &stopped)
            }
            interfaces = table
        }
        details.timeline.forEach { key, values in
            let (bucket, side, row) = FlowEngine.TimelineKey.split(key)
            let name = keys.names[row]
            let cell = TimelineKey(
                bucketStart: bucket == DetailCounts.noBucket ? nil : UInt64(bucket) * (timelineBucket?.seconds ?? 0),
                side: UInt8(side), region: name.region, service: name.service)
            let counters = Counters(
                flows: values[values.startIndex], packets: values[values.startIndex + 1], bytes: values[values.startIndex + 2])
            timeline[cell, default: .zero].add(counters, &stopped)
        }
    }

    /// Adds `other`'s detail counts (part of `merge`).
    mutating func mergeDetails(_ other: Partial, _ stopped: inout Bool) {
        for (key, value) in other.ports { ports[key, default: .zero].add(value, &stopped) }
        if let theirs = other.interfaces {
            var table = interfaces ?? [:]
            for (key, value) in theirs { table[key, default: .zero].add(value, &stopped) }
            interfaces = table
        }
        // Buckets of different widths: summed into the wider (5m, 1h and 1d divide each other). A
        // partial without cells does not widen the other's: the width is the largest by (has cells,
        // seconds), which is associative and commutative, and keeps the empty partial an identity.
        guard let mine = timelineBucket, let yours = other.timelineBucket else { return }  // options differ: refused before
        func rank(_ p: Partial, _ bucket: TimelineBucket) -> UInt64 { (p.timeline.isEmpty ? 0 : 1 << 32) | bucket.seconds }
        let target = max(rank(self, mine), rank(other, yours)) & 0xFFFF_FFFF
        let bucket = target == mine.seconds ? mine : yours
        if bucket != timelineBucket {
            timeline = Self.widened(timeline, to: target, &stopped)
            timelineBucket = bucket
        }
        let theirs = bucket == other.timelineBucket ? other.timeline : Self.widened(other.timeline, to: target, &stopped)
        for (key, value) in theirs { timeline[key, default: .zero].add(value, &stopped) }
    }

    /// Timeline cells summed into buckets of `width` seconds.
    static func widened(_ cells: [TimelineKey: Counters], to width: UInt64, _ stopped: inout Bool) -> [TimelineKey: Counters] {
        var result: [TimelineKey: Counters] = [:]
        for (key, value) in cells {
            var wider = key
            wider.bucketStart = key.bucketStart.map { $0 / width * width }
            result[wider, default: .zero].add(value, &stopped)
        }
        return result
    }
}
