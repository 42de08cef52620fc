extension Span where Element == UInt8 {
    /// The 8 bytes at `offset`, little-endian, as one word: lets the engine test 8 bytes at once
    /// (SWAR) for separators.
    ///
    /// Bounds-checked like any span access. Safe for `UInt64`, which every bit pattern inhabits;
    /// kept here because its spelling is "unsafe", and only FlowIO says that word.
    /// - Precondition: `offset + 8 <= count`.
    @inlinable @inline(__always)
    public func word(at offset: Int) -> UInt64 {
        UInt64(littleEndian: bytes.unsafeLoadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
}
