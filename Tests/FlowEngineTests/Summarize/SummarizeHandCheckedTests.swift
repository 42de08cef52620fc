import Testing

@testable import FlowEngine

/// Three fixtures whose reports were worked out on paper, not by the reference, so the reference
/// itself is checked too. The arithmetic is in the comments.
///
/// Example ranges: 3.2.34.0/26 af-south-1 AMAZON and EC2 (primary: EC2); 13.34.37.64/27
/// ap-southeast-4 AMAZON; 13.34.66.0/27 us-east-1 AMAZON; three more that these inputs miss.
struct SummarizeHandCheckedTests {
    /// `datasets/example/flows.log`: nine OK records, one NODATA, one SKIPDATA.
    ///
    /// src PRIVATE = records 1,2,3,5,8: packets 20+20+310+42+4 = 396, bytes 4249+4249+402113+8800+336 = 419747.
    /// dst PRIVATE = records 1,2,4,6,7: packets 20+20+280+18+4 = 342, bytes 4249+4249+12480+2300+336 = 23614.
    /// INTERNET on both sides = records 7 or 8 (203.0.113.12) and 9 (2001:db8::/32 is not private):
    /// 4+54 = 58 packets, 336+8855 = 9191 bytes. Equal bytes sort by side: `dst` before `src`.
    static let v2Services = """
        side,region,service,flows,packets,bytes
        src,-,PRIVATE,5,396,419747
        dst,af-south-1,EC2,1,310,402113
        dst,-,PRIVATE,5,342,23614
        src,af-south-1,EC2,1,280,12480
        dst,-,INTERNET,2,58,9191
        src,-,INTERNET,2,58,9191
        dst,ap-southeast-4,AMAZON,1,42,8800
        src,us-east-1,AMAZON,1,18,2300

        """

    /// `all`: 3.2.34.5 is in both af-south-1 entries, so it counts for AMAZON and for EC2.
    static let v2ServicesAll = """
        side,region,service,flows,packets,bytes
        src,-,PRIVATE,5,396,419747
        dst,af-south-1,AMAZON,1,310,402113
        dst,af-south-1,EC2,1,310,402113
        dst,-,PRIVATE,5,342,23614
        src,af-south-1,AMAZON,1,280,12480
        src,af-south-1,EC2,1,280,12480
        dst,-,INTERNET,2,58,9191
        src,-,INTERNET,2,58,9191
        dst,ap-southeast-4,AMAZON,1,42,8800
        src,us-east-1,AMAZON,1,18,2300

        """

    /// One row per record here; the two 4249-byte rows differ only by action, the two 336-byte
    /// rows by source service (INTERNET before PRIVATE).
    static let v2Paths = """
        src_region,src_service,dst_region,dst_service,action,flows,packets,bytes
        -,PRIVATE,af-south-1,EC2,ACCEPT,1,310,402113
        af-south-1,EC2,-,PRIVATE,ACCEPT,1,280,12480
        -,INTERNET,-,INTERNET,ACCEPT,1,54,8855
        -,PRIVATE,ap-southeast-4,AMAZON,ACCEPT,1,42,8800
        -,PRIVATE,-,PRIVATE,ACCEPT,1,20,4249
        -,PRIVATE,-,PRIVATE,REJECT,1,20,4249
        us-east-1,AMAZON,-,PRIVATE,ACCEPT,1,18,2300
        -,INTERNET,-,PRIVATE,ACCEPT,1,4,336
        -,PRIVATE,-,INTERNET,REJECT,1,4,336

        """

    /// The notebook's CSV: no counters (all 0, so rows sort by key alone), no action (`-`), no
    /// log-status. 172.32.0.10 is just outside 172.16.0.0/12, so INTERNET.
    static let csvServices = """
        side,region,service,flows,packets,bytes
        dst,-,PRIVATE,3,0,0
        dst,ap-southeast-4,AMAZON,1,0,0
        src,-,INTERNET,1,0,0
        src,-,PRIVATE,2,0,0
        src,af-south-1,EC2,1,0,0

        """

    static let csvServicesAll = """
        side,region,service,flows,packets,bytes
        dst,-,PRIVATE,3,0,0
        dst,ap-southeast-4,AMAZON,1,0,0
        src,-,INTERNET,1,0,0
        src,-,PRIVATE,2,0,0
        src,af-south-1,AMAZON,1,0,0
        src,af-south-1,EC2,1,0,0

        """

    static let csvPaths = """
        src_region,src_service,dst_region,dst_service,action,flows,packets,bytes
        -,INTERNET,ap-southeast-4,AMAZON,-,1,0,0
        -,PRIVATE,-,PRIVATE,-,2,0,0
        af-south-1,EC2,-,PRIVATE,-,1,0,0

        """

    struct Case: Sendable, CustomTestStringConvertible {
        let fixture: String
        let services: String
        let servicesAll: String
        let paths: String
        /// data lines, ok, nodata, skipdata, malformed, headers, blank
        let counts: [Int]
        var testDescription: String { fixture }
    }

    static let cases = [
        Case(fixture: "v2-header", services: v2Services, servicesAll: v2ServicesAll, paths: v2Paths, counts: [11, 9, 1, 1, 0, 1, 0]),
        Case(fixture: "notebook-csv", services: csvServices, servicesAll: csvServicesAll, paths: csvPaths, counts: [4, 4, 0, 0, 0, 1, 0]),
    ]

    @Test("reports worked out by hand", arguments: cases)
    func handChecked(_ hand: Case) async throws {
        let fixture = SummarizeFixture.named(hand.fixture)
        let run = await SummarizeHarness.run([fixture.inputPath], index: try fixture.index(), options: try fixture.options())
        let reference = try fixture.reference()
        for (what, bytes) in [("engine", [run.servicesPrimary, run.servicesAll, run.paths]),
                              ("reference", [reference.primaryServices, reference.allServices, reference.paths])] {
            SummarizeHarness.expectSame(bytes[0], Array(hand.services.utf8), "\(what) services.csv")
            SummarizeHarness.expectSame(bytes[1], Array(hand.servicesAll.utf8), "\(what) services.csv (all)")
            SummarizeHarness.expectSame(bytes[2], Array(hand.paths.utf8), "\(what) paths.csv")
        }
        let r = run.result.aggregate.records
        #expect([r.dataLines, r.ok, r.nodata, r.skipdata, r.malformed, r.headers, r.blank] == hand.counts)
    }

    /// The malformed fixture: a header, then 17 pairs (good line, malformed line), then one good
    /// line: 36 lines, 35 data lines, 18 OK, 17 malformed on lines 3, 5, ..., 35; the samples are
    /// the first ten, lines 3 to 21.
    @Test func malformedFixtureCountedByHand() async throws {
        let fixture = SummarizeFixture.named("malformed")
        let run = await SummarizeHarness.run([fixture.inputPath], index: try fixture.index(), options: try fixture.options())
        let r = run.result.aggregate.records
        #expect([r.dataLines, r.ok, r.malformed, r.headers, r.blank] == [35, 18, 17, 1, 0])
        #expect(run.result.samples.map(\.line) == Array(stride(from: 3, through: 21, by: 2)))
        #expect(run.result.inputs.map(\.malformed) == [17])
        #expect(run.result.inputs.map(\.lines) == [36])
        let reasons = run.result.samples.map(\.reason)
        let expected = ["fields", "fields", "srcaddr", "srcaddr", "srcaddr", "dstaddr", "dstaddr", "packets", "packets", "bytes"]
        for (reason, keyword) in zip(reasons, expected) { #expect(reason.contains(keyword), "\(reason)") }
    }
}
