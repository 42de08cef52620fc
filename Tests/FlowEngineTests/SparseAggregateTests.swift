import Testing

@testable import FlowEngine

/// A task counts into one reused scratch aggregate and hands on only what it touched
/// (`Aggregate.takeSparse()`). Held here to the naive form: a fresh dense aggregate per item, merged
/// densely. Same totals, same cells, same saturation, and the scratch is empty after every extract.
struct SparseAggregateTests {
    struct Record {
        var source: UInt32
        var destination: UInt32
        var key: UInt64
        var packets: UInt64
        var bytes: UInt64
    }

    /// Counts `records` into `aggregate` the way `PendingRecords.flush` does: wrapping adds while
    /// they cannot wrap, saturating adds otherwise.
    static func count(_ records: [Record], into aggregate: inout Aggregate) {
        for r in records {
            let source = AddressClass(rawValue: r.source)
            let destination = AddressClass(rawValue: r.destination)
            if aggregate.mayAddUnchecked(count: 1, high: r.packets | r.bytes) {
                aggregate.fastRecords &+= 1
                aggregate.add(source: source, destination: destination, pathKey: r.key, packets: r.packets, bytes: r.bytes)
            } else {
                aggregate.addChecked(source: source, destination: destination, pathKey: r.key, packets: r.packets, bytes: r.bytes)
            }
            aggregate.records.ok += 1
            aggregate.records.dataLines += 1
            aggregate.firstStart = min(aggregate.firstStart, r.packets)
            aggregate.lastEnd = max(aggregate.lastEnd, r.bytes)
        }
    }

    static func items(seed: UInt64, classCount: Int, huge: Bool) -> [[Record]] {
        var numbers = SplitMix64(seed: seed)
        func below(_ n: Int) -> Int { Int.random(in: 0..<n, using: &numbers) }
        return (0..<40).map { item in
            // Item sizes from empty to a few thousand records, so the traffic-matrix table grows
            // in some items and is drained small in the next.
            let size = [0, 1, 3, 50, 3_000][item % 5]
            return (0..<size).map { _ in
                let big = huge && below(7) == 0
                return Record(
                    source: UInt32(below(classCount)), destination: UInt32(below(classCount)),
                    key: UInt64(below(item % 5 == 4 ? 2_000 : 20)),
                    packets: big ? UInt64.max - UInt64(below(3)) : UInt64(below(1_000)),
                    bytes: big ? (1 << 63) + UInt64(below(5)) : UInt64(below(100_000)))
            }
        }
    }

    @Test("sparse extracts of a reused scratch merge to what fresh dense aggregates merge to", arguments: [false, true])
    func sparseEqualsDense(_ huge: Bool) {
        let classCount = 300
        for seed in UInt64(1)...6 {
            let items = Self.items(seed: seed, classCount: classCount, huge: huge)
            var dense = Aggregate.empty(classCount: classCount)
            var sparse = Aggregate.empty(classCount: classCount)
            var scratch = Aggregate.empty(classCount: classCount)
            for records in items {
                var fresh = Aggregate.empty(classCount: classCount)
                Self.count(records, into: &fresh)
                dense.merge(fresh)

                Self.count(records, into: &scratch)
                let extract = scratch.takeSparse()
                #expect(scratch == Aggregate.empty(classCount: classCount), "the scratch is empty after an extract")
                #expect(!scratch.checked && scratch.fastRecords == 0)
                // Only what the item touched: at most two (side, class) slots and one cell per record.
                #expect(extract.classSlots.count <= 2 * records.count)
                #expect(extract.paths.count <= 4 * records.count)
                sparse.merge(extract)
            }
            #expect(sparse == dense, "seed \(seed)")
            #expect(sparse.saturated == dense.saturated)
            if huge { #expect(dense.saturated, "the huge case reaches the ceiling") }
        }
    }

    @Test("a merged aggregate refuses a sparse extract (its touched list is no longer complete)")
    func mergedIsNotExtractable() {
        var aggregate = Aggregate.empty(classCount: 4)
        #expect(aggregate.touchedIsExact)
        aggregate.merge(Aggregate.empty(classCount: 4))
        #expect(!aggregate.touchedIsExact)
    }
}
