import FlowIO
import Foundation
import Testing

@testable import FlowEngine

/// ports.csv, interfaces.csv and timeline.csv on a fixture whose every figure was computed by hand
/// (in the comments), with start times on each side of the 5-minute, hour and day edges; and the
/// protocol names held to the machine's /etc/protocols.
struct DetailReportsTests {
    /// Records, default format. 1700000000 is 2023-11-14T22:13:20Z; 1700000100 is 22:15:00Z (a
    /// 5-minute edge), 1700002800 is 23:00:00Z (an hour), 1700006400 is 2023-11-15T00:00:00Z (a day).
    static let lines = [
        // 1: tcp/443, eni-aaa, 22:14:59 (5m bucket 22:10, hour 22:00)
        "2 123456789012 eni-aaa 10.0.0.5 8.8.8.8 40000 443 6 10 1000 1700000099 1700000150 ACCEPT OK",
        // 2: tcp/443, eni-aaa, 22:15:00 (5m bucket 22:15)
        "2 123456789012 eni-aaa 10.0.0.5 8.8.8.8 40001 443 6 5 500 1700000100 1700000160 ACCEPT OK",
        // 3: tcp/22 rejected, eni-bbb, 22:59:59 (5m 22:55, hour 22:00)
        "2 123456789012 eni-bbb 8.8.8.8 10.0.0.5 53 22 6 1 40 1700002799 1700002800 REJECT OK",
        // 4: tcp/22 rejected, eni-bbb, 23:00:00 (hour 23:00)
        "2 123456789012 eni-bbb 8.8.8.8 10.0.0.5 53 22 6 2 80 1700002800 1700002860 REJECT OK",
        // 5: udp/53, eni-aaa, 2023-11-15T00:00:00 (next day)
        "2 123456789012 eni-aaa 10.0.0.5 8.8.4.4 123 53 17 3 300 1700006400 1700006460 ACCEPT OK",
        // 6: no interface, no ports, no protocol, no start, no action
        "2 123456789012 - 10.0.0.6 8.8.8.8 - - - 4 200 - - - OK",
        // 7: port 99999 and protocol 300 are no port and no protocol; start in milliseconds (22:15:00)
        "2 123456789012 eni-aaa 10.0.0.5 8.8.8.8 1 99999 300 7 700 1700000100000 1700000100500 ACCEPT OK",
        // 8: NODATA: counted as a record, not in any report
        "2 123456789012 eni-ccc - - - - - - - 1700000000 1700000060 - NODATA",
    ]

    static func partial(_ text: String = lines.joined(separator: "\n") + "\n", name: String = "fixture.log") async throws -> Partial {
        try await SummarizeHarness.withScratchDirectory { directory in
            let path = "\(directory)/\(name)"
            try SummarizeHarness.write(Array(text.utf8), to: path)
            let result = await SummarizeJob.run(
                [.file(path)], index: try SummarizeHarness.index(.example), options: Self.options)
            return Partial(result, options: [:], version: "test")
        }
    }

    static var options: SummarizeOptions {
        var options = SummarizeOptions(jobs: 2)
        options.timelineBucket = .fiveMinutes
        options.countsInterfaces = true
        return options
    }

    static func text(_ bytes: [UInt8]?) -> String { bytes.map { String(decoding: $0, as: UTF8.self) } ?? "(absent)" }

