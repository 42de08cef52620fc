/// How flows are attributed to report rows.
public enum AttributionMode: String, Sendable, CaseIterable {
    /// Each address counts once: the longest matching prefix; among the entries of that CIDR a
    /// specific service over EC2 over AMAZON; then file order (README, Decisions).
    case primary
    /// Each address counts for every entry that contains it (the notebook's view; totals overlap).
    case all
}

/// One row of `services.csv`.
public struct ServiceRow: Sendable, Equatable {
    /// `src`: the address was the record's source; `dst`: its destination.
    public let side: String
    public let region: String
    public let service: String
    public let flows: UInt64
    public let packets: UInt64
    public let bytes: UInt64
}

/// `services.csv`: flows, packets and bytes per side × region × service.
public enum ServicesReport {
    public static let header = ["side", "region", "service", "flows", "packets", "bytes"]

    /// The rows, sorted by bytes (descending), then side, region, service.
    public static func rows(_ partial: Partial, attribution: AttributionMode) -> [ServiceRow] {
        let table = attribution == .primary ? partial.primary : partial.all
        return table.map { key, value in
            ServiceRow(
                side: key.side == 0 ? "src" : "dst", region: key.region, service: key.service, flows: value.flows,
                packets: value.packets, bytes: value.bytes)
        }.sorted {
            if $0.bytes != $1.bytes { return $0.bytes > $1.bytes }
            return ($0.side, $0.region, $0.service) < ($1.side, $1.region, $1.service)
        }
    }

    /// The rows of a run (through its partial).
    public static func rows(_ result: SummarizeResult, attribution: AttributionMode) -> [ServiceRow] {
        rows(Partial(result, options: [:], version: ""), attribution: attribution)
    }

    public static func csv(_ rows: [ServiceRow]) -> [UInt8] {
        var writer = CSVWriter(header: header)
        for row in rows {
            writer.row([row.side, row.region, row.service, String(row.flows), String(row.packets), String(row.bytes)])
        }
        return writer.bytes
    }
}

/// One row of `paths.csv`: the traffic matrix, always with primary attribution.
public struct PathRow: Sendable, Equatable {
    public let sourceRegion: String
    public let sourceService: String
    public let destinationRegion: String
    public let destinationService: String
    /// `ACCEPT`, `REJECT`, or `-` when the input has no action.
    public let action: String
    public let flows: UInt64
    public let packets: UInt64
    public let bytes: UInt64
}

/// `paths.csv`: flows, packets and bytes per (source row, destination row, action).
public enum PathsReport {
    public static let header = [
        "src_region", "src_service", "dst_region", "dst_service", "action", "flows", "packets", "bytes",
    ]

    /// The rows, sorted by bytes (descending), then by the key columns in order.
    public static func rows(_ partial: Partial) -> [PathRow] {
        partial.paths.map { key, value in
            PathRow(
                sourceRegion: key.sourceRegion, sourceService: key.sourceService,
                destinationRegion: key.destinationRegion, destinationService: key.destinationService,
                action: FlowEngine.PathKey.actionNames[Int(key.action)], flows: value.flows, packets: value.packets,
                bytes: value.bytes)
        }.sorted {
            if $0.bytes != $1.bytes { return $0.bytes > $1.bytes }
            return ($0.sourceRegion, $0.sourceService, $0.destinationRegion, $0.destinationService, $0.action)
                < ($1.sourceRegion, $1.sourceService, $1.destinationRegion, $1.destinationService, $1.action)
        }
    }

    /// The rows of a run (through its partial).
    public static func rows(_ result: SummarizeResult) -> [PathRow] { rows(Partial(result, options: [:], version: "")) }

    public static func csv(_ rows: [PathRow]) -> [UInt8] {
        var writer = CSVWriter(header: header)
        for row in rows {
            writer.row([
                row.sourceRegion, row.sourceService, row.destinationRegion, row.destinationService, row.action,
                String(row.flows), String(row.packets), String(row.bytes),
            ])
        }
        return writer.bytes
    }
}
