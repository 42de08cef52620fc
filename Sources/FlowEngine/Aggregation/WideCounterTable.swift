/// `CounterTable` with any number of counters per key: an open-addressing hash table from `UInt64`
/// keys to `width` counters (the ports table's four, the timeline's three). Linear probing,
/// power-of-two capacity, at most half full, Fibonacci hashing; `UInt64.max` marks an empty slot,
/// so it is not a valid key. A slot is `1 + width` words in one array: an add touches one or two
/// cache lines and one array.
///
/// The per-record `add` is inlined; only a new key (`claim`) leaves it. `drain()` empties the table
/// at the cost of what it holds, not of its capacity (the slots used are listed), so a task's scratch
/// is reused across thousands of small files.
struct WideCounterTable: Sendable {
    /// `[slot * stride]` the key (or `empty`), then `width` counters.
    private var slots: [UInt64]
    let width: Int
    private let stride: Int
    private(set) var count = 0
    private var used: [Int32] = []
    private var mask: Int
    private var shift: UInt64

    static let empty: UInt64 = .max

    init(width: Int, capacity: Int = 16) {
        precondition(width >= 1 && width <= 8, "1 to 8 counters per key")
        self.width = width
        stride = width + 1
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [UInt64](repeating: 0, count: size * (width + 1))
        for slot in 0..<size { slots[slot * (width + 1)] = Self.empty }
        mask = size - 1
        shift = UInt64(64 - size.trailingZeroBitCount)
    }

    var capacity: Int { mask + 1 }
    var isEmpty: Bool { count == 0 }

    /// Adds `value` to counter `field` (0..<width) of `key`, wrapping: the caller proves no sum
    /// passes 2^64 - 1 (as `Aggregate`'s fast path does), or calls `addSaturating`.
    /// - Returns: the slot, for further adds to the same key (`add(slot:field:_:)`).
    @inline(__always)
    @discardableResult
    mutating func add(_ key: UInt64, field: Int, _ value: UInt64) -> Int {
        let slot = find(key)
        slots[slot &* stride &+ 1 &+ field] &+= value
        return slot
    }

    /// Adds `a`, `b`, `c` (and `d`, for a width of 4) to `key`'s first counters, wrapping.
    @inline(__always)
    mutating func add(_ key: UInt64, _ a: UInt64, _ b: UInt64, _ c: UInt64, _ d: UInt64 = 0) {
        let base = find(key) &* stride &+ 1
        slots[base] &+= a
        slots[base &+ 1] &+= b
        slots[base &+ 2] &+= c
        if width > 3 { slots[base &+ 3] &+= d }
    }

    /// Adds to another counter of a slot `add` returned (no insert since).
    @inline(__always)
    mutating func add(slot: Int, field: Int, _ value: UInt64) {
        slots[slot &* stride &+ 1 &+ field] &+= value
    }

    /// Adds `values` (at most `width`; missing ones are 0) to `key`'s counters, stopping each at
    /// 2^64 - 1; returns whether one stopped.
    mutating func addSaturating(_ key: UInt64, _ values: Counts) -> Bool {
        let slot = find(key)
        var stopped = false
        let base = slot * stride + 1
        for field in 0..<min(width, values.count) {
            slots[base + field] = Saturating.add(slots[base + field], values[field], &stopped)
        }
        return stopped
    }

    /// Up to eight counters, by value (no allocation).
    struct Counts {
        var storage = InlineArray<8, UInt64>(repeating: 0)
        var count = 0
        subscript(_ i: Int) -> UInt64 { storage[i] }
        init(_ values: UInt64...) {
            for (i, value) in values.enumerated() { storage[i] = value }
            count = values.count
        }
        init(cells: [UInt64], at start: Int, count: Int) {
            for i in 0..<count { storage[i] = cells[start + i] }
            self.count = count
        }
    }

    /// The counters of `key`, or nil when it holds none.
    func counters(of key: UInt64) -> [UInt64]? {
        var slot = Self.slot(key, shift)
        while true {
            let present = slots[slot * stride]
            if present == key { return Array(slots[(slot * stride + 1)..<(slot * stride + stride)]) }
            if present == Self.empty { return nil }
            slot = (slot + 1) & mask
        }
    }

    /// Every (key, counters), in no particular order.
    func forEach(_ body: (UInt64, ArraySlice<UInt64>) -> Void) {
        for slot in used {
            let i = Int(slot) * stride
            body(slots[i], slots[(i + 1)..<(i + stride)])
        }
    }

    /// Every cell as `1 + width` words (key, counters), in claim order; leaves the table empty with
    /// its capacity kept.
    mutating func drain() -> [UInt64] {
        var cells: [UInt64] = []
        cells.reserveCapacity(used.count * stride)
        for slot in used {
            let i = Int(slot) * stride
            for j in 0..<stride { cells.append(slots[i + j]) }
            slots[i] = Self.empty
            for j in 1..<stride { slots[i + j] = 0 }
        }
        used.removeAll(keepingCapacity: true)
        count = 0
        return cells
    }

    /// Adds cells in `drain()`'s form, saturating; returns whether a counter stopped at 2^64 - 1.
    mutating func merge(cells: [UInt64]) -> Bool {
        precondition(cells.count % stride == 0, "cells of another width")
        var stopped = false
        var i = 0
        while i < cells.count {
            let base = find(cells[i]) &* stride &+ 1
            for field in 0..<width {
                slots[base &+ field] = Saturating.add(slots[base &+ field], cells[i &+ 1 &+ field], &stopped)
            }
            i &+= stride
        }
        return stopped
    }

    /// Adds every counter of `other`, saturating; returns whether a counter stopped at 2^64 - 1.
    mutating func merge(_ other: WideCounterTable) -> Bool {
        precondition(width == other.width, "tables of different widths")
        var stopped = false
        other.forEach { key, values in
            let slot = find(key)
            let base = slot * stride + 1
            for (field, value) in values.enumerated() {
                slots[base + field] = Saturating.add(slots[base + field], value, &stopped)
            }
        }
        return stopped
    }

    @inline(__always)
    private mutating func find(_ key: UInt64) -> Int {
        var slot = Self.slot(key, shift)
        while true {
            let present = slots[slot &* stride]
            if present == key { return slot }
            if present == Self.empty { return claim(slot, for: key) }
            slot = (slot &+ 1) & mask
        }
    }

    /// Makes the empty `slot`, the end of `key`'s probe, hold `key` (zero counters), growing the
    /// table first when it would be more than half full; returns the slot that holds it.
    @inline(never)
    private mutating func claim(_ slot: Int, for key: UInt64) -> Int {
        precondition(key != Self.empty, "UInt64.max is the empty marker, not a key")
        var slot = slot
        if (count + 1) * 2 > capacity {
            let old = self
            self = WideCounterTable(width: width, capacity: capacity)
            _ = merge(old)
            slot = Self.slot(key, shift)
            while slots[slot * stride] != Self.empty { slot = (slot + 1) & mask }
        }
        slots[slot * stride] = key
        count += 1
        used.append(Int32(truncatingIfNeeded: slot))
        return slot
    }

    @inline(__always)
    private static func slot(_ key: UInt64, _ shift: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }
}
