import Testing

@testable import FlowEngine

/// Record layouts and format detection: the default v2 layout; header lines of every shape in
/// `reference/flowlog-format.md` §5 and §9 (and Athena / `${}` spellings), told apart from every
/// example record there; CSV with and without a header; and the line and field splitters.
/// Column numbers are counted by hand from the reference's format strings.
struct RecordLayoutTests {
    private typealias Role = FlowField.Role

    /// The judged roles (not the detail fields, which have tests of their own below).
    private static let judged = Role.allCases.filter { !$0.isDetail }

    /// The judged role columns of a layout, in `Role` order (nil where absent).
    private static func columns(_ layout: RecordLayout) -> [Int?] {
        judged.map { layout.column(of: $0) }
    }

    /// dstport, protocol, interface-id columns.
    private static func detailColumns(_ layout: RecordLayout) -> [Int?] {
        [layout.column(of: .dstport), layout.column(of: .protocol), layout.column(of: .interfaceId)]
    }

    @Test func detailFieldsAreFoundButNeverRefuseAHeader() throws {
        #expect(Self.detailColumns(RecordLayout.defaultFormat) == [6, 7, 2])
        // Athena's spelling, any case.
        let athena = try RecordLayout.awsText(fields: ["srcaddr", "dstaddr", "DSTPORT", "Protocol", "interface_id"])
        #expect(Self.detailColumns(athena) == [2, 3, 4])
        // Named twice: the first column counts (a repeated judged field is still refused).
        let twice = try RecordLayout.awsText(fields: ["protocol", "srcaddr", "dstaddr", "protocol", "dstport", "dstport"])
        #expect(Self.detailColumns(twice) == [4, 0, nil])
        #expect(throws: LayoutError.self) { try RecordLayout.awsText(fields: ["srcaddr", "dstaddr", "bytes", "bytes"]) }
        // The notebook's CSV rule (addresses in the first two columns when the header names neither)
        // is decided by the judged fields only, and a detail field there gives way to the address.
        let csv = try RecordLayout.csv(header: ["protocol", "b", "dstport"])
        #expect(Self.columns(csv).prefix(2) == [0, 1])
        #expect(Self.detailColumns(csv) == [2, nil, nil])
    }

    private static func detect(_ line: String, fields: RecordLayout? = nil) throws(LayoutError) -> DetectedFormat {
        let bytes = Array(line.utf8)
        return try DetectedFormat.detect(firstLine: bytes.span, fields: fields)
    }

    private static func isHeader(_ line: String) -> Bool {
        EngineFixtures.withSpan(line) { LineScanning.isHeaderLine($0) }
    }

    // MARK: - Default layout

