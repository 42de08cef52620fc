import FlowIO

/// What the reports beyond services.csv and paths.csv are cut to: `--top N` rows of the ranked
/// lists and the timeline's `--bucket`. `--top` is a report option only (a partial holds every
/// ports row); `--bucket` is also counted (a partial holds buckets of its width, which merge and
/// reports may sum into wider ones).
public struct ReportOptions: Sendable, Equatable {
    public var top: Int
    /// timeline.csv's buckets; nil: no timeline.csv (`--timeline` is opt-in).
    public var bucket: TimelineBucket?

    public static let defaultTop = 100

    public init(top: Int = ReportOptions.defaultTop, bucket: TimelineBucket? = nil) {
        self.top = top
        self.bucket = bucket
    }
}

/// timeline.csv's bucket width, aligned to UTC (a day starts at 00:00Z).
public enum TimelineBucket: String, Sendable, CaseIterable {
    case fiveMinutes = "5m"
    case hour = "1h"
    case day = "1d"

    public var seconds: UInt64 {
        switch self {
        case .fiveMinutes: 300
        case .hour: 3600
        case .day: 86_400
        }
    }
}

/// ports.csv: the top N (protocol, destination port) pairs by bytes.
public enum PortsReport {
    public static let header = ["protocol", "port", "flows", "packets", "bytes", "rejected_flows"]

    public struct Row: Sendable, Equatable {
        public let key: Partial.PortKey
        public let counters: Partial.PortCounters
    }

    /// By bytes (descending), then protocol number, then port (absent values last); the first `top`.
    public static func rows(_ partial: Partial, top: Int) -> [Row] {
        let all = partial.ports.map { Row(key: $0.key, counters: $0.value) }.sorted {
            if $0.counters.bytes != $1.counters.bytes { return $0.counters.bytes > $1.counters.bytes }
            return $0.key < $1.key
        }
        return Array(all.prefix(top))
    }

    public static func csv(_ rows: [Row]) -> [UInt8] {
        var writer = CSVWriter(header: header)
        for row in rows {
            let c = row.counters
            let numbers: [UInt64] = [c.flows, c.packets, c.bytes, c.rejected]
            let name = row.key.protocolNumber.map(ProtocolNames.name) ?? "-"
            let port = row.key.port.map { String($0) } ?? "-"
            writer.row([name, port] + numbers.map { String($0) })
        }
        return writer.bytes
    }
}

/// interfaces.csv: every `interface-id`, by bytes; written only when an input has the field.
public enum InterfacesReport {
    public static let header = ["interface_id", "flows", "packets", "bytes", "accepted_flows", "rejected_flows"]

    /// nil when no input's layout has `interface-id`.
    public static func csv(_ partial: Partial) -> [UInt8]? {
        guard let table = partial.interfaces else { return nil }
        let rows = table.sorted {
            if $0.value.bytes != $1.value.bytes { return $0.value.bytes > $1.value.bytes }
            return ByteOrder.precedes($0.key, $1.key)
        }
        var writer = CSVWriter(header: header)
        for (name, c) in rows {
            let numbers: [UInt64] = [c.flows, c.packets, c.bytes, c.accepted, c.rejected]
            writer.row([name] + numbers.map { String($0) })
        }
        return writer.bytes
    }
}

/// timeline.csv: flows, packets, bytes per bucket of `start` × side × region × service (primary
/// attribution, as paths.csv). A record counts in the bucket of its `start` (as Athena's and
/// CloudWatch's queries bucket flows), never spread over `start`..`end`; records without `start`
/// are one row per side and row with an empty `bucket_start`, after every bucket.
public enum TimelineReport {
    public static let header = ["bucket_start", "side", "region", "service", "flows", "packets", "bytes"]

    public struct Row: Sendable, Equatable {
        /// Unix seconds of the bucket's start; nil for records without `start`.
        public let bucketStart: UInt64?
        public let side: String
        public let region: String
        public let service: String
        public let counters: Partial.Counters
    }

    /// The partial's cells summed into `bucket`, sorted by bucket (none last), side, region, service.
    /// - Precondition: `bucket` is no narrower than the partial's (`canRender`).
    public static func rows(_ partial: Partial, bucket: TimelineBucket) -> [Row] {
        precondition(canRender(partial, bucket: bucket), "buckets narrower than the partial's")
        var cells: [Partial.TimelineKey: Partial.Counters] = [:]
        var stopped = false
        for (key, value) in partial.timeline {
            var rolled = key
            rolled.bucketStart = key.bucketStart.map { $0 / bucket.seconds * bucket.seconds }
            cells[rolled, default: .zero].add(value, &stopped)
        }
        return cells.keys.sorted().map { key in
            Row(
                bucketStart: key.bucketStart, side: key.side == 0 ? "src" : "dst", region: key.region,
                service: key.service, counters: cells[key]!)
        }
    }

    /// Whether `partial` has a timeline whose buckets can be summed into `bucket`'s (no wider).
    public static func canRender(_ partial: Partial, bucket: TimelineBucket) -> Bool {
        guard let counted = partial.timelineBucket else { return false }
        return bucket.seconds >= counted.seconds
    }

    public static func csv(_ rows: [Row]) -> [UInt8] {
        var writer = CSVWriter(header: header)
        for row in rows {
            let c = row.counters
            let numbers: [UInt64] = [c.flows, c.packets, c.bytes]
            let start = row.bucketStart.map(SummaryReport.utc) ?? ""
            writer.row([start, row.side, row.region, row.service] + numbers.map { String($0) })
        }
        return writer.bytes
    }
}

/// IP protocol numbers by name, as ports.csv writes them: the names of the IANA protocol-numbers
/// registry as Linux's /etc/protocols spells them (lower case), for the protocols a VPC carries;
/// any other number is written as its decimal. `DetailReportsTests` holds the table to
/// /etc/protocols where the machine has one.
public enum ProtocolNames {
    public static let table: [UInt16: String] = [
        0: "hopopt", 1: "icmp", 2: "igmp", 4: "ipencap", 6: "tcp", 17: "udp", 41: "ipv6", 43: "ipv6-route",
        44: "ipv6-frag", 46: "rsvp", 47: "gre", 50: "esp", 51: "ah", 58: "ipv6-icmp", 59: "ipv6-nonxt",
        60: "ipv6-opts", 88: "eigrp", 89: "ospf", 103: "pim", 112: "vrrp", 115: "l2tp", 132: "sctp",
        136: "udplite",
    ]

    public static func name(_ number: UInt16) -> String { table[number] ?? String(number) }
}
