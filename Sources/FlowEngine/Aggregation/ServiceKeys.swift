/// The rows a summary counts into: dense ids for (region, service) pairs, and for each address class
/// the key it counts for under `primary` attribution and the keys under `all` attribution.
///
/// Key 0 is `(-, INTERNET)`, key 1 is `(-, PRIVATE)`; then every (region, service) pair of the
/// entries in first-appearance order. Built once per index; immutable and shared.
public struct ServiceKeys: Sendable {
    /// A row's identity.
    public struct Name: Hashable, Sendable, Comparable {
        public let region: String
        public let service: String

        public static func < (a: Name, b: Name) -> Bool { (a.region, a.service) < (b.region, b.service) }
    }

    public let names: [Name]
    /// Per address class: its key under primary attribution.
    let primaryKeyOfClass: [UInt32]
    /// Per entry: its key.
    let keyOfEntry: [UInt32]

    public init(index: PrefixIndex) {
        var names = [Name(region: "-", service: "INTERNET"), Name(region: "-", service: "PRIVATE")]
        var ids: [Name: UInt32] = [names[0]: 0, names[1]: 1]
        var keyOfEntry: [UInt32] = []
        keyOfEntry.reserveCapacity(index.entries.count)
        for entry in index.entries {
            let name = Name(region: entry.region, service: entry.service)
            if let id = ids[name] {
                keyOfEntry.append(id)
            } else {
                let id = UInt32(names.count)
                ids[name] = id
                names.append(name)
                keyOfEntry.append(id)
            }
        }
        self.names = names
        self.keyOfEntry = keyOfEntry
        primaryKeyOfClass = (0..<index.classCount).map { c in
            switch index.primary(AddressClass(rawValue: UInt32(c))) {
            case .internet: 0
            case .privateNetwork: 1
            case .entry(let entry): keyOfEntry[entry]
            }
        }
    }

    /// The key of `addressClass` under primary attribution.
    @inline(__always)
    func primaryKey(_ addressClass: AddressClass) -> UInt32 { primaryKeyOfClass[Int(addressClass.rawValue)] }

    /// The keys of `addressClass` under `all` attribution: one per entry of its match set (an address
    /// inside two entries with the same region and service counts twice in that row, as a range join
    /// over entries would), or the single PRIVATE/INTERNET key.
    func allKeys(_ addressClass: AddressClass, in index: PrefixIndex) -> [UInt32] {
        let members = index.matchSet(addressClass)
        if members.isEmpty { return [primaryKey(addressClass)] }
        return members.map { keyOfEntry[Int($0)] }
    }
}
