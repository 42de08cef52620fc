import FlowIO
import Testing

@testable import FlowEngine

/// `RangesLoader`: the real snapshots against the facts in `shared/datasets/SOURCES.md` and against
/// the raw file text (read with plain line matching, not with our JSON parser); a table of refused
/// documents, each error naming the file and the entry; and the accepted historical variations.
struct RangesLoaderTests {
    // MARK: - Real snapshots

    /// One entry as written in the raw file: the four value lines of each object, in order.
    private struct RawEntry: Equatable, CustomStringConvertible {
        var prefix = "", region = "", service = "", borderGroup = ""
        var description: String { "\(prefix) \(region) \(service) \(borderGroup)" }
    }

    /// Scans the file text line by line for `"key": "value"` lines (2-space indented, one key a line).
    private static func rawEntries(_ text: String) -> (v4: [RawEntry], v6: [RawEntry]) {
        var v4: [RawEntry] = []
        var v6: [RawEntry] = []
        var inV6 = false
        for line in text.split(separator: "\n") {
            let trimmed = line.drop { $0 == " " }
            func value(_ key: String) -> String? {
                let opening = "\"\(key)\": \""
                guard trimmed.hasPrefix(opening) else { return nil }
                return String(trimmed.dropFirst(opening.count).prefix { $0 != "\"" })
            }
            func update(_ change: (inout RawEntry) -> Void) {
                if inV6 { change(&v6[v6.count - 1]) } else { change(&v4[v4.count - 1]) }
            }
            if trimmed.hasPrefix("\"ipv6_prefixes\"") { inV6 = true }
            if let p = value("ip_prefix") { v4.append(RawEntry(prefix: p)) }
            if let p = value("ipv6_prefix") { v6.append(RawEntry(prefix: p)) }
            if let r = value("region") { update { $0.region = r } }
            if let s = value("service") { update { $0.service = s } }
            if let n = value("network_border_group") { update { $0.borderGroup = n } }
        }
        return (v4, v6)
    }

    private static func loaded(_ entries: some Sequence<RangeEntry>) -> [RawEntry] {
        entries.map {
            RawEntry(prefix: "\($0.prefix)", region: $0.region, service: $0.service, borderGroup: $0.networkBorderGroup)
        }
    }

    @Test(.enabled(if: TestSupport.realSnapshot != nil, Comment(rawValue: TestSupport.skipReal)))
    func realSnapshotProvenanceAndFileOrder() throws {
        let path = try #require(TestSupport.realSnapshot)
        let set = try TestSupport.loadRanges(path)
        #expect(set.provenance.syncToken == "1787411825")
        #expect(set.provenance.createDate == "2026-08-22-15-17-05")
        #expect(set.provenance.ipv4Entries == 10_668)
        #expect(set.provenance.ipv6Entries == 6_160)
        #expect(set.provenance.path == path)
        #expect(set.entries.count == 10_668 + 6_160)
        #expect(set.entries.allSatisfy { $0.origin == .aws })

        let v4 = Array(set.entries.prefix(10_668))
        let v6 = Array(set.entries.dropFirst(10_668))
        #expect(v4.allSatisfy { $0.prefix.isIPv4 } && v6.allSatisfy { !$0.prefix.isIPv4 })

        // First and last of each list, as read from the file with `grep`/`sed`.
        #expect(Self.loaded([v4[0]]) == [RawEntry(prefix: "3.4.12.4/32", region: "eu-west-1", service: "AMAZON", borderGroup: "eu-west-1")])
        #expect(Self.loaded([v4[v4.count - 1]]) == [RawEntry(prefix: "35.71.108.0/24", region: "ap-south-2", service: "DYNAMODB", borderGroup: "ap-south-2")])
        #expect(Self.loaded([v6[0]]) == [RawEntry(prefix: "2406:daba:f000::/40", region: "ap-southeast-4", service: "AMAZON", borderGroup: "ap-southeast-4")])
        #expect(Self.loaded([v6[v6.count - 1]]) == [RawEntry(prefix: "2600:1f14:802:7300::/56", region: "us-west-2", service: "AURORA_DSQL", borderGroup: "us-west-2")])

        // Every entry, in order, against a plain line scan of the raw text (the file's CIDRs are
        // canonical, SOURCES.md, so the printed prefix must be the same text).
        let raw = Self.rawEntries(String(decoding: try FileReading.readAll(path), as: UTF8.self))
        #expect(raw.v4.count == 10_668 && raw.v6.count == 6_160)
        #expect(raw.v4.first?.prefix == "3.4.12.4/32" && raw.v6.last?.prefix == "2600:1f14:802:7300::/56")
        let mismatchV4 = zip(raw.v4, Self.loaded(v4)).enumerated().first { $0.element.0 != $0.element.1 }
        let mismatchV6 = zip(raw.v6, Self.loaded(v6)).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(mismatchV4 == nil, "first IPv4 difference: \(String(describing: mismatchV4))")
        #expect(mismatchV6 == nil, "first IPv6 difference: \(String(describing: mismatchV6))")
    }

