import Testing

@testable import FlowEngine

/// `LabelsLoader`: the user's `cidr,label[,region]` CSV. Accepted shapes (header row or none,
/// comments, blank lines, CRLF, spaces and quotes around fields, IPv6, region present, absent or
/// empty) and refused rows, each error naming the file and the line number.
struct LabelsLoaderTests {
    /// `(cidr, service, region)` of each loaded entry, or the error.
    private static func load(_ text: String) throws(RangesError) -> [String] {
        try load(Array(text.utf8))
    }

    private static func load(_ bytes: [UInt8]) throws(RangesError) -> [String] {
        try LabelsLoader.load(bytes, path: "labels.csv").map { "\($0.prefix) \($0.service) \($0.region)" }
    }

    private static func error(_ text: String) -> RangesError? {
        error(Array(text.utf8))
    }

    private static func error(_ bytes: [UInt8]) -> RangesError? {
        do {
            _ = try LabelsLoader.load(bytes, path: "labels.csv")
            return nil
        } catch {
            return error
        }
    }

    @Test func entriesAreLabelsWithTheirRegion() throws {
        let entries = try LabelsLoader.load(Array("10.0.0.0/16,prod-vpc,us-east-1\n192.168.0.0/16,office\n".utf8), path: "l.csv")
        #expect(entries.count == 2)
        #expect(entries[0] == RangeEntry(prefix: try IPPrefix("10.0.0.0/16"), region: "us-east-1", service: "prod-vpc", networkBorderGroup: "us-east-1", origin: .label))
        #expect(entries[1] == RangeEntry(prefix: try IPPrefix("192.168.0.0/16"), region: "-", service: "office", networkBorderGroup: "-", origin: .label))
        #expect(entries[0].notebookLabel == "us-east-1_prod-vpc_10.0.0.0/16")
        #expect(entries[1].notebookLabel == "-_office_192.168.0.0/16")
    }

    struct Accepted: Sendable, CustomTestStringConvertible {
        let name: String
        let text: String
        let expected: [String]
        var testDescription: String { name }
    }

    static let accepted: [Accepted] = [
        Accepted(name: "no header", text: "10.0.0.0/8,corp\n", expected: ["10.0.0.0/8 corp -"]),
        Accepted(name: "header row", text: "cidr,label,region\n10.0.0.0/8,corp,eu-west-1\n", expected: ["10.0.0.0/8 corp eu-west-1"]),
        Accepted(name: "header in capitals", text: "CIDR,Label\n10.0.0.0/8,corp\n", expected: ["10.0.0.0/8 corp -"]),
        Accepted(name: "comment before header", text: "# our networks\ncidr,label\n10.0.0.0/8,corp", expected: ["10.0.0.0/8 corp -"]),
        Accepted(
            name: "comments and blank lines",
            text: "\n# first\n10.0.0.0/8,corp\n\n   \n#10.1.0.0/16,commented-out\n172.16.0.0/12,lab\n",
            expected: ["10.0.0.0/8 corp -", "172.16.0.0/12 lab -"]),
        Accepted(
            name: "CRLF", text: "cidr,label,region\r\n10.0.0.0/8,corp,us-east-1\r\n192.0.2.0/24,partner\r\n",
            expected: ["10.0.0.0/8 corp us-east-1", "192.0.2.0/24 partner -"]),
        Accepted(name: "no final newline", text: "10.0.0.0/8,corp", expected: ["10.0.0.0/8 corp -"]),
        Accepted(
            name: "spaces and tabs around fields", text: "  10.0.0.0/8 ,\tcorp , us-east-1 \n",
            expected: ["10.0.0.0/8 corp us-east-1"]),
        Accepted(
            name: "quoted fields", text: "\"cidr\",\"label\"\n\"10.0.0.0/8\",\"corp\",\"us-east-1\"\n",
            expected: ["10.0.0.0/8 corp us-east-1"]),
        Accepted(
            name: "IPv6", text: "fd00::/8,ula\n2001:db8:1234::/48,partner,eu-central-1\n",
            expected: ["fd00::/8 ula -", "2001:db8:1234::/48 partner eu-central-1"]),
        Accepted(name: "empty region", text: "10.0.0.0/8,corp,\n", expected: ["10.0.0.0/8 corp -"]),
        Accepted(name: "empty region with spaces", text: "10.0.0.0/8,corp,  \n", expected: ["10.0.0.0/8 corp -"]),
        Accepted(name: "single address", text: "203.0.113.7/32,bastion\n", expected: ["203.0.113.7/32 bastion -"]),
        Accepted(name: "empty file", text: "", expected: []),
        Accepted(name: "only a header", text: "cidr,label\n", expected: []),
        Accepted(
            name: "file order and duplicates kept", text: "10.0.0.0/8,b\n10.0.0.0/8,a\n10.0.0.0/8,b\n",
            expected: ["10.0.0.0/8 b -", "10.0.0.0/8 a -", "10.0.0.0/8 b -"]),
    ]