    @Test func portsByBytesWithRejects() async throws {
        let partial = try await Self.partial()
        #expect(partial.records.ok == 7 && partial.records.nodata == 1 && partial.records.malformed == 0)
        // tcp/443: records 1, 2; -/-: 6, 7; udp/53: 5; tcp/22: 3, 4 (both rejected).
        #expect(
            Self.text(PortsReport.csv(PortsReport.rows(partial, top: 100))) == """
                protocol,port,flows,packets,bytes,rejected_flows
                tcp,443,2,15,1500,0
                -,-,2,11,900,0
                udp,53,1,3,300,0
                tcp,22,2,3,120,2

                """)
        #expect(
            Self.text(PortsReport.csv(PortsReport.rows(partial, top: 2))) == """
                protocol,port,flows,packets,bytes,rejected_flows
                tcp,443,2,15,1500,0
                -,-,2,11,900,0

                """)
    }

    @Test func interfacesWhenTheLogsHaveThem() async throws {
        let partial = try await Self.partial()
        // eni-aaa: 1, 2, 5, 7; eni-bbb: 3, 4; eni-ccc only NODATA; record 6 has none.
        #expect(
            Self.text(InterfacesReport.csv(partial)) == """
                interface_id,flows,packets,bytes,accepted_flows,rejected_flows
                eni-aaa,4,25,2500,4,0
                eni-bbb,2,3,120,0,2

                """)
        // A layout without interface-id: no report at all (not an empty one).
        let csv = try await Self.partial("srcaddr,dstaddr,packets,bytes\n10.0.0.5,8.8.8.8,1,2\n", name: "notebook.csv")
        #expect(csv.interfaces == nil && InterfacesReport.csv(csv) == nil)
        // A header that names it, with no OK record: the report, empty.
        let header = "version srcaddr dstaddr interface-id log-status\n2 - - eni-x NODATA\n"
        let empty = try await Self.partial(header, name: "nodata.log")
        #expect(Self.text(InterfacesReport.csv(empty)) == "interface_id,flows,packets,bytes,accepted_flows,rejected_flows\n")
    }

    @Test func timelineBucketEdges() async throws {
        let partial = try await Self.partial()
        #expect(
            Self.text(TimelineReport.csv(TimelineReport.rows(partial, bucket: .fiveMinutes))) == """
                bucket_start,side,region,service,flows,packets,bytes
                2023-11-14T22:10:00Z,src,-,PRIVATE,1,10,1000
                2023-11-14T22:10:00Z,dst,-,INTERNET,1,10,1000
                2023-11-14T22:15:00Z,src,-,PRIVATE,2,12,1200
                2023-11-14T22:15:00Z,dst,-,INTERNET,2,12,1200
                2023-11-14T22:55:00Z,src,-,INTERNET,1,1,40
                2023-11-14T22:55:00Z,dst,-,PRIVATE,1,1,40
                2023-11-14T23:00:00Z,src,-,INTERNET,1,2,80
                2023-11-14T23:00:00Z,dst,-,PRIVATE,1,2,80
                2023-11-15T00:00:00Z,src,-,PRIVATE,1,3,300
                2023-11-15T00:00:00Z,dst,-,INTERNET,1,3,300
                ,src,-,PRIVATE,1,4,200
                ,dst,-,INTERNET,1,4,200

                """)
        #expect(
            Self.text(TimelineReport.csv(TimelineReport.rows(partial, bucket: .hour))) == """
                bucket_start,side,region,service,flows,packets,bytes
                2023-11-14T22:00:00Z,src,-,INTERNET,1,1,40
                2023-11-14T22:00:00Z,src,-,PRIVATE,3,22,2200
                2023-11-14T22:00:00Z,dst,-,INTERNET,3,22,2200
                2023-11-14T22:00:00Z,dst,-,PRIVATE,1,1,40
                2023-11-14T23:00:00Z,src,-,INTERNET,1,2,80
                2023-11-14T23:00:00Z,dst,-,PRIVATE,1,2,80
                2023-11-15T00:00:00Z,src,-,PRIVATE,1,3,300
                2023-11-15T00:00:00Z,dst,-,INTERNET,1,3,300
                ,src,-,PRIVATE,1,4,200
                ,dst,-,INTERNET,1,4,200

                """)
        #expect(
            Self.text(TimelineReport.csv(TimelineReport.rows(partial, bucket: .day))) == """
                bucket_start,side,region,service,flows,packets,bytes
                2023-11-14T00:00:00Z,src,-,INTERNET,2,3,120
                2023-11-14T00:00:00Z,src,-,PRIVATE,3,22,2200
                2023-11-14T00:00:00Z,dst,-,INTERNET,3,22,2200
                2023-11-14T00:00:00Z,dst,-,PRIVATE,2,3,120
                2023-11-15T00:00:00Z,src,-,PRIVATE,1,3,300
                2023-11-15T00:00:00Z,dst,-,INTERNET,1,3,300
                ,src,-,PRIVATE,1,4,200
                ,dst,-,INTERNET,1,4,200

                """)
    }

    @Test func aStartAfterTheYear9999HasNoBucket() async throws {
        // 253402300799 is 9999-12-31T23:59:59Z; one second later is no time ISO 8601 writes. Both
        // are below 10^11 * 1000 and above 10^11, so they are read as milliseconds: use seconds
        // that stay seconds (at most 10^11) for the edge, and a millisecond value past it.
        let text = """
            2 1 eni-a 10.0.0.5 8.8.8.8 1 2 6 1 10 99999999999 99999999999 ACCEPT OK
            2 1 eni-a 10.0.0.5 8.8.8.8 1 2 6 1 10 253402300800000 253402300800000 ACCEPT OK
            2 1 eni-a 10.0.0.5 8.8.8.8 1 2 6 1 10 253402300799000 253402300799000 ACCEPT OK

            """
        let partial = try await Self.partial(text, name: "far.log")
        #expect(
            Self.text(TimelineReport.csv(TimelineReport.rows(partial, bucket: .day))) == """
                bucket_start,side,region,service,flows,packets,bytes
                5138-11-16T00:00:00Z,src,-,PRIVATE,1,1,10
                5138-11-16T00:00:00Z,dst,-,INTERNET,1,1,10
                9999-12-31T00:00:00Z,src,-,PRIVATE,1,1,10
                9999-12-31T00:00:00Z,dst,-,INTERNET,1,1,10
                ,src,-,PRIVATE,1,1,10
                ,dst,-,INTERNET,1,1,10

                """)
    }

    @Test func detailsMergeAndRoundTripThroughTheCodec() async throws {
        let whole = try await Self.partial()
        var first = try await Self.partial(Self.lines.prefix(3).joined(separator: "\n") + "\n", name: "a.log")
        let second = try await Self.partial(Self.lines.dropFirst(3).joined(separator: "\n") + "\n", name: "b.log")
        try first.merge(second)
        #expect(first.ports == whole.ports && first.interfaces == whole.interfaces && first.timeline == whole.timeline)
        for partial in [whole, first, try await Self.partial("srcaddr,dstaddr\n10.0.0.1,10.0.0.2\n", name: "x.csv")] {
            #expect(try PartialCodec.decode(PartialCodec.encode(partial)) == partial)
        }
    }

    /// A partial as a vpcflow before these reports wrote it (the same container without the
    /// interfaces, ports and timeline components) is refused by name, not read as if they were empty.
    @Test func aPartialWithoutTheNewComponentsIsRefused() async throws {
        let bytes = PartialCodec.encode(try await Self.partial())
        var r = 16
        func varint() -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let byte = bytes[r]
                r += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return value }
                shift += 7
            }
        }
        func encode(_ value: UInt64) -> [UInt8] {
            var value = value
            var out: [UInt8] = []
            repeat {
                out.append(UInt8(value & 0x7F) | (value >= 0x80 ? 0x80 : 0))
                value >>= 7
            } while value > 0
            return out
        }
        let version = varint()
        let count = Int(varint())
        var kept: [[UInt8]] = []
        for _ in 0..<count {
            let start = r
            let nameLength = Int(varint())
            let name = String(decoding: bytes[r..<(r + nameLength)], as: UTF8.self)
            r += nameLength
            _ = varint()
            let length = Int(varint())
            r += length
            if !["interfaces", "ports", "timeline"].contains(name) { kept.append(Array(bytes[start..<r])) }
        }
        #expect(kept.count == count - 3)
        var body = Array(bytes[..<16]) + encode(version) + encode(UInt64(kept.count))
        for frame in kept { body += frame }
        let old = body + SHA256.hash(body)
        #expect(
            throws: PartialCodec.DecodeError(
                "component \"interfaces\" is missing: the partial was written by an earlier vpcflow, which did not count interfaces; run summarize on its inputs again")
        ) { try PartialCodec.decode(old) }
    }

    @Test func protocolNamesAreTheSystemsNames() throws {
        guard let text = try? String(contentsOfFile: "/etc/protocols", encoding: .utf8) else {
            print("skipped: no /etc/protocols on this machine to compare the protocol names with")
            return
        }
        var names: [UInt16: Set<String>] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "#", maxSplits: 1).first?.split(whereSeparator: { $0 == " " || $0 == "\t" }) ?? []
            guard fields.count >= 2, let number = UInt16(fields[1]) else { continue }
            names[number, default: []].insert(String(fields[0]))
        }
        #expect(names[6]?.contains("tcp") == true, "/etc/protocols is readable")
        for (number, name) in ProtocolNames.table {
            #expect(names[number]?.contains(name) == true, "protocol \(number): \(name), /etc/protocols says \(names[number] ?? [])")
        }
        #expect(ProtocolNames.name(253) == "253")
    }
}