    static let ipv4Services: [String: Int] = [
        "AMAZON": 6084, "EC2": 1924, "ROUTE53_RESOLVER": 638, "S3": 441, "API_GATEWAY": 214, "CLOUDFRONT": 211,
        "GLOBALACCELERATOR": 131, "EBS": 105, "KINESIS_VIDEO_STREAMS": 105, "IVS_REALTIME": 104, "DYNAMODB": 94,
        "EFS": 93, "WORKSPACES_GATEWAYS": 73, "CODEBUILD": 61, "MEDIA_PACKAGE_V2": 52, "AMAZON_APPFLOW": 48,
        "CLOUDFRONT_ORIGIN_FACING": 46, "CLOUD9": 44, "ROUTE53_HEALTHCHECKS_PUBLISHING": 39,
        "EC2_INSTANCE_CONNECT": 37, "ROUTE53_HEALTHCHECKS": 31, "ROUTE53": 26, "CHIME_VOICECONNECTOR": 24,
        "AMAZON_CONNECT": 21, "AURORA_DSQL": 20, "CHIME_MEETINGS": 1, "IVS_LOW_LATENCY": 1,
    ]
    static let ipv6Services: [String: Int] = [
        "AMAZON": 2901, "EC2": 2230, "S3": 513, "IVS_REALTIME": 149, "EFS": 89, "GLOBALACCELERATOR": 45,
        "WORKSPACES_GATEWAYS": 43, "IOT_CORE": 41, "EC2_INSTANCE_CONNECT": 37, "CLOUDFRONT": 32,
        "ROUTE53_HEALTHCHECKS": 26, "AURORA_DSQL": 20, "AMAZON_CONNECT": 15, "ROUTE53": 14,
        "CLOUDFRONT_ORIGIN_FACING": 3, "CHIME_MEETINGS": 1, "IVS_LOW_LATENCY": 1,
    ]

