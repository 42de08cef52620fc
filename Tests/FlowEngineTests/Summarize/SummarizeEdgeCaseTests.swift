import FlowIO
import Foundation
import Testing

@testable import FlowEngine

/// Small inputs at the edges of the issue's rules, each summarized by the engine (chunk sizes 1, 7
/// and the default, mapped and pread) and by the reference, which must agree: whitespace, header
/// repetition, CSV shapes, status rules, and counters at their limits.
struct SummarizeEdgeCaseTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let text: String
        var testDescription: String { name }
    }

    static let header = ReferenceSummarizer.defaultFields.joined(separator: " ")
    static func v2(_ src: String, _ dst: String, packets: String = "5", bytes: String = "500", action: String = "ACCEPT", status: String = "OK") -> String {
        "2 123456789012 eni-1 \(src) \(dst) 40000 443 6 \(packets) \(bytes) 1700000000 1700000060 \(action) \(status)"
    }

    static let cases: [Case] = [
        Case(name: "NODATA and SKIPDATA with addresses and junk counters are counted, not aggregated", text: """
            \(header)
            \(v2("10.0.0.6", "3.2.34.5", status: "NODATA"))
            \(v2("10.0.0.6", "3.2.34.5", packets: "x", bytes: "y", status: "SKIPDATA"))
            \(v2("10.0.0.6", "3.2.34.5"))

            """),
        Case(name: "leading, trailing and repeated spaces around AWS fields", text: """
            \(header)
               \(v2("10.0.0.6", "3.2.34.5"))\("   ")
            \(v2("3.2.34.5", "10.0.0.6").replacingOccurrences(of: " ", with: "    "))

            """),
        Case(name: "whitespace-only lines before the header", text: "  \n\n \(" ")\n\(header)\n\(v2("10.0.0.6", "13.34.37.70"))\n"),
        Case(name: "a repeated header with other spacing is still a header", text: """
            \(header)
            \(v2("10.0.0.6", "3.2.34.5"))
            \(header.replacingOccurrences(of: " ", with: "  "))\(" ")
            \(v2("10.0.0.7", "3.2.34.6"))

            """),
        Case(name: "custom AWS format without log-status: '-' addresses are NODATA", text: """
            srcaddr dstaddr packets bytes action
            10.0.0.6 3.2.34.5 5 500 ACCEPT
            - - - - -
            - 3.2.34.5 1 1 ACCEPT

            """),
        Case(name: "custom AWS format with only the addresses", text: "srcaddr dstaddr\n10.0.0.6 3.2.34.5\n3.2.34.5 13.34.66.1\n- -\n"),
        Case(name: "CSV header in capitals, repeated mid-file", text: """
            SrcAddr,DstAddr,Bytes,Packets,Action,Log-Status
            10.0.0.6,3.2.34.5,500,5,ACCEPT,OK
            SrcAddr,DstAddr,Bytes,Packets,Action,Log-Status
            3.2.34.5,10.0.0.6,700,7,REJECT,OK
            10.0.0.6,,1,1,ACCEPT,OK

            """),
        Case(name: "CSV header naming neither address: the first two columns", text: "a,b,bytes\n10.0.0.6,3.2.34.5,10\n3.2.34.5,192.168.1.1,20\n"),
        Case(name: "CSV without header: a row with a different column count is malformed", text: """
            10.0.0.6,3.2.34.5
            10.0.0.7,3.2.34.6,extra
            10.0.0.8
            3.2.34.5,10.0.0.6

            """),
        Case(name: "counters at the 64-bit limit and just past it", text: """
            \(header)
            \(v2("10.0.0.6", "3.2.34.5", packets: "18446744073709551615", bytes: "18446744073709551615"))
            \(v2("10.0.0.6", "3.2.34.5", packets: "18446744073709551616", bytes: "1"))
            \(v2("10.0.0.6", "3.2.34.5", packets: "00000000000000000001", bytes: "00"))

            """),
        Case(name: "a zero-padded counter of more than 20 digits is still a number", text: """
            \(header)
            \(v2("10.0.0.6", "3.2.34.5", packets: "0000000000000000000007", bytes: "000000000000000000000000500"))

            """),
        // The same bytes must be judged the same with or without a leading space (which sends the
        // line down the engine's general path rather than its fused one).
        Case(name: "a CR inside a line is not a separator, with or without a leading space", text: """
            \(header)
            \(v2("10.0.0.6", "3.2.34.5").replacingOccurrences(of: " 3.2.34.5", with: "\r3.2.34.5"))
             \(v2("10.0.0.6", "3.2.34.5").replacingOccurrences(of: " 3.2.34.5", with: "\r3.2.34.5"))
            \(v2("10.0.0.6", "13.34.37.70"))

            """),
        Case(name: "a doubled CR before the line feed stays in the last field, with or without a leading space", text: """
            \(header)\r
            \(v2("10.0.0.6", "3.2.34.5"))\r\r
             \(v2("10.0.0.6", "3.2.34.5"))\r\r
            \(v2("10.0.0.6", "13.34.37.70"))\r

            """),
        Case(name: "a header written as a format string (${field} tokens), also repeated", text: """
            \(ReferenceSummarizer.defaultFields.map { "${\($0)}" }.joined(separator: " "))
            \(v2("10.0.0.6", "3.2.34.5"))
            \(ReferenceSummarizer.defaultFields.map { "${\($0)}" }.joined(separator: " "))
            \(v2("3.2.34.5", "10.0.0.6"))

            """),
        Case(name: "IPv4-mapped and IPv4-compatible IPv6 addresses", text: """
            \(header)
            \(v2("::ffff:3.2.34.5", "::3.2.34.5"))
            \(v2("::FFFF:10.1.2.3", "0:0:0:0:0:ffff:d22:2541"))

            """),
    ]

    @Test("engine and reference agree", arguments: cases)
    func agree(_ c: Case) async throws {
        try await SummarizeHarness.withScratchDirectory { directory in
            let path = "\(directory)/input.log"
            try SummarizeHarness.write(Array(c.text.utf8), to: path)
            let reference = try ReferenceSummarizer.summarize(paths: [path], ranges: try SummarizeHarness.reference(.example))
            let index = try SummarizeHarness.index(.example)
            for (chunk, mapping) in [(1, true), (7, false), (SummarizeOptions.defaultChunkSize, true)] {
                let run = await SummarizeHarness.run([path], index: index, options: SummarizeOptions(jobs: 2, chunkSize: chunk, allowMapping: mapping))
                guard SummarizeHarness.expectMatches(run, reference, "\(c.name), chunk \(chunk)") else { return }
            }
        }
    }
}
