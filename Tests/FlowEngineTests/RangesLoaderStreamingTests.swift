import FlowIO
import Testing

@testable import FlowEngine

/// The loader reads the JSON reader's events without building a tree. These tests hold it to the
/// loader it replaced, which read the `JSONValue` tree (kept here as the reference, unchanged), on
/// the real snapshots and on thousands of generated documents around every rule: keys missing,
/// repeated, of the wrong kind or out of order, bad prefixes, escapes, junk members, syntax errors
/// after problems of content.
struct RangesLoaderStreamingTests {
    /// The loader as it was: parse the tree, then walk it.
    enum TreeLoader {
        static func load(_ bytes: [UInt8], path: String) throws(RangesError) -> RangeSet {
            let document: JSONValue
            do {
                document = try JSONParser.parse(bytes)
            } catch {
                throw RangesError(path: path, location: "", message: "not valid JSON: \(error)")
            }
            guard case .object = document else {
                throw RangesError(path: path, location: "", message: "expected a JSON object at the top level")
            }
            let syncToken = try text(document, "syncToken", at: "", path: path)
            let createDate = try text(document, "createDate", at: "", path: path)
            guard let v4 = document["prefixes"]?.arrayValue else {
                throw RangesError(path: path, location: "prefixes", message: "missing or not an array")
            }
            var entries: [RangeEntry] = []
            for (index, item) in v4.enumerated() {
                entries.append(try entry(item, prefixKey: "ip_prefix", ipv4: true, at: "prefixes[\(index)]", path: path))
            }
            var v6Count = 0
            if let v6Value = document["ipv6_prefixes"] {
                guard let v6 = v6Value.arrayValue else {
                    throw RangesError(path: path, location: "ipv6_prefixes", message: "not an array")
                }
                v6Count = v6.count
                for (index, item) in v6.enumerated() {
                    entries.append(
                        try entry(item, prefixKey: "ipv6_prefix", ipv4: false, at: "ipv6_prefixes[\(index)]", path: path))
                }
            }
            let provenance = RangesProvenance(
                path: path, syncToken: syncToken, createDate: createDate, ipv4Entries: v4.count, ipv6Entries: v6Count)
            return RangeSet(entries: entries, provenance: provenance)
        }

        static func entry(_ item: JSONValue, prefixKey: String, ipv4: Bool, at location: String, path: String)
            throws(RangesError) -> RangeEntry
        {
            guard case .object = item else {
                throw RangesError(path: path, location: location, message: "expected an object")
            }
            let cidrText = try text(item, prefixKey, at: location, path: path)
            let region = try text(item, "region", at: location, path: path)
            let service = try text(item, "service", at: location, path: path)
            let borderGroup =
                item["network_border_group"] == nil ? region : try text(item, "network_border_group", at: location, path: path)
            let prefix: IPPrefix
            do {
                prefix = try IPPrefix(cidrText)
            } catch {
                throw RangesError(path: path, location: "\(location).\(prefixKey)", message: error.description)
            }
            guard prefix.isIPv4 == ipv4 else {
                throw RangesError(
                    path: path, location: "\(location).\(prefixKey)",
                    message: "\"\(cidrText)\" is an \(ipv4 ? "IPv6" : "IPv4") prefix in the \(ipv4 ? "IPv4" : "IPv6") list")
            }
            guard !region.isEmpty, !service.isEmpty else {
                throw RangesError(path: path, location: location, message: "empty region or service")
            }
            return RangeEntry(prefix: prefix, region: region, service: service, networkBorderGroup: borderGroup, origin: .aws)
        }

        static func text(_ object: JSONValue, _ key: String, at location: String, path: String) throws(RangesError) -> String {
            guard let value = object[key] else {
                throw RangesError(path: path, location: location, message: "missing key \"\(key)\"")
            }
            guard let string = value.stringValue else {
                throw RangesError(path: path, location: location.isEmpty ? key : "\(location).\(key)", message: "expected a string")
            }
            return string
        }
    }

    /// Either the set's entries and provenance, or the error, as text to compare.
    static func outcome(_ load: () throws(RangesError) -> RangeSet) -> String {
        do {
            let set = try load()
            return "\(set.provenance) \(set.entries.map { "\($0.prefix)|\($0.region)|\($0.service)|\($0.networkBorderGroup)" })"
        } catch {
            return "error: \(error)"
        }
    }

    static func same(_ text: String) -> (ours: String, reference: String) {
        let bytes = Array(text.utf8)
        return (
            outcome { () throws(RangesError) in try RangesLoader.load(bytes, path: "p.json") },
            outcome { () throws(RangesError) in try TreeLoader.load(bytes, path: "p.json") }
        )
    }

