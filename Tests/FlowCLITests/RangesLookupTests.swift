import Testing

/// `vpcflow ranges lookup` on the real snapshot, for addresses whose answers were checked by hand
/// against ip-ranges.json (an independent Python scan of every entry): AWS IPv4 and IPv6 addresses,
/// nested prefixes, an IPv4-mapped IPv6 address, private and internet addresses; the JSON form must
/// say the same as the text form.
@Suite("ranges lookup on the real snapshot", .enabled(if: Fixtures.realSnapshot != nil, Fixtures.skipReal))
struct RangesLookupTests {
    static var snapshot: String { Fixtures.realSnapshot ?? "" }

    /// An address and the three lines the text form must print under it.
    struct Answer: Sendable, CustomTestStringConvertible {
        let address: String
        let addressClass: String
        let primary: String
        let matches: [String]
        var testDescription: String { address }

        var block: String {
            "\(address)\n  class:    \(addressClass)\n  primary:  \(primary)\n  matches:  "
                + (matches.isEmpty ? "(none)" : matches.joined(separator: " ")) + "\n"
        }
    }

    static let s3Sydney = Answer(
        address: "52.95.128.179", addressClass: "AWS",
        primary: "ap-southeast-2 S3 52.95.128.0/21 (network border group ap-southeast-2)",
        matches: ["ap-southeast-2_AMAZON_52.95.128.0/21", "ap-southeast-2_S3_52.95.128.0/21"])

    static let answers: [Answer] = [
        s3Sydney,
        // The IPv4-mapped form of the same address.
        Answer(
            address: "::ffff:52.95.128.179", addressClass: s3Sydney.addressClass, primary: s3Sydney.primary,
            matches: s3Sydney.matches),
        Answer(address: "10.0.0.1", addressClass: "PRIVATE", primary: "- PRIVATE", matches: []),
        Answer(address: "100.64.1.1", addressClass: "PRIVATE", primary: "- PRIVATE", matches: []),
        Answer(address: "fd00::1", addressClass: "PRIVATE", primary: "- PRIVATE", matches: []),
        Answer(address: "8.8.8.8", addressClass: "INTERNET", primary: "- INTERNET", matches: []),
        Answer(address: "2001:4860:4860::8888", addressClass: "INTERNET", primary: "- INTERNET", matches: []),
        // IPv6 S3, the same CIDR listed for AMAZON, S3 and EC2: the specific service wins.
        Answer(
            address: "2a05:d070:e000::5", addressClass: "AWS",
            primary: "me-south-1 S3 2a05:d070:e000::/40 (network border group me-south-1)",
            matches: [
                "me-south-1_AMAZON_2a05:d070:e000::/40", "me-south-1_S3_2a05:d070:e000::/40",
                "me-south-1_EC2_2a05:d070:e000::/40",
            ]),
        // A regional /48 (AMAZON, EC2) inside a GLOBAL CloudFront /40: the longest prefix wins, then EC2
        // over AMAZON; matches stay in file order.
        Answer(
            address: "2600:9000:5206::1234", addressClass: "AWS",
            primary: "ap-northeast-2 EC2 2600:9000:5206::/48 (network border group ap-northeast-2)",
            matches: [
                "ap-northeast-2_AMAZON_2600:9000:5206::/48", "GLOBAL_AMAZON_2600:9000:5200::/40",
                "ap-northeast-2_EC2_2600:9000:5206::/48", "GLOBAL_CLOUDFRONT_2600:9000:5200::/40",
                "GLOBAL_CLOUDFRONT_ORIGIN_FACING_2600:9000:5200::/40",
            ]),
    ]

    @Test("text answer", arguments: answers)
    func textAnswer(_ answer: Answer) async throws {
        let result = try await Vpcflow.run(["ranges", "lookup", "--ranges", Self.snapshot, answer.address])
        #expect(result.exited(0), "status \(result.status): \(result.stderrText)")
        #expect(result.stdoutText == answer.block)
        #expect(result.stderrText == "")
    }

    @Test("several addresses in one run print their blocks in argument order")
    func severalAddresses() async throws {
        let result = try await Vpcflow.run(["ranges", "lookup", "--ranges", Self.snapshot] + Self.answers.map(\.address))
        #expect(result.exited(0))
        #expect(result.stdoutText == Self.answers.map(\.block).joined())
    }

    /// The JSON form, parsed with Foundation, rebuilt into the text form's lines.
    @Test("JSON parses and agrees with the text form")
    func jsonAgreesWithText() async throws {
        let result = try await Vpcflow.run(
            ["ranges", "lookup", "--format", "json", "--ranges", Self.snapshot] + Self.answers.map(\.address))
        #expect(result.exited(0))
        let document = try JSON.object(result.stdout)
        let ranges = try #require(document["ranges"] as? [String: Any])
        #expect(ranges["sync_token"] as? String == "1787411825")
        let results = try JSON.objects(document, "results")
        try #require(results.count == Self.answers.count)
        for (answer, json) in zip(Self.answers, results) {
            #expect(json["address"] as? String == answer.address)
            #expect(json["class"] as? String == answer.addressClass)
            let primary = try #require(json["primary"] as? [String: Any])
            let region = primary["region"] as? String ?? "?"
            let service = primary["service"] as? String ?? "?"
            if let prefix = primary["prefix"] as? String {
                let group = primary["network_border_group"] as? String ?? "?"
                #expect("\(region) \(service) \(prefix) (network border group \(group))" == answer.primary)
                #expect(primary["origin"] as? String == "aws")
            } else {
                #expect("\(region) \(service)" == answer.primary)
            }
            let matches = try JSON.objects(json, "matches").map {
                "\($0["region"] as? String ?? "?")_\($0["service"] as? String ?? "?")_\($0["prefix"] as? String ?? "?")"
            }
            #expect(matches == answer.matches, "\(answer.address)")
        }
    }
}
