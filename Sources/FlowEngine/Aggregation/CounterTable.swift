/// A small open-addressing hash table from `UInt64` keys to (flows, packets, bytes) counters: the
/// traffic matrix's accumulator. Linear probing, power-of-two capacity, at most half full; no
/// allocation per insert except when it grows (rarely: the matrix has a few thousand cells).
///
/// Written here rather than using `Dictionary` to keep hashing and resilience checks off the
/// per-record path. `UInt64.max` marks an empty slot, so it is not a valid key.
struct CounterTable: Sendable {
    private(set) var keys: [UInt64]
    private(set) var values: [UInt64]  // 3 per slot: flows, packets, bytes
    private(set) var count = 0
    private var mask: Int
    /// 64 - log2(capacity): Fibonacci hashing keeps the product's top bits.
    private var shift: UInt64

    static let empty: UInt64 = .max

    init(capacity: Int = 256) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = [UInt64](repeating: Self.empty, count: size)
        values = [UInt64](repeating: 0, count: size * 3)
        mask = size - 1
        shift = UInt64(64 - size.trailingZeroBitCount)
    }

    /// Adds to the counters of `key`.
    /// - Precondition: `key != UInt64.max`.
    @inline(__always)
    mutating func add(_ key: UInt64, flows: UInt64, packets: UInt64, bytes: UInt64) {
        var slot = Self.slot(key, shift)
        while true {
            let present = keys[slot]
            if present == key { break }
            if present == Self.empty {
                if (count + 1) * 2 > keys.count {
                    grow()
                    add(key, flows: flows, packets: packets, bytes: bytes)
                    return
                }
                keys[slot] = key
                count += 1
                break
            }
            slot = (slot + 1) & mask
        }
        values[slot * 3] &+= flows
        values[slot * 3 + 1] &+= packets
        values[slot * 3 + 2] &+= bytes
    }

    /// Every (key, flows, packets, bytes), in no particular order.
    func forEach(_ body: (UInt64, UInt64, UInt64, UInt64) -> Void) {
        for (slot, key) in keys.enumerated() where key != Self.empty {
            body(key, values[slot * 3], values[slot * 3 + 1], values[slot * 3 + 2])
        }
    }

    /// Adds every counter of `other`.
    mutating func merge(_ other: CounterTable) {
        other.forEach { key, flows, packets, bytes in add(key, flows: flows, packets: packets, bytes: bytes) }
    }

    private mutating func grow() {
        let old = self
        self = CounterTable(capacity: keys.count)
        merge(old)
    }

    @inline(__always)
    private static func slot(_ key: UInt64, _ shift: UInt64) -> Int {
        // Fibonacci hashing: multiply by 2^64/phi and take the top bits, which depend on every
        // bit of the key (the low bits of a product depend only on the key's low bits).
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }
}
