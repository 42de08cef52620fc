/// Answers "which entries contain this address" for IPv4 and IPv6: immutable once built, `Sendable`,
/// shared by every task without locks.
///
/// **Structure.** All prefixes of a family (entries and private networks) are flattened into
/// disjoint intervals (`IntervalSweep`); each interval carries an `AddressClass`, the interned set of
/// entries that contain it. A lookup finds the class; match set and primary attribution are then
/// small per-class tables computed at build time.
///
/// - IPv4 lookups go through a three-level direct table on 16, 8 and 8 bits of the address
///   (`IPv4Table`): one to three array reads, no search, no branch on prefix lengths.
/// - IPv6 lookups binary-search the interval starts (about 6,000 on the real snapshot: 13 steps).
///   IPv6 is a small share of real flow logs; a table can follow if a benchmark asks for it.
///
/// Deliberately absent: mutation (build a new index instead), and per-lookup allocation or
/// reference counting.
public struct PrefixIndex: Sendable {
    /// The entries, in file order; `Attribution.entry(i)` and match sets index into this.
    public let ranges: RangeSet
    public var entries: [RangeEntry] { ranges.entries }

    let ipv4: IntervalSweep<UInt32>
    let ipv6: IntervalSweep<UInt128>
    @usableFromInline let ipv4Table: IPv4Table
    /// Match set of class `c`: `matchEntries[matchStart[c] ..< matchStart[c + 1]]`, ascending.
    let matchStart: [UInt32]
    let matchEntries: [UInt32]
    /// Primary attribution of class `c`: an entry index, or -1 internet, -2 private.
    let primaryEntry: [Int32]

    /// Builds the index.
    /// - Complexity: O(n log n) in the number of entries; the real snapshot takes a few milliseconds.
    public init(_ ranges: RangeSet) {
        self.ranges = ranges
        var classIDs: [ClassKey: AddressClass] = [
            ClassKey(entries: [], isPrivate: false): .internet, ClassKey(entries: [], isPrivate: true): .privateNetwork,
        ]
        // About one class per entry in AWS's files (11,014 for 16,828 entries): growing the
        // dictionary from empty rehashed every key a dozen times.
        classIDs.reserveCapacity(ranges.entries.count)
        var matchStart: [UInt32] = [0, 0, 0]
        var matchEntries: [UInt32] = []
        let intern = { (entries: [UInt32], isPrivate: Bool) -> AddressClass in
            let key = ClassKey(entries: entries, isPrivate: entries.isEmpty && isPrivate)
            if let known = classIDs[key] { return known }
            let id = AddressClass(rawValue: UInt32(classIDs.count))
            classIDs[key] = id
            matchEntries += entries
            matchStart.append(UInt32(matchEntries.count))
            return id
        }
        var v4: [IntervalSweep<UInt32>.Block] = []
        var v6: [IntervalSweep<UInt128>.Block] = []
        for (index, entry) in ranges.entries.enumerated() {
            switch (entry.prefix.first, entry.prefix.last) {
            case (.v4(let first), .v4(let last)): v4.append(.init(first: first, last: last, entry: UInt32(index)))
            case (.v6(let first), .v6(let last)): v6.append(.init(first: first, last: last, entry: UInt32(index)))
            default: preconditionFailure("prefix with mixed families")
            }
        }
        for prefix in PrivateNetworks.prefixes {
            switch (prefix.first, prefix.last) {
            case (.v4(let first), .v4(let last)): v4.append(.init(first: first, last: last, entry: nil))
            case (.v6(let first), .v6(let last)): v6.append(.init(first: first, last: last, entry: nil))
            default: preconditionFailure("prefix with mixed families")
            }
        }
        ipv4 = IntervalSweep(v4, intern: intern)
        ipv6 = IntervalSweep(v6, intern: intern)
        ipv4Table = IPv4Table(ipv4)
        self.matchStart = matchStart
        self.matchEntries = matchEntries
        primaryEntry = (0..<(matchStart.count - 1)).map { c in
            switch c {
            case 0: return -1
            case 1: return -2
            default:
                let members = matchEntries[Int(matchStart[c])..<Int(matchStart[c + 1])]
                return Int32(Self.primary(of: members, in: ranges.entries))
            }
        }
        #if DEBUG
            checkInvariants()
        #endif
    }

    /// The number of distinct address classes (at least 2: internet and private).
    public var classCount: Int { primaryEntry.count }

    /// The class of an address. IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`) are looked up as their
    /// IPv4 address.
    @inlinable
    public func addressClass(of address: IPAddress) -> AddressClass {
        switch address {
        case .v4(let value): return addressClass(ipv4: value)
        case .v6(let value):
            if value >> 32 == 0xffff { return addressClass(ipv4: UInt32(truncatingIfNeeded: value)) }
            return addressClass(ipv6: value)
        }
    }

    /// The class of an IPv4 address.
    /// - Complexity: O(1): at most three array reads.
    @inlinable
    public func addressClass(ipv4 address: UInt32) -> AddressClass { ipv4Table.lookup(address) }

    /// The class of an IPv6 address.
    /// - Complexity: O(log n) in the number of IPv6 intervals.
    public func addressClass(ipv6 address: UInt128) -> AddressClass { ipv6.lookup(address) }

    /// Indices of every entry that contains addresses of class `c`, in file order.
    public func matchSet(_ c: AddressClass) -> ArraySlice<UInt32> {
        matchEntries[Int(matchStart[Int(c.rawValue)])..<Int(matchStart[Int(c.rawValue) + 1])]
    }

    /// Who addresses of class `c` are counted for under `primary` attribution.
    public func primary(_ c: AddressClass) -> Attribution {
        let entry = primaryEntry[Int(c.rawValue)]
        switch entry {
        case -1: return .internet
        case -2: return .privateNetwork
        default: return .entry(Int(entry))
        }
    }

    /// Indices of every entry that contains `address`, in file order.
    public func matchSet(of address: IPAddress) -> ArraySlice<UInt32> { matchSet(addressClass(of: address)) }

    /// The primary attribution of `address`.
    public func primary(of address: IPAddress) -> Attribution { primary(addressClass(of: address)) }

    /// The primary rule (README, Decisions): the longest matching prefix; among the entries of that CIDR a service other
    /// than AMAZON and EC2, then EC2, then AMAZON; then file order.
    static func primary(of members: ArraySlice<UInt32>, in entries: [RangeEntry]) -> Int {
        func rank(_ service: String) -> Int {
            switch service {
            case "AMAZON": return 2
            case "EC2": return 1
            default: return 0
            }
        }
        var best = Int(members.first!)
        for member in members.dropFirst() {
            let candidate = entries[Int(member)]
            let current = entries[best]
            if candidate.prefix.length > current.prefix.length
                || (candidate.prefix.length == current.prefix.length && rank(candidate.service) < rank(current.service))
            {
                best = Int(member)
            }
        }
        return best
    }
}

/// The identity of a class while the index is built.
struct ClassKey: Hashable {
    var entries: [UInt32]
    var isPrivate: Bool
}
