/// What changed between two ranges files: entries added and removed, compared as whole
/// (prefix, region, service, network border group) tuples, each counted as often as it appears.
public struct RangesDiff: Sendable {
    public let added: [RangeEntry]
    public let removed: [RangeEntry]

    /// Counts per (service, region), sorted by service then region.
    public struct Row: Sendable, Equatable {
        public let service: String
        public let region: String
        public let added: Int
        public let removed: Int
    }

    /// - Complexity: O(n) expected, in the number of entries of both sets.
    public init(old: RangeSet, new: RangeSet) {
        var remaining: [RangeEntry: Int] = [:]
        for entry in old.entries { remaining[entry, default: 0] += 1 }
        var added: [RangeEntry] = []
        for entry in new.entries {
            if let count = remaining[entry], count > 0 {
                remaining[entry] = count - 1
            } else {
                added.append(entry)
            }
        }
        var removed: [RangeEntry] = []
        var leftToRemove = remaining
        for entry in old.entries {
            if let count = leftToRemove[entry], count > 0 {
                removed.append(entry)
                leftToRemove[entry] = count - 1
            }
        }
        self.added = added
        self.removed = removed
    }

    public var isEmpty: Bool { added.isEmpty && removed.isEmpty }

    /// Added and removed counts per (service, region).
    public var rows: [Row] {
        struct Key: Hashable {
            var service: String
            var region: String
        }
        var counts: [Key: (added: Int, removed: Int)] = [:]
        for entry in added { counts[Key(service: entry.service, region: entry.region), default: (0, 0)].added += 1 }
        for entry in removed {
            counts[Key(service: entry.service, region: entry.region), default: (0, 0)].removed += 1
        }
        return counts.map { Row(service: $0.key.service, region: $0.key.region, added: $0.value.added, removed: $0.value.removed) }
            .sorted { ($0.service, $0.region) < ($1.service, $1.region) }
    }

    /// Added and removed counts per service, sorted by service.
    public var serviceRows: [Row] {
        var counts: [String: (added: Int, removed: Int)] = [:]
        for row in rows {
            counts[row.service, default: (0, 0)].added += row.added
            counts[row.service, default: (0, 0)].removed += row.removed
        }
        return counts.map { Row(service: $0.key, region: "*", added: $0.value.added, removed: $0.value.removed) }
            .sorted { $0.service < $1.service }
    }
}
