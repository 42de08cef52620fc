import FlowIO
import Testing

/// `ByteOrder.precedes` against the definition it replaces: the UTF-8 views compared element by
/// element (`lexicographicallyPrecedes`), on names with common prefixes, prefixes of each other,
/// bytes above 0x7F (where a signed comparison would differ) and empty strings.
struct ByteOrderTests {
    static let pieces = ["", "a", "b", "A", "aa", "ab", "a/", "a0", "é", "e", "\u{7F}", "\u{80}", "€", "日本", "2026/11/01", "2026/11/1"]

    @Test("byte order is the UTF-8 views' lexicographic order")
    func sameAsUTF8Views() {
        var names: [String] = []
        for x in Self.pieces { for y in Self.pieces { names.append(x + y) } }
        names.append(String(repeating: "AWSLogs/123456789012/vpcflowlogs/", count: 3) + "x")
        names.append(String(repeating: "AWSLogs/123456789012/vpcflowlogs/", count: 3) + "y")
        for a in names {
            for b in names {
                #expect(ByteOrder.precedes(a, b) == a.utf8.lexicographicallyPrecedes(b.utf8), "\(a.debugDescription) vs \(b.debugDescription)")
            }
        }
        #expect(names.sorted(by: ByteOrder.precedes) == names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
    }
}