    @Test(.enabled(if: TestSupport.realSnapshot != nil, Comment(rawValue: TestSupport.skipReal)))
    func realSnapshotCountsMatchTheDatasetNotes() throws {
        let set = try TestSupport.loadRanges(try #require(TestSupport.realSnapshot))
        let v4 = set.entries.filter { $0.prefix.isIPv4 }
        let v6 = set.entries.filter { !$0.prefix.isIPv4 }
        #expect(Dictionary(v4.map { ($0.service, 1) }, uniquingKeysWith: +) == Self.ipv4Services)
        #expect(Dictionary(v6.map { ($0.service, 1) }, uniquingKeysWith: +) == Self.ipv6Services)
        #expect(Self.ipv4Services.values.reduce(0, +) == 10_668 && Self.ipv6Services.values.reduce(0, +) == 6_160)
        #expect(Set(v4.map(\.prefix)).count == 7_905)
        #expect(Set(v6.map(\.prefix)).count == 3_108)
        #expect(Set(set.entries.map(\.region)).count == 43)
        #expect(set.entries.filter { $0.region == "GLOBAL" }.count == 635)
        #expect(Set(set.entries.map(\.networkBorderGroup)).count == 121)
        #expect(set.entries.filter { $0.networkBorderGroup != $0.region }.count == 519)
        #expect(v4.map(\.prefix.length).min() == 11 && v4.map(\.prefix.length).max() == 32)
        #expect(v6.map(\.prefix.length).min() == 32 && v6.map(\.prefix.length).max() == 128)
    }

    @Test(.enabled(if: TestSupport.olderSnapshot != nil, Comment(rawValue: TestSupport.skipReal)))
    func olderSnapshotCounts() throws {
        let set = try TestSupport.loadRanges(try #require(TestSupport.olderSnapshot))
        #expect(set.provenance.syncToken == "1784760425")
        #expect(set.provenance.createDate == "2026-07-22-22-47-05")
        #expect(set.provenance.ipv4Entries == 10_526 && set.provenance.ipv6Entries == 5_873)
        #expect(set.entries.count == 10_526 + 5_873)
        #expect(!set.entries.contains { $0.service == "IOT_CORE" })
    }

    // MARK: - Refused documents

    struct Refused: Sendable, CustomTestStringConvertible {
        let name: String
        let json: String
        /// The expected `RangesError.location`.
        let location: String
        /// A fragment the message must contain.
        let fragment: String
        var testDescription: String { name }
    }

    static let good4 =
        #"{"ip_prefix": "3.2.34.0/26", "region": "af-south-1", "service": "AMAZON", "network_border_group": "af-south-1"}"#
    static let good6 =
        #"{"ipv6_prefix": "2600:1f14::/35", "region": "us-west-2", "service": "EC2", "network_border_group": "us-west-2"}"#

    /// A document whose second IPv4 entry (or, with `v6`, second IPv6 entry) is `second`.
    static func doc(v4 second: String? = nil, v6: String? = nil) -> String {
        let v4List = [good4] + (second.map { [$0] } ?? [])
        let v6List = [good6] + (v6.map { [$0] } ?? [])
        return #"{"syncToken": "1", "createDate": "2020-01-01-00-00-00", "prefixes": ["#
            + v4List.joined(separator: ", ") + #"], "ipv6_prefixes": ["# + v6List.joined(separator: ", ") + "]}"
    }

    static func v4Entry(_ cidr: String) -> String {
        #"{"ip_prefix": ""# + cidr + #"", "region": "r", "service": "S", "network_border_group": "r"}"#
    }
    static func v6Entry(_ cidr: String) -> String {
        #"{"ipv6_prefix": ""# + cidr + #"", "region": "r", "service": "S", "network_border_group": "r"}"#
    }

    static let refused: [Refused] = [
        Refused(name: "not JSON", json: #"{"syncToken": "#, location: "", fragment: "not valid JSON"),
        Refused(name: "top level array", json: "[" + good4 + "]", location: "", fragment: "object"),
        Refused(name: "missing syncToken", json: #"{"createDate": "x", "prefixes": []}"#, location: "", fragment: "\"syncToken\""),
        Refused(name: "missing createDate", json: #"{"syncToken": "1", "prefixes": []}"#, location: "", fragment: "\"createDate\""),
        Refused(name: "missing prefixes", json: #"{"syncToken": "1", "createDate": "x"}"#, location: "prefixes", fragment: "missing"),
        Refused(name: "prefixes not an array", json: #"{"syncToken": "1", "createDate": "x", "prefixes": {}}"#, location: "prefixes", fragment: "array"),
        Refused(name: "ipv6_prefixes not an array", json: #"{"syncToken": "1", "createDate": "x", "prefixes": [], "ipv6_prefixes": "no"}"#, location: "ipv6_prefixes", fragment: "array"),
        Refused(name: "syncToken a number", json: #"{"syncToken": 1, "createDate": "x", "prefixes": []}"#, location: "syncToken", fragment: "string"),
        Refused(name: "entry not an object", json: doc(v4: "5"), location: "prefixes[1]", fragment: "object"),
        Refused(name: "entry missing ip_prefix", json: doc(v4: #"{"region": "r", "service": "S"}"#), location: "prefixes[1]", fragment: "\"ip_prefix\""),
        Refused(name: "entry missing region", json: doc(v4: #"{"ip_prefix": "1.2.3.0/24", "service": "S"}"#), location: "prefixes[1]", fragment: "\"region\""),
        Refused(name: "entry missing service", json: doc(v4: #"{"ip_prefix": "1.2.3.0/24", "region": "r"}"#), location: "prefixes[1]", fragment: "\"service\""),
        Refused(name: "IPv6 entry missing ipv6_prefix", json: doc(v6: #"{"region": "r", "service": "S"}"#), location: "ipv6_prefixes[1]", fragment: "\"ipv6_prefix\""),
        Refused(name: "region a number", json: doc(v4: #"{"ip_prefix": "1.2.3.0/24", "region": 5, "service": "S"}"#), location: "prefixes[1].region", fragment: "string"),
        Refused(name: "ip_prefix null", json: doc(v4: #"{"ip_prefix": null, "region": "r", "service": "S"}"#), location: "prefixes[1].ip_prefix", fragment: "string"),
        Refused(name: "host bits", json: doc(v4: v4Entry("10.0.0.1/24")), location: "prefixes[1].ip_prefix", fragment: "10.0.0.0/24"),
        Refused(name: "length 33", json: doc(v4: v4Entry("1.2.3.0/33")), location: "prefixes[1].ip_prefix", fragment: "33"),
        Refused(name: "three octets", json: doc(v4: v4Entry("1.2.3")), location: "prefixes[1].ip_prefix", fragment: "1.2.3"),
        Refused(name: "bad hex digit", json: doc(v6: v6Entry("::g/64")), location: "ipv6_prefixes[1].ipv6_prefix", fragment: "::g"),
        Refused(name: "IPv6 CIDR in prefixes", json: doc(v4: v4Entry("2600:1f14::/35")), location: "prefixes[1].ip_prefix", fragment: "IPv6"),
        Refused(name: "IPv4 CIDR in ipv6_prefixes", json: doc(v6: v6Entry("3.2.34.0/26")), location: "ipv6_prefixes[1].ipv6_prefix", fragment: "IPv4"),
        Refused(name: "empty service", json: doc(v4: #"{"ip_prefix": "1.2.3.0/24", "region": "r", "service": ""}"#), location: "prefixes[1]", fragment: "empty"),
    ]

    @Test(arguments: refused)
    func refusedDocumentNamesFileAndEntry(_ c: Refused) {
        var caught: RangesError?
        do {
            _ = try RangesLoader.load(Array(c.json.utf8), path: "dir/bad.json")
        } catch {
            caught = error
        }
        guard let error = caught else {
            Issue.record("\(c.name): accepted")
            return
        }
        #expect(error.path == "dir/bad.json")
        #expect(error.location == c.location)
        #expect(error.description.hasPrefix("dir/bad.json: "))
        if !c.location.isEmpty { #expect(error.description.hasPrefix("dir/bad.json: \(c.location): ")) }
        #expect(error.description.contains(c.fragment), "\(error.description)")
    }

    @Test func hostBitsMessageIsTheDocumentedOne() throws {
        #expect(throws: RangesError(path: "ip-ranges.json", location: "prefixes[1].ip_prefix", message: #""10.0.0.1/24" has host bits set (did you mean 10.0.0.0/24?)"#)) {
            _ = try RangesLoader.load(Array(Self.doc(v4: Self.v4Entry("10.0.0.1/24")).utf8), path: "ip-ranges.json")
        }
        let error = RangesError(path: "ip-ranges.json", location: "prefixes[1].ip_prefix", message: "m")
        #expect(error.description == "ip-ranges.json: prefixes[1].ip_prefix: m")
        #expect(RangesError(path: "a.json", location: "", message: "m").description == "a.json: m")
    }

    // MARK: - Accepted variations

    @Test func acceptedVariationsFromAWSHistory() throws {
        // 2017: no network_border_group, no ipv6_prefixes, a malformed createDate.
        let old = #"""
            {"syncToken": "1500590532", "createDate": "2017-07-20-22-42-233",
             "prefixes": [{"ip_prefix": "13.32.0.0/15", "region": "GLOBAL", "service": "AMAZON"},
                          {"ip_prefix": "13.32.0.0/15", "region": "GLOBAL", "service": "CLOUDFRONT"},
                          {"ip_prefix": "13.32.0.0/15", "region": "GLOBAL", "service": "CLOUDFRONT"}]}
            """#
        let set = try EngineFixtures.loadJSON(old, path: "2017.json")
        #expect(set.provenance.createDate == "2017-07-20-22-42-233")
        #expect(set.provenance.syncToken == "1500590532")
        #expect(set.provenance.ipv4Entries == 3 && set.provenance.ipv6Entries == 0)
        #expect(set.entries.map(\.service) == ["AMAZON", "CLOUDFRONT", "CLOUDFRONT"])  // duplicates kept
        #expect(set.entries.allSatisfy { $0.networkBorderGroup == "GLOBAL" && "\($0.prefix)" == "13.32.0.0/15" })
    }

    @Test func ipv4EntriesComeFirstWhateverTheKeyOrder() throws {
        let text = #"""
            {"ipv6_prefixes": [{"ipv6_prefix": "2600:1f14::/35", "region": "us-west-2", "service": "EC2",
                                "network_border_group": "us-west-2-lax-1"}],
             "prefixes": [{"ip_prefix": "3.5.140.0/22", "region": "ap-northeast-2", "service": "S3"}],
             "createDate": "c", "syncToken": "s"}
            """#
        let set = try EngineFixtures.loadJSON(text)
        #expect(set.entries.map { "\($0.prefix)" } == ["3.5.140.0/22", "2600:1f14::/35"])
        #expect(set.entries[1].networkBorderGroup == "us-west-2-lax-1" && set.entries[1].region == "us-west-2")
        #expect(set.provenance.ipv4Entries == 1 && set.provenance.ipv6Entries == 1)
    }

    @Test func committedExampleLoads() throws {
        let set = try TestSupport.exampleRanges()
        #expect(set.provenance.syncToken == "1700000000")
        #expect(set.entries.map(\.notebookLabel) == [
            "af-south-1_AMAZON_3.2.34.0/26", "ap-northeast-2_AMAZON_3.5.140.0/22", "ap-southeast-4_AMAZON_13.34.37.64/27",
            "il-central-1_AMAZON_13.34.65.64/27", "us-east-1_AMAZON_13.34.66.0/27", "af-south-1_EC2_3.2.34.0/26",
        ])
    }
}