    @Test(
        "the real snapshots load to the same set as through the tree",
        .enabled(if: TestSupport.realSnapshot != nil, Comment(rawValue: TestSupport.skipReal)))
    func realSnapshots() throws {
        for path in [TestSupport.realSnapshot, TestSupport.olderSnapshot].compactMap({ $0 }) {
            let bytes = try FileReading.readAll(path)
            let ours = try RangesLoader.load(bytes, path: path)
            let reference = try TreeLoader.load(bytes, path: path)
            #expect(ours.entries == reference.entries, "\(path)")
            #expect(ours.provenance == reference.provenance, "\(path)")
        }
    }

    /// A random document built from pieces that exercise every rule of the loader.
    static func document(_ random: inout SplitMix64) -> String {
        func pick<T>(_ choices: [T]) -> T { choices[Int(random.next() % UInt64(choices.count))] }
        func chance(_ percent: UInt64) -> Bool { random.next() % 100 < percent }
        let junkValues = ["1", "null", "true", "[]", "{}", #"["x", {"a": [1, {"b": null}]}]"#, #"{"region": "x", "prefixes": []}"#, #""text""#, "-0.5e3"]
        func text(_ options: [String]) -> String {
            chance(8) ? pick(junkValues) : "\"" + pick(options) + "\""
        }
        func entry(ipv4: Bool) -> String {
            let cidrs =
                ipv4
                ? ["3.2.34.0/26", "52.94.76.0/22", "10.0.0.1/24", "1.2.3.0/33", "1.2.3", "2600:1f14::/35", "0.0.0.0/0", "1.2.3.4/32", "01.2.3.0/24"]
                : ["2600:1f14::/35", "2a05:d07a:a000::/40", "::g/64", "3.2.34.0/26", "::/0", "2600::1/64", "::ffff:1.2.3.0/120"]
            var members: [String] = []
            let keys = [ipv4 ? "ip_prefix" : "ipv6_prefix", "region", "service", "network_border_group"]
            for key in keys where !chance(6) {
                let value: String
                switch key {
                case "region": value = text(["us-east-1", "eu-west-1", "GLOBAL", "", #"us\u002deast-1"#, "ap-south-2"])
                case "service": value = text(["AMAZON", "EC2", "S3", "", "ROUTE53_HEALTHCHECKS_PUBLISHING"])
                case "network_border_group": value = text(["us-east-1", "us-east-1-wl1-bos-wlz-1", "", "eu-west-1"])
                default: value = text(cidrs)
                }
                members.append("\"\(key)\": \(value)")
                if chance(5) { members.append("\"\(key)\": \(text(cidrs + ["x"]))") }  // a repeated key
            }
            if chance(10) { members.insert("\"extra\": \(pick(junkValues))", at: Int(random.next() % UInt64(members.count + 1))) }
            if chance(5) { members.shuffle(using: &random) }
            return chance(3) ? pick(junkValues) : "{" + members.joined(separator: ", ") + "}"
        }
        func list(ipv4: Bool) -> String {
            if chance(4) { return pick(junkValues) }
            let count = Int(random.next() % 4)
            return "[" + (0..<count).map { _ in entry(ipv4: ipv4) }.joined(separator: ",\n ") + "]"
        }
        var members: [String] = []
        if !chance(4) { members.append(#""syncToken": "# + text(["1787411825", "1"])) }
        if !chance(4) { members.append(#""createDate": "# + text(["2026-08-22-15-17-05", "bad date"])) }
        if !chance(4) { members.append(#""prefixes": "# + list(ipv4: true)) }
        if !chance(15) { members.append(#""ipv6_prefixes": "# + list(ipv4: false)) }
        if chance(8) { members.append(#""prefixes": "# + list(ipv4: true)) }  // a second list: ignored
        if chance(8) { members.append(#""syncToken": "2""#) }
        if chance(10) { members.shuffle(using: &random) }
        var document = chance(2) ? pick(junkValues) : "{" + members.joined(separator: ",\n") + "}"
        if chance(4) { document += pick([" x", ",", "}", "  \n"]) }  // trailing bytes: a syntax error after the content
        if chance(3), !document.isEmpty {
            document.remove(at: document.index(document.startIndex, offsetBy: Int(random.next() % UInt64(document.count))))
        }
        return document
    }

    @Test("generated documents: the same set or the same first problem as through the tree")
    func generatedDocuments() {
        var random = SplitMix64(seed: 2026_11_29)
        var accepted = 0
        var outcomes = Set<String>()
        for number in 0..<4_000 {
            let text = Self.document(&random)
            let (ours, reference) = Self.same(text)
            #expect(ours == reference, "document \(number):\n\(text)")
            if ours != reference { break }
            if !ours.hasPrefix("error:") { accepted += 1 }
            outcomes.insert(String(ours.prefix(60)))
        }
        // The generator must reach both sides and many different problems.
        #expect(accepted > 200, "only \(accepted) accepted")
        #expect(outcomes.count > 100, "only \(outcomes.count) distinct outcomes")
    }
}