    @Test(arguments: accepted)
    func accepts(_ c: Accepted) throws {
        #expect(try Self.load(c.text) == c.expected)
    }

    struct Refused: Sendable, CustomTestStringConvertible {
        let name: String
        let text: String
        let line: Int
        let fragment: String
        var testDescription: String { name }
    }

    static let refused: [Refused] = [
        Refused(name: "host bits", text: "cidr,label\n10.0.0.0/8,a\n10.0.0.1/8,corp\n", line: 3, fragment: "10.0.0.0/8"),
        Refused(name: "bad CIDR", text: "# c\n\n300.0.0.0/8,corp\n", line: 3, fragment: "300.0.0.0/8"),
        Refused(name: "no length", text: "10.0.0.0,corp\n", line: 1, fragment: "10.0.0.0"),
        Refused(name: "IPv6 host bits", text: "fd00::1/8,ula\n", line: 1, fragment: "fd00::/8"),
        Refused(name: "empty label", text: "10.0.0.0/8,a\n10.1.0.0/16,\n", line: 2, fragment: "empty label"),
        Refused(name: "quoted empty label", text: "10.0.0.0/8,\"\"\n", line: 1, fragment: "empty label"),
        Refused(name: "one field", text: "10.0.0.0/8\n", line: 1, fragment: "1 fields"),
        Refused(name: "four fields", text: "cidr,label\n10.0.0.0/8,corp,us-east-1,extra\n", line: 2, fragment: "4 fields"),
        Refused(name: "header after data", text: "10.0.0.0/8,corp\ncidr,label\n", line: 2, fragment: "cidr"),
        Refused(name: "CRLF line count", text: "10.0.0.0/8,x\r\n\r\n10.0.0.1/8,y\r\n", line: 3, fragment: "host bits"),
    ]

    @Test(arguments: refused)
    func refusesWithLineNumber(_ c: Refused) throws {
        let error = try #require(Self.error(c.text))
        #expect(error.path == "labels.csv")
        #expect(error.location == "line \(c.line)")
        #expect(error.description.hasPrefix("labels.csv: line \(c.line): "))
        #expect(error.description.contains(c.fragment), "\(error.description)")
    }

    @Test func refusesBytesThatAreNotUTF8() throws {
        let bytes: [UInt8] = Array("10.0.0.0/8,caf".utf8) + [0xE9] + Array("\n".utf8)  // Latin-1 é
        let error = try #require(Self.error(bytes))
        #expect(error.path == "labels.csv")
        #expect(error.description.hasPrefix("labels.csv: "))
        #expect(error.description.contains("UTF-8"))
        // Valid UTF-8 beyond ASCII is fine.
        #expect(try Self.load("10.0.0.0/8,café\n") == ["10.0.0.0/8 café -"])
    }
}
