/// One entry of a ranges file: a CIDR block with the region, service and network border group AWS
/// lists it under, or one row of the user's labels file.
///
/// The same CIDR often appears as several entries (AMAZON and EC2 and S3); entries are kept as
/// separate values, never merged.
public struct RangeEntry: Sendable, Hashable {
    /// Where an entry came from.
    public enum Origin: Sendable, Hashable {
        /// `prefixes[]` or `ipv6_prefixes[]` of AWS's `ip-ranges.json`.
        case aws
        /// A row of the user's `--labels` CSV.
        case label
    }

    public let prefix: IPPrefix
    /// A region code (`us-east-1`), `GLOBAL`, or `-` for a label without a region.
    public let region: String
    /// The service ("subset" in AWS's words): `AMAZON`, `EC2`, `S3`, ..., or the label's name.
    public let service: String
    /// AWS's network border group; equals `region` for labels.
    public let networkBorderGroup: String
    public let origin: Origin

    public init(prefix: IPPrefix, region: String, service: String, networkBorderGroup: String, origin: Origin) {
        self.prefix = prefix
        self.region = region
        self.service = service
        self.networkBorderGroup = networkBorderGroup
        self.origin = origin
    }

    /// The notebook's label for the entry: `region_service_prefix`, e.g. `af-south-1_EC2_3.2.34.0/26`.
    public var notebookLabel: String { "\(region)_\(service)_\(prefix)" }
}

/// Where a ranges set came from, carried into every report.
public struct RangesProvenance: Sendable, Hashable {
    /// The ranges file's path as given (or the cache path it was resolved to).
    public var path: String
    /// `syncToken`: publication time in Unix seconds, as text.
    public var syncToken: String
    /// `createDate`: `YYYY-MM-DD-hh-mm-ss`, UTC, as text (old files have malformed values; kept as is).
    public var createDate: String
    public var ipv4Entries: Int
    public var ipv6Entries: Int
    /// The `--labels` file, when one was given.
    public var labelsPath: String?
    public var labelEntries: Int

    public init(
        path: String, syncToken: String, createDate: String, ipv4Entries: Int, ipv6Entries: Int,
        labelsPath: String? = nil, labelEntries: Int = 0
    ) {
        self.path = path
        self.syncToken = syncToken
        self.createDate = createDate
        self.ipv4Entries = ipv4Entries
        self.ipv6Entries = ipv6Entries
        self.labelsPath = labelsPath
        self.labelEntries = labelEntries
    }
}

/// Every entry of a ranges file, in file order (`prefixes[]`, then `ipv6_prefixes[]`), followed by
/// the label entries in their file order. An entry's position in `entries` is its identity: match
/// sets list entries by this index, so "file order" is ascending index.
public struct RangeSet: Sendable {
    public private(set) var entries: [RangeEntry]
    public private(set) var provenance: RangesProvenance

    public init(entries: [RangeEntry], provenance: RangesProvenance) {
        self.entries = entries
        self.provenance = provenance
    }

    /// This set with `labels` appended after the AWS entries.
    public func adding(labels: [RangeEntry], from path: String) -> RangeSet {
        var copy = self
        copy.entries += labels
        copy.provenance.labelsPath = path
        copy.provenance.labelEntries = labels.count
        return copy
    }
}
