import Testing

@testable import FlowEngine

/// `RangesDiff`: whole-tuple comparison of two range sets, as multisets (a tuple listed twice
/// counts twice), with hand-made sets whose answer is worked out by hand, and the two real
/// snapshots against the differences measured in `shared/datasets/SOURCES.md`.
struct RangesDiffTests {
    private typealias E = EngineFixtures

    private static func labels(_ entries: [RangeEntry]) -> [String] {
        entries.map { "\($0.region)_\($0.service)_\($0.prefix)_\($0.networkBorderGroup)" }
    }

    @Test func identicalSetsHaveNoDifference() throws {
        let entries = [try E.entry("3.2.34.0/26", "af-south-1", "AMAZON"), try E.entry("3.2.34.0/26", "af-south-1", "EC2")]
        let diff = RangesDiff(old: E.rangeSet(entries), new: E.rangeSet(entries))
        #expect(diff.isEmpty)
        #expect(diff.added.isEmpty && diff.removed.isEmpty)
        #expect(diff.rows.isEmpty && diff.serviceRows.isEmpty)
    }

    @Test func orderDoesNotMatter() throws {
        let a = try E.entry("3.2.34.0/26", "af-south-1", "AMAZON")
        let b = try E.entry("2600:1f14::/35", "us-west-2", "EC2")
        let c = try E.entry("13.34.37.64/27", "ap-southeast-4", "AMAZON")
        #expect(RangesDiff(old: E.rangeSet([a, b, c]), new: E.rangeSet([c, a, b])).isEmpty)
    }

    @Test func addedAndRemovedInFileOrder() throws {
        let old = [
            try E.entry("3.2.34.0/26", "af-south-1", "AMAZON"),
            try E.entry("3.5.140.0/22", "ap-northeast-2", "AMAZON"),
            try E.entry("3.2.34.0/26", "af-south-1", "EC2"),
        ]
        let new = [
            try E.entry("13.34.66.0/27", "us-east-1", "AMAZON"),
            try E.entry("3.2.34.0/26", "af-south-1", "AMAZON"),
            try E.entry("2600:1f14::/35", "us-west-2", "S3"),
        ]
        let diff = RangesDiff(old: E.rangeSet(old), new: E.rangeSet(new))
        #expect(!diff.isEmpty)
        #expect(Self.labels(diff.added) == ["us-east-1_AMAZON_13.34.66.0/27_us-east-1", "us-west-2_S3_2600:1f14::/35_us-west-2"])
        #expect(Self.labels(diff.removed) == ["ap-northeast-2_AMAZON_3.5.140.0/22_ap-northeast-2", "af-south-1_EC2_3.2.34.0/26_af-south-1"])
    }

    @Test func duplicatesCountAsAMultiset() throws {
        let a = try E.entry("3.2.34.0/26", "af-south-1", "AMAZON")
        let b = try E.entry("3.5.140.0/22", "ap-northeast-2", "S3")
        // old a a b, new a: one a and the b removed.
        var diff = RangesDiff(old: E.rangeSet([a, a, b]), new: E.rangeSet([a]))
        #expect(diff.added.isEmpty)
        #expect(diff.removed == [a, b])
        // old a, new a a a: two a added.
        diff = RangesDiff(old: E.rangeSet([a]), new: E.rangeSet([a, a, a]))
        #expect(diff.added == [a, a] && diff.removed.isEmpty)
        // old a a, new b a b: one a removed, two b added.
        diff = RangesDiff(old: E.rangeSet([a, a]), new: E.rangeSet([b, a, b]))
        #expect(diff.added == [b, b] && diff.removed == [a])
        // Empty sets.
        #expect(RangesDiff(old: E.rangeSet([]), new: E.rangeSet([])).isEmpty)
        diff = RangesDiff(old: E.rangeSet([]), new: E.rangeSet([b, a]))
        #expect(diff.added == [b, a] && diff.removed.isEmpty)
    }

