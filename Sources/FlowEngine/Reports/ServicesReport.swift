/// How flows are attributed to report rows.
public enum AttributionMode: String, Sendable, CaseIterable {
    /// Each address counts once: the longest matching prefix; among the entries of that CIDR a
    /// specific service over EC2 over AMAZON; then file order (DESIGN.md).
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
    public static func rows(_ result: SummarizeResult, attribution: AttributionMode) -> [ServiceRow] {
        let aggregate = result.aggregate
        var sums: [Int: [ServiceKeys.Name: (UInt64, UInt64, UInt64)]] = [0: [:], 1: [:]]
        for side in 0..<2 {
            for c in 0..<aggregate.classCount {
                let (flows, packets, bytes) = aggregate.counters(side: side, class: c)
                guard flows > 0 else { continue }
                let addressClass = AddressClass(rawValue: UInt32(c))
                let keys: [UInt32] =
                    attribution == .primary
                    ? [result.keys.primaryKey(addressClass)] : result.keys.allKeys(addressClass, in: result.index)
                for key in keys {
                    let name = result.keys.names[Int(key)]
                    let old = sums[side]![name] ?? (0, 0, 0)
                    // Saturating, as the counters are: a row at 2^64 - 1 is a lower bound, and
                    // summary.json's totals.saturated says so.
                    var stopped = false
                    sums[side]![name] = (
                        Saturating.add(old.0, flows, &stopped), Saturating.add(old.1, packets, &stopped),
                        Saturating.add(old.2, bytes, &stopped)
                    )
                }
            }
        }
        var rows: [ServiceRow] = []
        for (side, label) in [(0, "src"), (1, "dst")] {
            for (name, value) in sums[side]! {
                rows.append(
                    ServiceRow(
                        side: label, region: name.region, service: name.service, flows: value.0, packets: value.1,
                        bytes: value.2))
            }
        }
        return rows.sorted {
            if $0.bytes != $1.bytes { return $0.bytes > $1.bytes }
            return ($0.side, $0.region, $0.service) < ($1.side, $1.region, $1.service)
        }
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
    public static func rows(_ result: SummarizeResult) -> [PathRow] {
        var rows: [PathRow] = []
        result.aggregate.paths.forEach { key, flows, packets, bytes in
            let (s, d, a) = PathKey.split(key)
            let source = result.keys.names[s]
            let destination = result.keys.names[d]
            rows.append(
                PathRow(
                    sourceRegion: source.region, sourceService: source.service, destinationRegion: destination.region,
                    destinationService: destination.service, action: PathKey.actionNames[a], flows: flows,
                    packets: packets, bytes: bytes))
        }
        return rows.sorted {
            if $0.bytes != $1.bytes { return $0.bytes > $1.bytes }
            return ($0.sourceRegion, $0.sourceService, $0.destinationRegion, $0.destinationService, $0.action)
                < ($1.sourceRegion, $1.sourceService, $1.destinationRegion, $1.destinationService, $1.action)
        }
    }

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