    @Test func defaultLayoutIsVersion2() {
        let layout = RecordLayout.defaultFormat
        #expect(layout.separator == .spaces)
        #expect(layout.fieldNames == [
            "version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol", "packets",
            "bytes", "start", "end", "action", "log-status",
        ])
        // srcaddr dstaddr packets bytes start end action log-status
        #expect(Self.columns(layout) == [3, 4, 8, 9, 10, 11, 12, 13])
    }

    // MARK: - Header lines

    struct Header: Sendable, CustomTestStringConvertible {
        let name: String
        let line: String
        let fieldCount: Int
        /// srcaddr, dstaddr, packets, bytes, start, end, action, log-status.
        let columns: [Int?]
        var testDescription: String { name }
    }

    static let headers: [Header] = [
        Header(
            name: "v2 default",
            line: "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status",
            fieldCount: 14, columns: [3, 4, 8, 9, 10, 11, 12, 13]),
        Header(
            name: "v3 custom, bytes before packets",
            line: "version vpc-id subnet-id instance-id interface-id account-id type srcaddr dstaddr srcport dstport pkt-srcaddr pkt-dstaddr protocol bytes packets start end action tcp-flags log-status",
            fieldCount: 21, columns: [7, 8, 15, 14, 16, 17, 18, 20]),
        Header(
            name: "v3 transit-gateway path",
            line: "version interface-id account-id vpc-id subnet-id instance-id srcaddr dstaddr srcport dstport protocol tcp-flags type pkt-srcaddr pkt-dstaddr action log-status",
            fieldCount: 17, columns: [6, 7, nil, nil, nil, nil, 15, 16]),
        Header(
            name: "v5 custom",
            line: "version srcaddr dstaddr srcport dstport protocol start end type packets bytes account-id vpc-id subnet-id instance-id interface-id region az-id sublocation-type sublocation-id action tcp-flags pkt-srcaddr pkt-dstaddr pkt-src-aws-service pkt-dst-aws-service traffic-path flow-direction log-status",
            fieldCount: 29, columns: [1, 2, 9, 10, 6, 7, 20, 28]),
        Header(
            name: "NAT example, no version",
            line: "instance-id interface-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr",
            fieldCount: 6, columns: [2, 3, nil, nil, nil, nil, nil, nil]),
        Header(
            name: "transit gateway v6",
            line: "version resource-type account-id tgw-id tgw-attachment-id tgw-src-vpc-account-id tgw-dst-vpc-account-id tgw-src-vpc-id tgw-dst-vpc-id tgw-src-subnet-id tgw-dst-subnet-id tgw-src-eni tgw-dst-eni tgw-src-az-id tgw-dst-az-id tgw-pair-attachment-id srcaddr dstaddr srcport dstport protocol packets bytes start end log-status type packets-lost-no-route packets-lost-blackhole packets-lost-mtu-exceeded packets-lost-ttl-expired tcp-flags region flow-direction pkt-src-aws-service pkt-dst-aws-service",
            fieldCount: 36, columns: [16, 17, 21, 22, 23, 24, nil, 25]),
        Header(
            name: "Athena underscores",
            line: "version account_id interface_id srcaddr dstaddr srcport dstport protocol packets bytes start end action log_status",
            fieldCount: 14, columns: [3, 4, 8, 9, 10, 11, 12, 13]),
        Header(
            name: "${} format string",
            line: "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}",
            fieldCount: 14, columns: [3, 4, 8, 9, 10, 11, 12, 13]),
        Header(
            name: "v10 encryption example",
            line: "${encryption-status} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${traffic-path} ${flow-direction} ${reject-reason}",
            fieldCount: 9, columns: [1, 2, nil, nil, nil, nil, nil, nil]),
        Header(
            name: "unknown names carried, upper case, tabs and extra spaces",
            line: "  DSTADDR\tmy-extra-field  SrcAddr custom_2 Bytes  ",
            fieldCount: 5, columns: [2, 0, nil, 4, nil, nil, nil, nil]),
    ]

    @Test(arguments: headers)
    func headerLineFixesTheLayout(_ h: Header) throws {
        #expect(Self.isHeader(h.line))
        let format = try Self.detect(h.line)
        #expect(format.kind == .awsText)
        #expect(format.firstLineIsHeader)
        #expect(format.layout.separator == .spaces)
        #expect(format.layout.fieldNames.count == h.fieldCount)
        #expect(Self.columns(format.layout) == h.columns)
    }

    @Test func unknownNamesAreKeptInTheLayout() throws {
        let format = try Self.detect("srcaddr my-extra-field dstaddr")
        #expect(format.layout.fieldNames == ["srcaddr", "my-extra-field", "dstaddr"])
        let wrapped = try RecordLayout.awsText(fields: ["${srcaddr}", "${dstaddr}", "${x-custom}"])
        #expect(wrapped.fieldNames == ["srcaddr", "dstaddr", "x-custom"])
        #expect(Self.columns(wrapped) == [0, 1, nil, nil, nil, nil, nil, nil])
    }

    @Test func unusableHeadersThrow() {
        #expect(throws: LayoutError.self) { try Self.detect("version srcaddr packets bytes") }  // no dstaddr
        #expect(throws: LayoutError.self) { try Self.detect("srcaddr dstaddr srcaddr") }  // twice
        #expect(throws: LayoutError.self) { try Self.detect("srcaddr log-status log_status dstaddr") }  // twice, two spellings
        #expect(throws: LayoutError.self) { try Self.detect("srcaddr,bytes,packets") }  // CSV naming only one address
        #expect(throws: LayoutError.self) { try RecordLayout.awsText(fields: ["version", "account-id"]) }
    }

    // MARK: - Records are not headers

    /// Every example record of reference §5, §8 and §9 (verbatim), and a few variants of them.
    static let exampleRecords: [String] = [
        "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK",
        "2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 20 4249 1418530010 1418530070 REJECT OK",
        "2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA",
        "2 123456789010 eni-11111111aaaaaaaaa - - - - - - - 1431280876 1431280934 - SKIPDATA",
        "2 123456789010 eni-1235b8ca123456789 203.0.113.12 172.31.16.139 0 0 1 4 336 1432917027 1432917142 ACCEPT OK",
        "2 123456789010 eni-1235b8ca123456789 172.31.16.139 203.0.113.12 0 0 1 4 336 1432917094 1432917142 REJECT OK",
        "2 123456789010 eni-1235b8ca123456789 2001:db8:1234:a100:8d6e:3477:df66:f105 2001:db8:1234:a102:3304:8879:34cf:4071 34892 22 6 54 8855 1477913708 1477913820 ACCEPT OK",
        "3 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-01234567890123456 eni-1235b8ca123456789 123456789010 IPv4 52.213.180.42 10.0.0.62 43416 5001 52.213.180.42 10.0.0.62 6 568 8 1566848875 1566848933 ACCEPT 2 OK",
        "3 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-01234567890123456 eni-1235b8ca123456789 123456789010 IPv4 10.0.0.62 52.213.180.42 5001 43416 10.0.0.62 52.213.180.42 6 376 7 1566848875 1566848933 ACCEPT 18 OK",
        "3 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-01234567890123456 eni-1235b8ca123456789 123456789010 IPv4 52.213.180.42 10.0.0.62 43638 5001 52.213.180.42 10.0.0.62 6 1260 17 1566933133 1566933193 ACCEPT 3 OK",
        "3 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-01234567890123456 eni-1235b8ca123456789 123456789010 IPv4 10.0.0.62 52.213.180.42 5001 43638  10.0.0.62 52.213.180.42 6 967 14 1566933133 1566933193 ACCEPT 19 OK",
        "- eni-1235b8ca123456789 10.0.1.5 10.0.0.220 10.0.1.5 203.0.113.5",
        "- eni-1235b8ca123456789 10.0.0.220 203.0.113.5 10.0.0.220 203.0.113.5",
        "- eni-1235b8ca123456789 203.0.113.5 10.0.0.220 203.0.113.5 10.0.0.220",
        "- eni-1235b8ca123456789 10.0.0.220 10.0.1.5 203.0.113.5 10.0.1.5",
        "i-01234567890123456 eni-1111aaaa2222bbbb3 10.0.1.5 203.0.113.5 10.0.1.5 203.0.113.5 #Traffic from the source instance to host on the internet",
        "i-01234567890123456 eni-1111aaaa2222bbbb3 10.0.1.5 203.0.113.5 10.0.1.5 203.0.113.5",
        "3 eni-33333333333333333 123456789010 vpc-abcdefab012345678 subnet-22222222bbbbbbbbb i-01234567890123456 10.20.33.164 10.40.2.236 39812 80 6 3 IPv4 10.20.33.164 10.40.2.236 ACCEPT OK",
        "3 eni-11111111111111111 123456789010 vpc-abcdefab012345678 subnet-11111111aaaaaaaaa - 10.40.1.175 10.40.2.236 39812 80 6 3 IPv4 10.20.33.164 10.40.2.236 ACCEPT OK",
        "5 52.95.128.179 10.0.0.71 80 34210 6 1616729292 1616729349 IPv4 14 15044 123456789012 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-0c50d5961bcb2d47b eni-1235b8ca123456789 ap-southeast-2 apse2-az3 - - ACCEPT 19 52.95.128.179 10.0.0.71 S3 - - ingress OK",
        "5 10.0.0.71 52.95.128.179 34210 80 6 1616729292 1616729349 IPv4 7 471 123456789012 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-0c50d5961bcb2d47b eni-1235b8ca123456789 ap-southeast-2 apse2-az3 - - ACCEPT 3 10.0.0.71 52.95.128.179 - S3 8 egress OK",
        "TransitGateway 123456789123 tgw-3b86d5e89ec8ebd55 tgw-attach-3e0bbb28e9ac7e3d8  123456789123  123456789123 vpc-... - 10.100.8.1 10.200.8.2 43228 53 6 1 1600 1766848875 1766848933 OK IPv4 1 0 2 0 2 us-east-1 egress - -",
        "TransitGatewayAttachment 123456789123 tgw-3b86d5e89ec8ebd55 tgw-attach-3e0bbb28e9ac7e3d8 123456789123 123456789123 vpc-0a subnet-0bé - 10.100.8.1 10.200.8.2 43228 53 6 1 1600 1766848875 1766848933 OK IPv4 1 0 2 0 2 us-east-1 egress - -",
        "2 123456789 eni-aaaaaaaa 10.0.27.226 10.42.96.199 3604 17720 17 1 132 1502360020 1502360079 REJECT OK",
        #"{"message":"2 428961148399 eni-0123 - - - - - - - 1671029698 1671029728 - NODATA"}"#,
        "2 unknown eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK",
    ]

    @Test(arguments: exampleRecords)
    func exampleRecordIsNotAHeader(_ record: String) throws {
        #expect(!Self.isHeader(record))
        #expect(try Self.detect(record).firstLineIsHeader == false)
    }

    @Test func linesThatAreNotHeaders() {
        #expect(!Self.isHeader(""))
        #expect(!Self.isHeader("   \t "))
        #expect(!Self.isHeader("foo bar baz"))  // names, but none documented
        #expect(!Self.isHeader("ACCEPT OK"))
        #expect(!Self.isHeader("srcaddr dstaddr 1"))
        #expect(!Self.isHeader("${} srcaddr"))
        #expect(Self.isHeader("srcaddr"))
    }

    // MARK: - Detection

    @Test func awsTextWithoutHeaderUsesFieldsOrTheDefault() throws {
        let record = Self.exampleRecords[0]
        var format = try Self.detect(record)
        #expect(format.kind == .awsText && !format.firstLineIsHeader)
        #expect(format.layout == RecordLayout.defaultFormat)
        let custom = try RecordLayout.awsText(fields: ["instance-id", "interface-id", "srcaddr", "dstaddr", "pkt-srcaddr", "pkt-dstaddr"])
        format = try Self.detect(Self.exampleRecords[11], fields: custom)
        #expect(format.layout == custom && !format.firstLineIsHeader)
        #expect(Self.columns(format.layout) == [2, 3, nil, nil, nil, nil, nil, nil])
    }

    struct CSVCase: Sendable, CustomTestStringConvertible {
        let name: String
        let line: String
        let isHeader: Bool
        let columns: [Int?]
        let fieldCount: Int
        var testDescription: String { name }
    }

    static let csvCases: [CSVCase] = [
        CSVCase(name: "notebook header", line: "srcaddr,dstaddr", isHeader: true, columns: [0, 1, nil, nil, nil, nil, nil, nil], fieldCount: 2),
        CSVCase(
            name: "names in other positions", line: "start, bytes ,dstaddr,packets,srcaddr", isHeader: true,
            columns: [4, 2, 3, 1, 0, nil, nil, nil], fieldCount: 5),
        CSVCase(name: "Athena spelling", line: "log_status,dstaddr,srcaddr", isHeader: true, columns: [2, 1, nil, nil, nil, nil, nil, 0], fieldCount: 3),
        CSVCase(name: "unknown names: first two columns", line: "src_ip,dst_ip,count", isHeader: true, columns: [0, 1, nil, nil, nil, nil, nil, nil], fieldCount: 3),
        CSVCase(name: "no header, IPv4", line: "10.0.0.6,172.31.0.3", isHeader: false, columns: [0, 1, nil, nil, nil, nil, nil, nil], fieldCount: 2),
        CSVCase(name: "no header, IPv6, extra columns", line: "2001:db8::1,10.0.0.1,7,900", isHeader: false, columns: [0, 1, nil, nil, nil, nil, nil, nil], fieldCount: 4),
        // A spreadsheet that quotes every field quotes the header too.
        CSVCase(name: "quoted header names", line: "\"packets\",\"srcaddr\",\"dstaddr\"", isHeader: true, columns: [1, 2, 0, nil, nil, nil, nil, nil], fieldCount: 3),
        CSVCase(name: "quoted record, no header", line: "\"10.0.0.6\",\"172.31.0.3\"", isHeader: false, columns: [0, 1, nil, nil, nil, nil, nil, nil], fieldCount: 2),
    ]

    @Test(arguments: csvCases)
    func csvDetection(_ c: CSVCase) throws {
        let format = try Self.detect(c.line)
        #expect(format.kind == .csv)
        #expect(format.layout.separator == .comma)
        #expect(format.firstLineIsHeader == c.isHeader)
        #expect(Self.columns(format.layout) == c.columns)
        #expect(format.layout.fieldNames.count == c.fieldCount)
    }

    // MARK: - Lines and fields

    /// Each line's number and text, as `forEachLine` hands them out.
    private static func lines(_ text: String, first: Int = 1, stopAfter: Int = .max) -> [String] {
        var result: [String] = []
        EngineFixtures.withSpan(text) { span in
            LineScanning.forEachLine(in: span, firstLineNumber: first) { number, range in
                var bytes: [UInt8] = []
                for i in range { bytes.append(span[i]) }
                result.append("\(number):\(String(decoding: bytes, as: UTF8.self))")
                return result.count < stopAfter
            }
        }
        return result
    }

    @Test func forEachLineFollowsTheLineRule() {
        #expect(Self.lines("") == [])
        #expect(Self.lines("\n") == ["1:"])
        #expect(Self.lines("a") == ["1:a"])  // last line without newline
        #expect(Self.lines("a\n") == ["1:a"])
        #expect(Self.lines("a\nb\r\nc") == ["1:a", "2:b", "3:c"])
        #expect(Self.lines("a\r\nb\r\n") == ["1:a", "2:b"])  // CRLF
        #expect(Self.lines("\r\n\r\n") == ["1:", "2:"])
        #expect(Self.lines("a\n\n \nb\n") == ["1:a", "2:", "3: ", "4:b"])  // empty lines are lines
        #expect(Self.lines("x\ry\n") == ["1:x\ry"])  // a lone CR inside a line stays
        #expect(Self.lines("a\nb\n", first: 41) == ["41:a", "42:b"])
        #expect(Self.lines("a\nb\nc\n", stopAfter: 2) == ["1:a", "2:b"])
    }

    @Test func blankAndTokens() {
        #expect(EngineFixtures.withSpan("") { LineScanning.isBlank($0) })
        #expect(EngineFixtures.withSpan(" \t  ") { LineScanning.isBlank($0) })
        #expect(!EngineFixtures.withSpan("  -") { LineScanning.isBlank($0) })
        #expect(EngineFixtures.withSpan("  a\t\tb  c ") { LineScanning.tokens($0, separator: .spaces) } == ["a", "b", "c"])
        #expect(EngineFixtures.withSpan("a, b ,,c") { LineScanning.tokens($0, separator: .comma) } == ["a", "b", "", "c"])
        #expect(EngineFixtures.withSpan("a,") { LineScanning.tokens($0, separator: .comma) } == ["a", ""])
    }

    /// The line split by `layout`: the field count and the text of each role (nil where absent).
    private static func split(_ layout: RecordLayout, _ line: String, into fields: inout RecordFields) -> (Int, [String?]) {
        let bytes = Array(line.utf8)
        let count = layout.split(bytes.span, into: &fields)
        #expect(fields.fieldCount == count)
        let texts = judged.map { role in fields.range(of: role).map { String(decoding: bytes[$0], as: UTF8.self) } }
        return (count, texts)
    }

    @Test func splitSpaceSeparatedRecords() throws {
        var fields = RecordFields()
        let v2 = RecordLayout.defaultFormat
        let expected: [String?] = ["172.31.16.139", "172.31.16.21", "20", "4249", "1418530010", "1418530070", "ACCEPT", "OK"]
        for line in [
            "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK",
            "  2  123456789010\teni-1235b8ca123456789 172.31.16.139\t\t172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK \t ",
        ] {
            let (count, texts) = Self.split(v2, line, into: &fields)
            #expect(count == 14)
            #expect(texts == expected)
            let bytes = Array(line.utf8)
            let details = [Role.dstport, .protocol, .interfaceId].map { role in
                fields.range(of: role).map { String(decoding: bytes[$0], as: UTF8.self) }
            }
            #expect(details == ["22", "6", "eni-1235b8ca123456789"])
        }
        // The v3 example with two spaces after 43638: bytes before packets.
        let v3 = try Self.detect(Self.headers[1].line).layout
        let (count, texts) = Self.split(v3, Self.exampleRecords[10], into: &fields)
        #expect(count == 21)
        #expect(texts == ["10.0.0.62", "52.213.180.42", "14", "967", "1566933133", "1566933193", "ACCEPT", "OK"])
        // An empty line, then a short line after a full one: nothing stale is left.
        #expect(Self.split(v2, "", into: &fields).0 == 0)
        #expect(Self.split(v2, "   ", into: &fields).1 == Array(repeating: nil, count: 8))
        let short = Self.split(v2, "2 1 eni-1 10.0.0.1", into: &fields)
        #expect(short.0 == 4 && short.1 == ["10.0.0.1", nil, nil, nil, nil, nil, nil, nil])
        // More columns than the layout: counted, roles still found.
        #expect(Self.split(v2, Self.exampleRecords[0] + " extra #note", into: &fields).0 == 16)
    }

    @Test func splitCSVFields() throws {
        var fields = RecordFields()
        let layout = try RecordLayout.csv(header: ["srcaddr", "dstaddr", "packets", "bytes"])
        var (count, texts) = Self.split(layout, " 10.0.0.6 , \"172.31.0.3\" ,5,", into: &fields)
        #expect(count == 4)
        #expect(texts == ["10.0.0.6", "172.31.0.3", "5", "", nil, nil, nil, nil])
        (count, texts) = Self.split(layout, "\"\",\"2001:db8::1\",\",7", into: &fields)
        #expect(count == 4)
        #expect(texts == ["", "2001:db8::1", "\"", "7", nil, nil, nil, nil])  // "" emptied; a lone " kept
        #expect(Self.split(layout, ",", into: &fields).0 == 2)
        #expect(Self.split(layout, "", into: &fields).0 == 0)
        (count, texts) = Self.split(RecordLayout.csvWithoutHeader(fieldCount: 2), "3.2.34.5,172.31.0.15,1,2", into: &fields)
        #expect(count == 4 && texts[0] == "3.2.34.5" && texts[1] == "172.31.0.15" && texts[2] == nil)
    }
}