    @Test func everyFieldOfTheTupleCounts() throws {
        let base = try E.entry("3.2.34.0/26", "af-south-1", "AMAZON")
        let variants = [
            try E.entry("3.2.34.0/25", "af-south-1", "AMAZON"),
            try E.entry("3.2.34.0/26", "eu-west-1", "AMAZON", borderGroup: "af-south-1"),
            try E.entry("3.2.34.0/26", "af-south-1", "EC2"),
            try E.entry("3.2.34.0/26", "af-south-1", "AMAZON", borderGroup: "af-south-1-los-1"),
        ]
        for variant in variants {
            let diff = RangesDiff(old: E.rangeSet([base]), new: E.rangeSet([variant]))
            #expect(diff.added == [variant] && diff.removed == [base], "\(variant)")
        }
    }

    @Test func rowsCountPerServiceAndRegionSorted() throws {
        let old = [
            try E.entry("1.0.0.0/24", "us-east-1", "EC2"),
            try E.entry("1.0.1.0/24", "us-east-1", "EC2"),
            try E.entry("1.0.2.0/24", "eu-west-1", "AMAZON"),
        ]
        let new = [
            try E.entry("2.0.0.0/24", "us-east-1", "EC2"),
            try E.entry("2.0.1.0/24", "ap-south-1", "S3"),
            try E.entry("2.0.2.0/24", "ap-south-1", "S3"),
            try E.entry("2.0.3.0/24", "eu-west-1", "EC2"),
        ]
        let diff = RangesDiff(old: E.rangeSet(old), new: E.rangeSet(new))
        let rows = diff.rows.map { "\($0.service) \($0.region) +\($0.added) -\($0.removed)" }
        #expect(rows == ["AMAZON eu-west-1 +0 -1", "EC2 eu-west-1 +1 -0", "EC2 us-east-1 +1 -2", "S3 ap-south-1 +2 -0"])
        let services = diff.serviceRows.map { "\($0.service) \($0.region) +\($0.added) -\($0.removed)" }
        #expect(services == ["AMAZON * +0 -1", "EC2 * +2 -2", "S3 * +2 -0"])
    }

    // MARK: - Real snapshots

    @Test(.enabled(if: TestSupport.realSnapshot != nil && TestSupport.olderSnapshot != nil, Comment(rawValue: TestSupport.skipReal)))
    func realSnapshotsDiffAsMeasured() throws {
        let old = try #require(EngineFixtures.olderRanges)
        let new = try #require(EngineFixtures.realRanges)
        let diff = RangesDiff(old: old, new: new)
        #expect(diff.added.count == 512)
        #expect(diff.removed.count == 83)
        let added4 = diff.added.filter { $0.prefix.isIPv4 }
        let removed4 = diff.removed.filter { $0.prefix.isIPv4 }
        let added6 = diff.added.filter { !$0.prefix.isIPv4 }
        let removed6 = diff.removed.filter { !$0.prefix.isIPv4 }
        #expect(added4.count == 193 && removed4.count == 51)
        #expect(added6.count == 319 && removed6.count == 32)

        func count(_ entries: [RangeEntry], _ service: String) -> Int { entries.filter { $0.service == service }.count }
        // IPv4: added EFS 73, AMAZON 73, EC2 37; removed AMAZON 29, EC2 22 (and nothing else: 29 + 22 = 51).
        #expect(count(added4, "EFS") == 73 && count(added4, "AMAZON") == 73 && count(added4, "EC2") == 37)
        #expect(count(removed4, "AMAZON") == 29 && count(removed4, "EC2") == 22)
        // IPv6: added AMAZON 104, EC2 93, EFS 72, IOT_CORE 41.
        #expect(count(added6, "AMAZON") == 104 && count(added6, "EC2") == 93)
        #expect(count(added6, "EFS") == 72 && count(added6, "IOT_CORE") == 41)

        let iot = diff.serviceRows.first { $0.service == "IOT_CORE" }
        #expect(iot == RangesDiff.Row(service: "IOT_CORE", region: "*", added: 41, removed: 0))
        #expect(diff.serviceRows.map(\.added).reduce(0, +) == 512)
        #expect(diff.serviceRows.map(\.removed).reduce(0, +) == 83)
        #expect(diff.rows.map(\.added).reduce(0, +) == 512)

        // Reversed, the roles swap.
        let back = RangesDiff(old: new, new: old)
        #expect(back.added.count == 83 && back.removed.count == 512)
        #expect(RangesDiff(old: new, new: new).isEmpty)
    }
}
