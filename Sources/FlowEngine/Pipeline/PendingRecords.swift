/// OK records, held until a batch is full and then classified and counted together.
///
/// Why a batch: each record costs a few reads in tables too large for the core's own caches (the
/// IPv4 table, the per-class counters), and the parse of the next record is long enough that the
/// processor cannot overlap one record's cache misses with the next one's. Looking up a whole batch
/// in one tight loop lets those misses overlap; counting it in a second loop does the same for the
/// counters. Counting is a sum, so the order of records does not matter (`Aggregate`).
///
/// A fixed-size value (no heap): it lives inside the `ChunkScanner` of one task.
struct PendingRecords {
    /// The batch size (the `InlineArray`s below spell it again: their size must be a literal).
    static let capacity = 64

    /// Per record and side: an IPv4 address, or (with `resolvedFlag`) the class of an address
    /// already looked up (IPv6, rare enough to look up at once).
    private var sources = InlineArray<64, UInt64>(repeating: 0)
    private var destinations = InlineArray<64, UInt64>(repeating: 0)
    private var packets = InlineArray<64, UInt64>(repeating: 0)
    private var bytes = InlineArray<64, UInt64>(repeating: 0)
    private var actions = InlineArray<64, UInt8>(repeating: 0)
    /// `PortKey` and the timeline bucket of each record (`DetailCounts`).
    private var portKeys = InlineArray<64, UInt64>(repeating: 0)
    private var buckets = InlineArray<64, UInt32>(repeating: 0)
    /// `InterfaceTable` entry of each record, or -1.
    private var interfaces = InlineArray<64, Int32>(repeating: -1)
    private var sourceClasses = InlineArray<64, AddressClass>(repeating: AddressClass(rawValue: 0))
    private var destinationClasses = InlineArray<64, AddressClass>(repeating: AddressClass(rawValue: 0))
    private(set) var count = 0

    private static let resolvedFlag: UInt64 = 1 << 32

    var isFull: Bool { count == Self.capacity }

    /// Adds a record's addresses, counters and action.
    /// - Precondition: `!isFull`.
    @inline(__always)
    mutating func append(_ record: FlowRecord, interface: Int32, index: PrefixIndex, bucketSeconds: UInt64) {
        interfaces[count] = interface
        sources[count] = Self.key(record.source, index)
        destinations[count] = Self.key(record.destination, index)
        packets[count] = record.packets
        bytes[count] = record.bytes
        actions[count] = UInt8(truncatingIfNeeded: record.action)
        portKeys[count] = PortKey.make(protocol: record.protocolNumber, port: record.dstPort)
        buckets[count] = bucketSeconds == 0 ? DetailCounts.noBucket : TimelineKey.bucket(of: record.start, width: bucketSeconds)
        count += 1
    }

    /// Classifies and counts every pending record into `aggregate`, and empties the batch.
    /// - Parameter countsTimeline: whether timeline cells are counted (`--timeline`).
    mutating func flush(into aggregate: inout Aggregate, index: PrefixIndex, keys: ServiceKeys, countsTimeline: Bool) {
        var high: UInt64 = 0
        for i in 0..<count {
            sourceClasses[i] = Self.addressClass(sources[i], index)
            destinationClasses[i] = Self.addressClass(destinations[i], index)
            high |= packets[i] | bytes[i]
        }
        guard aggregate.mayAddUnchecked(count: count, high: high) else {
            flushChecked(into: &aggregate, keys: keys, countsTimeline: countsTimeline)
            return
        }
        aggregate.fastRecords &+= UInt64(count)
        for i in 0..<count {
            let sourceClass = sourceClasses[i]
            let destinationClass = destinationClasses[i]
            let sourceRow = keys.primaryKey(sourceClass)
            let destinationRow = keys.primaryKey(destinationClass)
            let pathKey = PathKey.make(source: sourceRow, destination: destinationRow, action: UInt64(actions[i]))
            aggregate.add(
                source: sourceClass, destination: destinationClass, pathKey: pathKey, packets: packets[i],
                bytes: bytes[i])
            aggregate.addDetails(
                portKey: portKeys[i], interface: interfaces[i], bucket: buckets[i], sourceRow: sourceRow,
                destinationRow: destinationRow, packets: packets[i], bytes: bytes[i], action: UInt64(actions[i]),
                countsTimeline: countsTimeline)
        }
        count = 0
    }

    /// The batch with saturating adds (a counter of 2^32 or more, or a checked aggregate).
    @inline(never)
    private mutating func flushChecked(into aggregate: inout Aggregate, keys: ServiceKeys, countsTimeline: Bool) {
        for i in 0..<count {
            let sourceRow = keys.primaryKey(sourceClasses[i])
            let destinationRow = keys.primaryKey(destinationClasses[i])
            let pathKey = PathKey.make(source: sourceRow, destination: destinationRow, action: UInt64(actions[i]))
            aggregate.addChecked(
                source: sourceClasses[i], destination: destinationClasses[i], pathKey: pathKey, packets: packets[i],
                bytes: bytes[i])
            aggregate.addDetailsChecked(
                portKey: portKeys[i], interface: interfaces[i], bucket: buckets[i], sourceRow: sourceRow,
                destinationRow: destinationRow, packets: packets[i], bytes: bytes[i], action: UInt64(actions[i]),
                countsTimeline: countsTimeline)
        }
        count = 0
    }

    @inline(__always)
    private static func key(_ address: IPAddress, _ index: PrefixIndex) -> UInt64 {
        switch address {
        case .v4(let value): UInt64(value)
        case .v6: resolvedFlag | UInt64(index.addressClass(of: address).rawValue)
        }
    }

    @inline(__always)
    private static func addressClass(_ key: UInt64, _ index: PrefixIndex) -> AddressClass {
        key & resolvedFlag == 0
            ? index.addressClass(ipv4: UInt32(truncatingIfNeeded: key))
            : AddressClass(rawValue: UInt32(truncatingIfNeeded: key))
    }
}
