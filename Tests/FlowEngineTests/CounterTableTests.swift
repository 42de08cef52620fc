import Testing

@testable import FlowEngine

/// The traffic matrix's hash table against a `Dictionary` doing the same sums.
struct CounterTableTests {
    typealias Sums = [UInt64: [UInt64]]

    static func contents(_ table: CounterTable) -> Sums {
        var sums: Sums = [:]
        table.forEach { key, flows, packets, bytes in
            #expect(sums[key] == nil, "key \(key) listed twice")
            sums[key] = [flows, packets, bytes]
        }
        return sums
    }

    /// Adds `(key, packets, bytes)` to both and returns the reference.
    static func fill(_ table: inout CounterTable, _ adds: [(UInt64, UInt64, UInt64)]) -> Sums {
        var reference: Sums = [:]
        for (key, packets, bytes) in adds {
            table.add(key, flows: 1, packets: packets, bytes: bytes)
            let old = reference[key] ?? [0, 0, 0]
            reference[key] = [old[0] + 1, old[1] &+ packets, old[2] &+ bytes]
        }
        return reference
    }

    @Test("random keys, repeated and new, from a table that grows many times", arguments: [1, 7, 300])
    func randomKeys(distinct: Int) {
        var random = SplitMix64(seed: UInt64(distinct))
        let keys = (0..<distinct).map { _ in random.next() >> 1 }  // never UInt64.max
        let adds = (0..<5_000).map { _ in
            (keys[Int(random.next() % UInt64(distinct))], random.next() % 1_000, random.next())
        }
        var table = CounterTable(capacity: 1)
        let reference = Self.fill(&table, adds)
        #expect(Self.contents(table) == reference)
        #expect(table.count == reference.count)
        #expect(table.count * 2 <= table.capacity, "more than half full: \(table.count) of \(table.capacity)")
    }

    @Test("keys that share a slot are kept apart (probes wrap around the end)")
    func collidingKeys() {
        // Multiples of 2^60 differ only in the top four bits; with 32 slots (shift 59) the
        // Fibonacci product's top five bits still separate some, and the rest collide and probe.
        var table = CounterTable(capacity: 16)
        var adds: [(UInt64, UInt64, UInt64)] = [(0, 5, 5), (UInt64.max - 1, 1, 1)]
        for i in 0..<16 { adds += [(UInt64(i) << 60, UInt64(i), 1), (UInt64(i) << 60, 1, 2)] }
        let reference = Self.fill(&table, adds)
        #expect(Self.contents(table) == reference)
        #expect(table.count == 17)
    }

    @Test("merge adds every counter of the other table")
    func mergeAdds() {
        var random = SplitMix64(seed: 9)
        let adds = (0..<3_000).map { _ in (random.next() % 500, random.next() % 100, random.next() % 100_000) }
        var whole = CounterTable()
        let reference = Self.fill(&whole, adds)
        var first = CounterTable(capacity: 4)
        var second = CounterTable(capacity: 4)
        _ = Self.fill(&first, Array(adds[..<1_200]))
        _ = Self.fill(&second, Array(adds[1_200...]))
        first.merge(second)
        #expect(Self.contents(first) == reference)
        #expect(Self.contents(whole) == reference)
    }
}
