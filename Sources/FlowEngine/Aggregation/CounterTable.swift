/// A small open-addressing hash table from `UInt64` keys to (flows, packets, bytes) counters: the
/// traffic matrix's accumulator. Linear probing, power-of-two capacity, at most half full; no
/// allocation per insert except when it grows (rarely: the matrix has a few thousand cells).
///
/// Written here rather than using `Dictionary` to keep hashing and resilience checks off the
/// per-record path. `UInt64.max` marks an empty slot, so it is not a valid key.
///
/// A slot is four words in one array, key then counters: a record's add touches one cache line
/// and one array (one uniqueness check), not a key array and a counter array. The per-record
/// `add` is inlined into its caller; only a new key (`claim`) leaves it.
struct CounterTable: Sendable {
    /// `[slot * 4]` the key (or `empty`), then flows, packets, bytes.
    private var slots: [UInt64]
    private(set) var count = 0
    /// The slots that hold a key, in the order they were claimed: `drain()` visits only these, so
    /// emptying a table that once grew large costs what it holds now, not its capacity.
    private var used: [Int32] = []
    private var mask: Int
    /// 64 - log2(capacity): Fibonacci hashing keeps the product's top bits.
    private var shift: UInt64

    static let empty: UInt64 = .max

    init(capacity: Int = 256) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [UInt64](repeating: 0, count: size * 4)
        for slot in 0..<size { slots[slot * 4] = Self.empty }
        mask = size - 1
        shift = UInt64(64 - size.trailingZeroBitCount)
    }

    /// The number of slots.
    var capacity: Int { mask + 1 }

    /// Adds to the counters of `key`.
    /// - Precondition: `key != UInt64.max`.
    ///
    /// Wrapping: the caller proves that no sum can pass 2^64 - 1 (`Aggregate`'s fast path), or
    /// calls `addSaturating`.
    @inline(__always)
    mutating func add(_ key: UInt64, flows: UInt64, packets: UInt64, bytes: UInt64) {
        let slot = find(key)
        slots[slot &* 4 &+ 1] &+= flows
        slots[slot &* 4 &+ 2] &+= packets
        slots[slot &* 4 &+ 3] &+= bytes
    }

    /// Adds to the counters of `key`, stopping each at 2^64 - 1; returns whether one stopped.
    mutating func addSaturating(_ key: UInt64, flows: UInt64, packets: UInt64, bytes: UInt64) -> Bool {
        let slot = find(key)
        var saturated = false
        slots[slot * 4 + 1] = Saturating.add(slots[slot * 4 + 1], flows, &saturated)
        slots[slot * 4 + 2] = Saturating.add(slots[slot * 4 + 2], packets, &saturated)
        slots[slot * 4 + 3] = Saturating.add(slots[slot * 4 + 3], bytes, &saturated)
        return saturated
    }

    /// The slot of `key`, claimed (zero counters) if it is new.
    @inline(__always)
    private mutating func find(_ key: UInt64) -> Int {
        var slot = Self.slot(key, shift)
        while true {
            let present = slots[slot &* 4]
            if present == key { return slot }
            if present == Self.empty { return claim(slot, for: key) }
            slot = (slot &+ 1) & mask
        }
    }

    /// Every (key, flows, packets, bytes), in no particular order.
    func forEach(_ body: (UInt64, UInt64, UInt64, UInt64) -> Void) {
        for slot in 0..<capacity where slots[slot * 4] != Self.empty {
            body(slots[slot * 4], slots[slot * 4 + 1], slots[slot * 4 + 2], slots[slot * 4 + 3])
        }
    }

    /// Every cell as four words (key, flows, packets, bytes), in claim order; leaves the table empty
    /// with its capacity kept.
    mutating func drain() -> [UInt64] {
        var cells: [UInt64] = []
        cells.reserveCapacity(used.count * 4)
        for slot in used {
            let i = Int(slot) * 4
            cells.append(slots[i])
            cells.append(slots[i + 1])
            cells.append(slots[i + 2])
            cells.append(slots[i + 3])
            slots[i] = Self.empty
            slots[i + 1] = 0
            slots[i + 2] = 0
            slots[i + 3] = 0
        }
        used.removeAll(keepingCapacity: true)
        count = 0
        return cells
    }

    /// Adds every counter of `other`, saturating; returns whether a counter stopped at 2^64 - 1.
    @discardableResult
    mutating func merge(_ other: CounterTable) -> Bool {
        var saturated = false
        other.forEach { key, flows, packets, bytes in
            if addSaturating(key, flows: flows, packets: packets, bytes: bytes) { saturated = true }
        }
        return saturated
    }

    /// Makes the empty `slot`, the end of `key`'s probe, hold `key` (zero counters), growing the
    /// table first when it would be more than half full; returns the slot that holds it.
    @inline(never)
    private mutating func claim(_ slot: Int, for key: UInt64) -> Int {
        var slot = slot
        if (count + 1) * 2 > capacity {
            let old = self
            self = CounterTable(capacity: capacity)
            merge(old)
            // `key` is not in the table: its probe ends at the first empty slot.
            slot = Self.slot(key, shift)
            while slots[slot * 4] != Self.empty { slot = (slot + 1) & mask }
        }
        slots[slot * 4] = key
        count += 1
        used.append(Int32(truncatingIfNeeded: slot))
        return slot
    }

    @inline(__always)
    private static func slot(_ key: UInt64, _ shift: UInt64) -> Int {
        // Fibonacci hashing: multiply by 2^64/phi and take the top bits, which depend on every
        // bit of the key (the low bits of a product depend only on the key's low bits).
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }
}
