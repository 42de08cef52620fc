import FlowIO
import Foundation
import Testing

@testable import FlowEngine

/// The fast path for AWS text (`RecordReader.readDefaultFormat` and `readFused`) must decide every
/// line exactly as the exact path does, or give the line up. These tests write lines whose fields
/// are mutated at random around every rule the fast path checks (addresses, decimals and their
/// lengths, `-`, action, status, separators, field count, line ends) and hold the engine to:
///
/// - the reference summarizer (reports, counts, per-file figures, samples), and
/// - itself on the same lines each prefixed with one space, which sends every line down the exact
///   path: the two aggregates must be equal, down to the per-class counters and the time span.
struct SummarizeFusedPathTests {
    /// What one field may be replaced by, by kind.
    static let addressVariants = [
        "10.0.0.6", "3.2.34.5", "13.34.37.70", "255.255.255.255", "0.0.0.0", "1.2.3.4", "99.99.99.99",
        "01.2.3.4", "1.2.3.04", "256.1.1.1", "1.2.3", "1.2.3.4.5", "1..2.3", "1.2.3.", ".1.2.3", "111.111.111.1111",
        "1.2.3.4x", "2600:1f14::1", "2600:1F14:0:0:0:0:0:1", "::ffff:3.2.34.5", "::", "fe80::1", "-", "abc", "1:2",
    ]
    static let decimalVariants = [
        "0", "7", "42", "500", "123456", "1234567", "12345678", "123456789", "1700000000", "1700000000123",
        "1234567890123456", "12345678901234567", "18446744073709551615", "18446744073709551616",
        "00000000000000000001", "0000000000000000000000007", "007", "-", "--", "+5", "5x", "x5", "1-", "١",
        "170000000", "17000000000", "170000000x", "1700000000x", "17000000:0", "1700000000\u{1}",
    ]
    static let actionVariants = ["ACCEPT", "REJECT", "-", "accept", "ACCEPTED", "ACCEP", "REJECTS", "--", "REJECT\u{1}"]
    static let statusVariants = ["OK", "NODATA", "SKIPDATA", "ok", "OKAY", "-", "O"]
    /// dstport and protocol: read when a number in range, else absent, and never a reason to refuse a line.
    static let portVariants = [
        "0", "6", "17", "255", "256", "443", "65535", "65536", "99999", "0000000000000000000443", "-", "--", "x",
        "4x3", "+6", "1234567890123456789012", "\u{1}",
    ]

    /// A line of `fields` (default format) with random damage: most lines are plain, some have one
    /// field replaced by a variant, some have other separators, a missing or an extra field.
    static func line(_ random: inout SplitMix64, fields: [String], roleOf: (Int) -> FlowField.Role?) -> String {
        var fields = fields
        func pick(_ list: [String]) -> String { list[Int(random.next() % UInt64(list.count))] }
        let damaged = Int(random.next() % UInt64(fields.count))
        if random.next() % 3 == 0 {
            switch roleOf(damaged) {
            case .srcaddr, .dstaddr: fields[damaged] = pick(addressVariants)
            case .packets, .bytes, .start, .end: fields[damaged] = pick(decimalVariants)
            case .action: fields[damaged] = pick(actionVariants)
            case .logStatus: fields[damaged] = pick(statusVariants)
            case .dstport, .protocol: fields[damaged] = pick(portVariants)
            case .interfaceId, nil:
                // Also around the lengths the default format's reader tries first (1, 12 and 21
                // bytes, `fixedField`): one byte short or long, a control byte at either end, a tab
                // inside (two fields to the exact path).
                fields[damaged] = pick([
                    "x", "eni-0123456789abcdef0", "443", "-", "a\u{1}b", "22", "\u{1}", "12345678901",
                    "1234567890123", "12345678901\u{1}", "\u{1}23456789012", "eni-0123456789abcdef",
                    "eni-0123456789abcdef01", "eni-01234567\u{1}9abcdef0", "eni-0123456789abcdef\u{7f}",
                    "12345\t678901", "eni-01234567\t9abcdef0",
                    // Lines around the fast path's window (`RecordReader.fastLineLimit`).
                    String(repeating: "a", count: 90), String(repeating: "b", count: 110),
                    String(repeating: "c", count: 125), String(repeating: "d", count: 140),
                    String(repeating: "e", count: 150), String(repeating: "f", count: 300),
                ])
            }
        }
        var separators = Array(repeating: " ", count: fields.count - 1)
        var ending = "\n"
        switch random.next() % 40 {
        case 0: separators[Int(random.next() % UInt64(separators.count))] = "\t"
        case 1: separators[Int(random.next() % UInt64(separators.count))] = "  "
        case 2: separators[Int(random.next() % UInt64(separators.count))] = "\r"
        case 3: ending = "\r\n"
        case 4: ending = " \n"
        case 5: fields.removeLast()
        case 6: fields.append("extra")
        default: break
        }
        var text = fields[0]
        for (separator, field) in zip(separators, fields.dropFirst()) { text += separator + field }
        return text + ending
    }

