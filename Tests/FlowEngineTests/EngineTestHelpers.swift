import FlowIO
import Testing

@testable import FlowEngine

/// Small builders shared by the ranges, layout and classifier tests: hand-made entries and range
/// sets, a ranges document as JSON text, a byte span over a string, and the real snapshots loaded
/// once per test run.
enum EngineFixtures {
    /// One AWS entry; the network border group defaults to the region.
    static func entry(
        _ cidr: String, _ region: String, _ service: String, borderGroup: String? = nil,
        origin: RangeEntry.Origin = .aws
    ) throws -> RangeEntry {
        RangeEntry(
            prefix: try IPPrefix(cidr), region: region, service: service,
            networkBorderGroup: borderGroup ?? region, origin: origin)
    }

    /// A range set holding `entries` as they are, with provenance counts taken from them.
    static func rangeSet(_ entries: [RangeEntry], syncToken: String = "1", createDate: String = "x") -> RangeSet {
        let v4 = entries.filter { $0.prefix.isIPv4 }.count
        return RangeSet(
            entries: entries,
            provenance: RangesProvenance(
                path: "test.json", syncToken: syncToken, createDate: createDate, ipv4Entries: v4,
                ipv6Entries: entries.count - v4))
    }

    /// An `ip-ranges.json` document with these `(cidr, region, service)` entries.
    static func rangesJSON(v4: [(String, String, String)], v6: [(String, String, String)] = []) -> String {
        func list(_ key: String, _ items: [(String, String, String)]) -> String {
            items.map {
                "{\"\(key)\": \"\($0.0)\", \"region\": \"\($0.1)\", \"service\": \"\($0.2)\", "
                    + "\"network_border_group\": \"\($0.1)\"}"
            }.joined(separator: ",\n")
        }
        return """
            {"syncToken": "1700000000", "createDate": "2023-11-14-22-13-20",
             "prefixes": [\(list("ip_prefix", v4))],
             "ipv6_prefixes": [\(list("ipv6_prefix", v6))]}
            """
    }

    /// Loads a ranges document given as text.
    static func loadJSON(_ text: String, path: String = "test.json") throws -> RangeSet {
        try RangesLoader.load(Array(text.utf8), path: path)
    }

    /// Calls `body` with the UTF-8 bytes of `text` as a span.
    static func withSpan<R>(_ text: String, _ body: (Span<UInt8>) throws -> R) rethrows -> R {
        let bytes = Array(text.utf8)
        return try body(bytes.span)
    }

    /// The real snapshots, loaded once (nil when absent or unreadable; tests that need them are
    /// disabled with `TestSupport.skipReal` when the file is absent).
    static let realRanges: RangeSet? = TestSupport.realSnapshot.flatMap { try? TestSupport.loadRanges($0) }
    static let olderRanges: RangeSet? = TestSupport.olderSnapshot.flatMap { try? TestSupport.loadRanges($0) }
}
