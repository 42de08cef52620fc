/// Counters per `interface-id`, keyed by the field's bytes (no `String`, no allocation per record).
/// Five counters per interface: flows, packets, bytes, accepted flows, rejected flows.
///
/// An id of up to 24 bytes (AWS's are 12 or 21: `eni-` and 8 or 17 hex digits) is its key packed
/// into three words, zero-padded, plus its length: hashed and compared as four words, read from the
/// line eight bytes at a time. A longer one (no AWS id is) keeps its bytes in an arena and is hashed
/// and compared byte by byte. Either way the key is the exact bytes: two ids never share a row.
struct InterfaceTable: Sendable, Equatable {
    static let width = 5
    /// Per entry: four words. Up to 24 bytes: the bytes (little-endian, zero-padded), then the
    /// length. Longer: the arena offset, the hash, 0, then the length.
    private var keys: [UInt64] = []
    /// The bytes of ids longer than `packedLimit`.
    private var arena: [UInt8] = []
    private(set) var counters: [UInt64] = []
    /// Entry index + 1 per slot (0: empty); power-of-two size, at most half full.
    private var slots: [Int32] = [Int32](repeating: 0, count: 16)
    private var hashes: [UInt64] = []

    static let packedLimit = 24

    var count: Int { hashes.count }
    var isEmpty: Bool { hashes.isEmpty }

    /// The bytes of entry `i`'s id.
    func name(_ i: Int) -> [UInt8] {
        let length = Int(keys[i * 4 + 3])
        if length > Self.packedLimit {
            let start = Int(keys[i * 4])
            return Array(arena[start..<(start + length)])
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(length)
        for j in 0..<length { bytes.append(UInt8(truncatingIfNeeded: keys[i * 4 + j / 8] >> (8 * UInt64(j % 8)))) }
        return bytes
    }

    /// The entry of the interface named by `bytes[range]` (not empty), made if new: for `add(entry:...)`.
    @inline(__always)
    mutating func entry(_ bytes: Span<UInt8>, _ range: Range<Int>) -> Int32 { Int32(truncatingIfNeeded: find(bytes, range)) }

    /// Adds one record to `entry`, wrapping: the caller proves no sum can pass 2^64 - 1 (as for
    /// `Aggregate.add`). `action`: 0 ACCEPT, 1 REJECT, 2 absent.
    @inline(__always)
    mutating func add(entry: Int32, packets: UInt64, bytes octets: UInt64, action: UInt64) {
        let base = Int(entry) &* Self.width
        counters[base] &+= 1
        counters[base &+ 1] &+= packets
        counters[base &+ 2] &+= octets
        counters[base &+ 3] &+= action == 0 ? 1 : 0
        counters[base &+ 4] &+= action == 1 ? 1 : 0
    }

    /// `add(entry:...)` stopping each sum at 2^64 - 1; returns whether one stopped.
    mutating func addSaturating(entry: Int32, packets: UInt64, bytes octets: UInt64, action: UInt64) -> Bool {
        let base = Int(entry) &* Self.width
        var stopped = false
        counters[base] = Saturating.add(counters[base], 1, &stopped)
        counters[base &+ 1] = Saturating.add(counters[base &+ 1], packets, &stopped)
        counters[base &+ 2] = Saturating.add(counters[base &+ 2], octets, &stopped)
        if action < 2 {
            let field = base &+ 3 &+ Int(action)
            counters[field] = Saturating.add(counters[field], 1, &stopped)
        }
        return stopped
    }

    /// Adds one record to the interface named by `bytes[range]`, saturating (tests).
    mutating func add(_ bytes: Span<UInt8>, _ range: Range<Int>, packets: UInt64, bytes octets: UInt64, action: UInt64) -> Bool {
        addSaturating(entry: entry(bytes, range), packets: packets, bytes: octets, action: action)
    }

    /// Adds every interface of `other`, saturating; returns whether a counter stopped.
    mutating func merge(_ other: InterfaceTable) -> Bool {
        var stopped = false
        for i in 0..<other.count {
            let name = other.name(i)
            let entry = find(name.span, 0..<name.count)
            for field in 0..<Self.width {
                counters[entry * Self.width + field] = Saturating.add(
                    counters[entry * Self.width + field], other.counters[i * Self.width + field], &stopped)
            }
        }
        return stopped
    }

    /// Empties the table, its storage kept for the next item; returns what it held.
    mutating func drain() -> InterfaceTable {
        let held = self
        keys.removeAll(keepingCapacity: true)
        arena.removeAll(keepingCapacity: true)
        counters.removeAll(keepingCapacity: true)
        hashes.removeAll(keepingCapacity: true)
        for i in slots.indices { slots[i] = 0 }
        return held
    }

    static func == (a: InterfaceTable, b: InterfaceTable) -> Bool { a.byName == b.byName }

    /// Name → counters, for tests and comparisons.
    var byName: [[UInt8]: [UInt64]] {
        var result: [[UInt8]: [UInt64]] = [:]
        for i in 0..<count { result[name(i)] = Array(counters[(i * Self.width)..<((i + 1) * Self.width)]) }
        return result
    }

    /// The entry of `bytes[range]`, made (zero counters) if new.
    @inline(__always)
    private mutating func find(_ bytes: Span<UInt8>, _ range: Range<Int>) -> Int {
        let length = range.count
        guard length <= Self.packedLimit else { return findLong(bytes, range) }
        let (w0, w1, w2) = Self.packed(bytes, range)
        let hash = Self.mix(w0 &+ Self.rotate(w1, 21) &+ Self.rotate(w2, 42) &+ UInt64(length))
        let mask = slots.count &- 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let held = Int(slots[slot])
            if held == 0 { break }
            let entry = held &- 1
            let k = entry &* 4
            if hashes[entry] == hash, keys[k] == w0, keys[k &+ 1] == w1, keys[k &+ 2] == w2, keys[k &+ 3] == UInt64(length) {
                return entry
            }
            slot = (slot &+ 1) & mask
        }
        return insert(at: slot, hash: hash, key: (w0, w1, w2, UInt64(length)))
    }

