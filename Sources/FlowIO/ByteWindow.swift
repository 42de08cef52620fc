/// A look at a fixed 256 bytes of text that needs no bounds check per read: every offset is taken
/// modulo 256 and the window is made only where 256 + 8 bytes remain, so any word or byte read
/// from it lies inside the span it came from. For the parsers' fast paths, which check once per
/// line that the line fits the window and then read freely (a checked span read costs a compare
/// and two branches each, about 6% of the fast path's instructions).
///
/// An offset of 256 or more reads the byte at `offset % 256`: in bounds, but not the byte the caller
/// meant, so callers keep their offsets below `size` (`RecordReader`'s fast path stops at a line
/// longer than that).
///
/// Made only by `Span.withWindow(at:_:)`, and valid only inside its closure: like
/// `withUnsafeBytes`, the window must not be stored or returned.
public struct ByteWindow {
    /// Offsets `0..<size` read the bytes the caller means.
    public static let size = 256

    @usableFromInline let base: UnsafeRawPointer

    @usableFromInline init(base: UnsafeRawPointer) { self.base = base }

    /// The 8 bytes at `offset % 256`, little-endian.
    @inlinable @inline(__always)
    public func word(at offset: Int) -> UInt64 {
        // Safe: `offset & 255` is at most 255, and the window holds 256 + 8 bytes.
        UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset & 255, as: UInt64.self))
    }

    /// The byte at `offset % 256`.
    @inlinable @inline(__always)
    public func byte(at offset: Int) -> UInt8 {
        // Safe: as `word(at:)`.
        base.load(fromByteOffset: offset & 255, as: UInt8.self)
    }
}

extension Span where Element == UInt8 {
    /// Calls `body` with the window of the bytes from `start` (offset 0 of the window), or returns
    /// nil without calling it when fewer than `ByteWindow.size + 8` bytes remain from `start`.
    /// The window must not escape `body`.
    @inlinable @inline(__always)
    public func withWindow<R>(at start: Int, _ body: (ByteWindow) -> R) -> R? {
        guard start >= 0, start &+ ByteWindow.size &+ 8 <= count else { return nil }
        // Safe: the window's `size + 8` bytes lie in this span, which outlives the call, and
        // `ByteWindow` reads nothing beyond them.
        return withUnsafeBufferPointer { buffer in body(ByteWindow(base: UnsafeRawPointer(buffer.baseAddress! + start))) }
    }
}
