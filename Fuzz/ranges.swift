// Fuzz target: the ranges JSON reader.
// fuzz-extract: Tests/FlowEngineTests/RangesLoaderStreamingTests.swift TreeLoader
//
// Input: the bytes of an `ip-ranges.json` (any bytes).
// Holds:
// - `JSONParser.parse` never crashes (depth is bounded); a document it accepts, written back by
//   `JSONWriter.render` (pretty and compact), parses to the same value;
// - `RangesLoader.load` (the streaming loader over the reader's events) returns the same set, or
//   the same first error, as the tree loader it replaced (`TreeLoader`, compiled in unchanged from
//   `Tests/FlowEngineTests/RangesLoaderStreamingTests.swift`, as that test holds them);
// - an accepted set builds a `PrefixIndex` whose invariants hold (`checkInvariants`, preconditions),
//   and the first and last address of every entry find that entry in their match set.
import FlowIO

@testable import FlowEngine

private func outcome(_ load: () throws(RangesError) -> RangeSet) -> String {
    do {
        let set = try load()
        return "\(set.provenance) \(set.entries.map { "\($0.prefix)|\($0.region)|\($0.service)|\($0.networkBorderGroup)" })"
    } catch {
        return "error: \(error)"
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRanges(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = inputBytes(data, size)

    if let value = try? withExactSpan(input, { span in Result { () throws(JSONError) in try JSONParser.parse(span) } }).get() {
        for pretty in [true, false] {
            let text = JSONWriter.render(value, pretty: pretty)
            guard let again = try? JSONParser.parse(text) else {
                disagreement("JSONWriter.render (pretty: \(pretty)) wrote a document the reader refuses: \(String(decoding: text, as: UTF8.self))", input)
            }
            if again != value { disagreement("render then parse (pretty: \(pretty)) changed the value", input) }
        }
    }

    let streaming = outcome { () throws(RangesError) in try RangesLoader.load(input, path: "p.json") }
    let tree = outcome { () throws(RangesError) in try TreeLoader.load(input, path: "p.json") }
    if streaming != tree { disagreement("RangesLoader: \(streaming)\nTreeLoader: \(tree)", input) }

    if let set = try? RangesLoader.load(input, path: "p.json") {
        let index = PrefixIndex(set)
        index.checkInvariants()
        for (i, entry) in set.entries.enumerated().prefix(256) {
            // An IPv4-mapped address (::ffff:0:0/96) is looked up as its IPv4 address (`IPAddress.unmappingIPv4`),
            // so an IPv6 prefix that covers one does not match it: by design, not a finding.
            for address in [entry.prefix.first, entry.prefix.last]
            where address.unmappingIPv4 == address && !index.matchSet(of: address).contains(UInt32(i)) {
                disagreement("entry \(i) (\(entry.prefix)) is not in the match set of \(address)", input)
            }
        }
    }
    return 0
}
