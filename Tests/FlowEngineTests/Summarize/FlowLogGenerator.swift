/// Writes seeded, repeatable flow-log files for the larger summarize tests: every input format the
/// engine reads (AWS text with and without a header, a custom order with bytes before packets,
/// transit-gateway, CRLF, CSV with and without a header), addresses drawn from a pool (inside
/// given prefixes, private, random internet; IPv4, IPv6 and IPv4-mapped IPv6), NODATA and SKIPDATA
/// records, blank lines, repeated headers and malformed lines of several kinds.
///
/// The output is only ever compared between the engine and `ReferenceSummarizer`, so the generator
/// need not know how an address classifies.
struct FlowLogGenerator {
    enum Format: String, CaseIterable, Sendable {
        case v2Header, v2Plain, v3Custom, transitGateway, v2CRLF, csvHeader, csvPlain
    }

    var random: SplitMix64
    /// Address text to draw from.
    let pool: [String]

    init(seed: UInt64, pool: [String]) {
        random = SplitMix64(seed: seed)
        self.pool = pool
    }

    // MARK: - Addresses

    /// A pool of address text: for each prefix its first and last address and `perPrefix` random
    /// ones inside; `extra` private and `extra` random public addresses; some IPv4 ones written as
    /// IPv4-mapped IPv6.
    static func pool(prefixes: [ReferencePrefix], perPrefix: Int, extra: Int, seed: UInt64) -> [String] {
        var random = SplitMix64(seed: seed)
        var result: [String] = []
        for prefix in prefixes {
            let host = (prefix.network.isV4 ? 32 : 128) - prefix.length
            var picks: [UInt128] = [0, host == 128 ? .max : (UInt128(1) << host) - 1]
            for _ in 0..<perPrefix { picks.append(random.bits(host)) }
            for pick in picks { result.append(text(prefix.network.adding(pick), &random)) }
        }
        let privates = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16", "fd00::/8", "fe80::/64"]
            .map { ReferencePrefix($0)! }
        for i in 0..<extra {
            let prefix = privates[i % privates.count]
            let host = (prefix.network.isV4 ? 32 : 128) - prefix.length
            result.append(text(prefix.network.adding(random.bits(host)), &random))
            result.append(i % 4 == 0 ? text(.v6(random.bits(128)), &random) : text(.v4(UInt32(truncatingIfNeeded: random.next())), &random))
        }
        result += ["::1", "::", "127.0.0.1", "0.0.0.0", "255.255.255.255"]
        return result
    }

    /// Dotted quad; IPv6 as eight groups, sometimes compressed or upper case; one IPv4 address in
    /// eight as IPv4-mapped IPv6.
    static func text(_ address: ReferenceAddress, _ random: inout SplitMix64) -> String {
        switch address {
        case .v4(let v):
            let quad = (0..<4).map { String((v >> (24 - 8 * UInt32($0))) & 0xff) }.joined(separator: ".")
            return random.next() % 8 == 0 ? "::ffff:\(quad)" : quad
        case .v6(let v):
            let groups = (0..<8).map { String(UInt16(truncatingIfNeeded: v >> (112 - 16 * UInt128($0))), radix: 16) }
            var text = groups.joined(separator: ":")
            if random.next() % 3 == 0, let zeros = text.range(of: ":0:0:") { text.replaceSubrange(zeros, with: "::") }
            return random.next() % 5 == 0 ? text.uppercased() : text
        }
    }

    // MARK: - Files

    static let v2Header = ReferenceSummarizer.defaultFields.joined(separator: " ")
    static let v3Header = "version srcaddr dstaddr bytes packets start end action log-status vpc-id tcp-flags"
    static let tgwHeader = "version resource-type account-id tgw-id srcaddr dstaddr srcport dstport protocol packets bytes start end log-status type"

