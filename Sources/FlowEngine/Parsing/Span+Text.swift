extension Span where Element == UInt8 {
    /// Whether these bytes are exactly `text`'s UTF-8 (a field against a keyword, a JSON key
    /// against a name), without making a String.
    @inline(__always)
    func equals(_ text: StaticString) -> Bool {
        guard count == text.utf8CodeUnitCount else { return false }
        let start = text.utf8Start
        for i in 0..<count where self[i] != start[i] { return false }
        return true
    }
}