    /// Up to 24 bytes as three little-endian words, zero-padded: whole-word reads where the span
    /// has 24 bytes from the field's start, else byte by byte.
    @inline(__always)
    private static func packed(_ bytes: Span<UInt8>, _ range: Range<Int>) -> (UInt64, UInt64, UInt64) {
        let start = range.lowerBound
        let length = range.count
        var words: (UInt64, UInt64, UInt64)
        if start &+ 24 <= bytes.count {
            words = (bytes.word(at: start), bytes.word(at: start &+ 8), bytes.word(at: start &+ 16))
        } else {
            var w: InlineArray<3, UInt64> = [0, 0, 0]
            for j in 0..<length { w[j / 8] |= UInt64(bytes[start + j]) << (8 * UInt64(j % 8)) }
            return (w[0], w[1], w[2])
        }
        words.0 &= mask(length)
        words.1 &= mask(length &- 8)
        words.2 &= mask(length &- 16)
        return words
    }

    /// The low `n` bytes of a word (none for n <= 0, all for n >= 8).
    @inline(__always)
    private static func mask(_ n: Int) -> UInt64 {
        n >= 8 ? .max : n <= 0 ? 0 : (1 &<< UInt64(8 &* n)) &- 1
    }

    @inline(__always)
    private static func rotate(_ x: UInt64, _ by: UInt64) -> UInt64 { x << by | x >> (64 - by) }

    @inline(__always)
    private static func mix(_ x: UInt64) -> UInt64 {
        let m = (x ^ (x >> 31)) &* 0x9E37_79B9_7F4A_7C15
        return m ^ (m >> 29)
    }

    @inline(never)
    private mutating func findLong(_ bytes: Span<UInt8>, _ range: Range<Int>) -> Int {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for i in range { h = (h ^ UInt64(bytes[i])) &* 0x0000_0100_0000_01B3 }
        let hash = Self.mix(h)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        search: while true {
            let held = Int(slots[slot])
            if held == 0 { break }
            let entry = held - 1
            if hashes[entry] == hash, keys[entry * 4 + 3] == UInt64(range.count) {
                let start = Int(keys[entry * 4])
                var j = start
                for i in range {
                    if arena[j] != bytes[i] {
                        slot = (slot + 1) & mask
                        continue search
                    }
                    j += 1
                }
                return entry
            }
            slot = (slot + 1) & mask
        }
        let start = arena.count
        for i in range { arena.append(bytes[i]) }
        return insert(at: slot, hash: hash, key: (UInt64(start), hash, 0, UInt64(range.count)))
    }

    /// A new entry for `key` at the empty `slot` of its probe.
    @inline(never)
    private mutating func insert(at slot: Int, hash: UInt64, key: (UInt64, UInt64, UInt64, UInt64)) -> Int {
        let entry = hashes.count
        keys.append(key.0)
        keys.append(key.1)
        keys.append(key.2)
        keys.append(key.3)
        hashes.append(hash)
        counters.append(contentsOf: repeatElement(0, count: Self.width))
        if (entry + 1) * 2 > slots.count {
            slots = [Int32](repeating: 0, count: slots.count * 2)
            let mask = slots.count - 1
            for e in 0..<hashes.count {
                var s = Int(truncatingIfNeeded: hashes[e]) & mask
                while slots[s] != 0 { s = (s + 1) & mask }
                slots[s] = Int32(e + 1)
            }
        } else {
            slots[slot] = Int32(entry + 1)
        }
        return entry
    }
}