    /// One file of `records` lines in `format` (blank and header lines come on top).
    mutating func file(_ format: Format, records: Int) -> [UInt8] {
        let newline = format == .v2CRLF ? "\r\n" : "\n"
        let header: String? =
            switch format {
            case .v2Header, .v2CRLF: Self.v2Header
            case .v3Custom: Self.v3Header
            case .transitGateway: Self.tgwHeader
            case .csvHeader: "start,srcaddr,packets,dstaddr,bytes,action"
            case .v2Plain, .csvPlain: nil
            }
        var out: [UInt8] = []
        out.reserveCapacity(records * 120)
        if let header { out += Array((header + newline).utf8) }
        for index in 0..<records {
            // The first record is a plain OK one, so a headerless CSV starts with an address.
            let roll = index == 0 ? 500 : random.next() % 1000
            if roll < 5 { out += Array(newline.utf8) }
            if roll >= 5 && roll < 7, let header { out += Array((header + newline).utf8) }
            out += Array((line(format, roll) + newline).utf8)
        }
        return out
    }

    private mutating func pick() -> String { pool[Int(random.next() % UInt64(pool.count))] }

    private mutating func number(_ limit: UInt64) -> String { String(random.next() % limit) }

    /// One record; `roll` (0..<1000) picks NODATA (20‰), SKIPDATA (5‰), malformed (15‰) or OK.
    private mutating func line(_ format: Format, _ roll: UInt64) -> String {
        let status = roll < 20 ? "NODATA" : roll < 25 ? "SKIPDATA" : "OK"
        let live = status == "OK"
        var src = live ? pick() : "-"
        var dst = live ? pick() : "-"
        var packets = live ? (random.next() % 50 == 0 ? "-" : number(5000)) : "-"
        var bytes = live ? (random.next() % 50 == 0 ? "-" : number(10_000_000)) : "-"
        var action = live ? ["ACCEPT", "ACCEPT", "REJECT", "-"][Int(random.next() % 4)] : "-"
        var logStatus = status
        var start = String(1_700_000_000 + random.next() % 100_000)
        var dropField = false
        if roll >= 985 {
            switch random.next() % 7 {
            case 0: src = "10.0.0.256"
            case 1: dst = "bad-host"
            case 2: packets = "1e3"
            case 3: bytes = "-12"
            case 4: action = "DROP"
            case 5: logStatus = "DONE"
            default:
                // Headerless CSV takes its column count from the first row only; no fewer here.
                dropField = format != .csvPlain
                start = "abc"
            }
        }
        var fields: [String]
        switch format {
        case .v2Header, .v2Plain, .v2CRLF:
            fields = ["2", "123456789012", "eni-0a1b2c3d", src, dst, number(65536), "443", "6", packets, bytes, start, "1700100000", action, logStatus]
        case .v3Custom:
            fields = ["3", src, dst, bytes, packets, start, "-", action, logStatus, "vpc-0abc", number(32)]
        case .transitGateway:
            fields = ["6", "TransitGateway", "123456789012", "tgw-0a1b", src, dst, number(65536), "53", "17", packets, bytes, start, "1700100000", logStatus, "IPv4"]
        case .csvHeader:
            if !live { (src, dst) = ("-", "-") }
            fields = [start, src, packets, dst, bytes, action]
        case .csvPlain:
            fields = [live ? src : "-", live ? dst : "-", "x"]
        }
        if dropField { fields.removeLast() }
        if roll % 97 == 0 && format != .csvHeader && format != .csvPlain { return fields.joined(separator: "  ") }
        return fields.joined(separator: format == .csvHeader || format == .csvPlain ? "," : " ")
    }
}

extension ReferenceAddress {
    /// The address plus `offset` (which fits in the host bits of its prefix).
    func adding(_ offset: UInt128) -> ReferenceAddress {
        switch self {
        case .v4(let v): .v4(v | UInt32(truncatingIfNeeded: offset))
        case .v6(let v): .v6(v | offset)
        }
    }
}

extension SplitMix64 {
    /// A random number of `count` bits (0...128).
    mutating func bits(_ count: Int) -> UInt128 {
        guard count > 0 else { return 0 }
        let value = UInt128(next()) << 64 | UInt128(next())
        return count >= 128 ? value : value & ((UInt128(1) << count) - 1)
    }
}