    static func file(seed: UInt64, lines: Int, header: [String]?, layout: [String]) -> String {
        var random = SplitMix64(seed: seed)
        func roleOf(_ column: Int) -> FlowField.Role? {
            column < layout.count ? FlowField.role(named: layout[column]) : nil
        }
        var text = header.map { $0.joined(separator: " ") + "\n" } ?? ""
        for _ in 0..<lines {
            let values = layout.map { name -> String in
                func pick(_ list: [String]) -> String { list[Int(random.next() % UInt64(list.count))] }
                switch FlowField.role(named: name) {
                case .srcaddr, .dstaddr: return pick(Array(addressVariants.prefix(7)) + ["2600:1f14::1", "fd00::5"])
                case .packets: return String(random.next() % 1000)
                case .bytes: return String(random.next() % 10_000_000)
                case .start, .end: return String(1_700_000_000 + random.next() % 86_400)
                case .action: return random.next() % 10 == 0 ? "REJECT" : "ACCEPT"
                case .logStatus: return "OK"
                case .dstport: return pick(["443", "22", "53", "3389", String(random.next() % 65536)])
                case .protocol: return pick(["6", "6", "17", "1", "-"])
                case .interfaceId: return pick(["eni-0123456789abcdef0", "eni-0fedcba9876543210", "eni-1a2b3c4d", "-"])
                case nil: return name == "version" ? "2" : name == "account-id" ? "123456789012" : String(random.next() % 65536)
                }
            }
            text += line(&random, fields: values, roleOf: roleOf)
        }
        return text
    }

    static let v5Order = [
        "version", "vpc-id", "srcaddr", "dstaddr", "bytes", "packets", "action", "start", "end", "log-status",
        "pkt-srcaddr", "flow-direction",
    ]

    @Test(
        "mutated lines: the fast path agrees with the reference and with the exact path",
        arguments: [
            ("default format, header", 1, true),
            ("default format, no header", 2, false),
            ("version-5 order", 3, true),
        ])
    func agree(_ name: String, _ seed: UInt64, _ withHeader: Bool) async throws {
        let layout = seed == 3 ? Self.v5Order : ReferenceSummarizer.defaultFields
        let text = Self.file(seed: seed, lines: 4_000, header: withHeader ? layout : nil, layout: layout)
        let shifted = text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? "" : " " + $0 }.joined(separator: "\n")
        try await SummarizeHarness.withScratchDirectory { directory in
            let path = "\(directory)/fused.log"
            let exactPath = "\(directory)/exact.log"
            try SummarizeHarness.write(Array(text.utf8), to: path)
            try SummarizeHarness.write(Array(shifted.utf8), to: exactPath)
            let index = try SummarizeHarness.index(.nested)
            let reference = try ReferenceSummarizer.summarize(paths: [path], ranges: try SummarizeHarness.reference(.nested))
            #expect(reference.counts.ok > 2_000 && reference.counts.malformed > 200, "the mix exercises both outcomes")
            for chunk in [SummarizeOptions.defaultChunkSize, 4_096, 97] {
                let options = SummarizeOptions(jobs: 2, chunkSize: chunk)
                let fused = await SummarizeHarness.run([path], index: index, options: options)
                guard SummarizeHarness.expectMatches(fused, reference, "\(name), chunk \(chunk)") else { return }
                let exact = await SummarizeHarness.run([exactPath], index: index, options: options)
                #expect(fused.result.aggregate == exact.result.aggregate, "\(name), chunk \(chunk): fast and exact path")
            }
        }
    }
}
