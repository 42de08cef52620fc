import Testing

@testable import FlowIO

/// `ByteWindow` reads what the span holds, only where the span holds a whole window, and never
/// outside it.
struct ByteWindowTests {
    static let bytes: [UInt8] = (0..<700).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }

    @Test("a window is made only where its 256 + 8 bytes remain")
    func madeWhereItFits() {
        let span = Self.bytes.span
        let last = Self.bytes.count - ByteWindow.size - 8
        #expect(span.withWindow(at: 0) { _ in true } == true)
        #expect(span.withWindow(at: last) { _ in true } == true)
        #expect(span.withWindow(at: last + 1) { _ in true } == nil)
        #expect(span.withWindow(at: -1) { _ in true } == nil)
        #expect([UInt8](repeating: 0, count: 263).span.withWindow(at: 0) { _ in true } == nil)
    }

    @Test("words and bytes are the span's, from the window's start; offsets wrap at 256")
    func readsTheSpan() {
        let span = Self.bytes.span
        for start in [0, 1, 7, 100, Self.bytes.count - ByteWindow.size - 8] {
            let ok = span.withWindow(at: start) { w -> Bool in
                var same = true
                for offset in 0..<ByteWindow.size {
                    same = same && w.byte(at: offset) == Self.bytes[start + offset]
                    same = same && w.word(at: offset) == span.word(at: start + offset)
                    same = same && w.word(at: offset + ByteWindow.size) == w.word(at: offset)
                    same = same && w.byte(at: offset - ByteWindow.size) == w.byte(at: offset)
                }
                return same
            }
            #expect(ok == true, "window at \(start)")
        }
    }
}
