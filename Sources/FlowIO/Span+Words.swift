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

extension Array where Element == UInt8 {
    /// Appends a span's bytes in one copy (a byte-by-byte append costs a check per byte). Here
    /// because the copy goes through the span's buffer pointer.
    @inlinable
    public mutating func append(span: Span<UInt8>) {
        span.withUnsafeBufferPointer { append(contentsOf: $0) }
    }
}

extension Array where Element == UInt8 {
    /// Appends an AWS text line as a CSV record: `span` with each space made a comma, when its fields
    /// are joined by single spaces and none needs CSV quoting (no comma, double quote, tab or CR, no
    /// space at either end or next to another); otherwise appends nothing and returns false.
    @inlinable
    public mutating func appendCommaJoined(_ span: Span<UInt8>) -> Bool {
        span.withUnsafeBufferPointer { source -> Bool in
            guard let first = source.first, let last = source.last, first != 0x20, last != 0x20 else { return false }
            var previous: UInt8 = 0
            for byte in source {
                if byte == 0x2C || byte == 0x22 || byte == 0x09 || byte == 0x0D || (byte == 0x20 && previous == 0x20) { return false }
                previous = byte
            }
            let start = count
            append(contentsOf: source)
            withUnsafeMutableBufferPointer { target in
                for i in start..<target.count where target[i] == 0x20 { target[i] = 0x2C }
            }
            return true
        }
    }
}
