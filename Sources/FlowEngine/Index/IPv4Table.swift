/// A direct lookup table for IPv4 classes on 16, 8 and 8 bits of the address (a "DIR-16-8-8"
/// multibit trie with the leaves already resolved to classes).
///
/// `level1[a >> 16]` is either a class or, with the top bit set, the number of a 256-slot block in
/// `blocks`, indexed by the next 8 bits; a block slot is again a class or a block for the last 8
/// bits. A /16 whose addresses all share one class costs one slot; only /16s (and /24s) that are
/// split by prefix boundaries get blocks.
///
/// Built from the flattened intervals, so it answers exactly what `IntervalSweep.lookup` answers
/// (checked in debug builds by `PrefixIndex.checkInvariants`).
@usableFromInline
struct IPv4Table: Sendable {
    @usableFromInline static let blockFlag: UInt32 = 0x8000_0000
    @usableFromInline let level1: [UInt32]
    @usableFromInline let blocks: [UInt32]

    init(_ sweep: IntervalSweep<UInt32>) {
        let starts = sweep.starts
        let classes = sweep.classes
        var blocks: [UInt32] = []
        var cursor = 0  // interval containing the current address: starts[cursor] <= address

        // The interval that contains `address`, moving the cursor forward only (addresses visited in
        // increasing order).
        func advance(to address: UInt32) {
            while cursor + 1 < starts.count, starts[cursor + 1] <= address { cursor += 1 }
        }
        // Whether the whole range [first, first + size) lies in the cursor's interval.
        func isUniform(_ first: UInt32, size: UInt64) -> Bool {
            cursor + 1 == starts.count || UInt64(starts[cursor + 1]) >= UInt64(first) + size
        }

        var level1 = [UInt32](repeating: 0, count: 1 << 16)
        for high in 0..<(1 << 16) {
            let first16 = UInt32(high) << 16
            advance(to: first16)
            if isUniform(first16, size: 1 << 16) {
                level1[high] = classes[cursor].rawValue
                continue
            }
            let block2 = blocks.count
            blocks += repeatElement(0, count: 256)
            for middle in 0..<256 {
                let first24 = first16 | UInt32(middle) << 8
                advance(to: first24)
                if isUniform(first24, size: 1 << 8) {
                    blocks[block2 + middle] = classes[cursor].rawValue
                    continue
                }
                // The /24's addresses, a run of one interval at a time (not an interval search per
                // address: that was most of the table's build).
                let block3 = blocks.count
                var low = 0
                while low < 256 {
                    advance(to: first24 | UInt32(low))
                    let runEnd = cursor + 1 < starts.count ? min(256, Int(starts[cursor + 1] - first24)) : 256
                    blocks += repeatElement(classes[cursor].rawValue, count: runEnd - low)
                    low = runEnd
                }
                blocks[block2 + middle] = Self.blockFlag | UInt32(block3 >> 8)
            }
            level1[high] = Self.blockFlag | UInt32(block2 >> 8)
        }
        self.level1 = level1
        self.blocks = blocks
    }

    /// The class of `address`.
    /// - Complexity: O(1), at most three array reads.
    @inlinable
    func lookup(_ address: UInt32) -> AddressClass {
        var slot = level1[Int(address >> 16)]
        if slot & Self.blockFlag != 0 {
            slot = blocks[Int(slot & ~Self.blockFlag) << 8 | Int((address >> 8) & 0xff)]
            if slot & Self.blockFlag != 0 {
                slot = blocks[Int(slot & ~Self.blockFlag) << 8 | Int(address & 0xff)]
            }
        }
        return AddressClass(rawValue: slot)
    }
}
