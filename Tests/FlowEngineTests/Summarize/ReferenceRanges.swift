import Foundation

/// The reference's own view of addresses and ranges, written without any FlowEngine code: addresses
/// parsed with libc's `inet_pton`, prefixes as (integer, length) pairs, `ip-ranges.json` read with
/// `JSONSerialization`, labels split by hand, and classification by a linear scan over every entry.
///
/// Deliberately slow and obvious: it is the other half of every comparison in the summarize tests.
/// It does not use `PrefixIndex`, `IPAddress`, `IPPrefix`, `RangesLoader` or `LabelsLoader`.
enum ReferenceAddress: Hashable, Sendable {
    case v4(UInt32)
    case v6(UInt128)

    /// Parses address text with `inet_pton` (IPv4 first, then IPv6). An IPv4-mapped IPv6 address
    /// (`::ffff:a.b.c.d`) becomes its IPv4 address, as the issue asks for lookups.
    static func parse(_ text: String) -> ReferenceAddress? {
        guard !text.isEmpty, !text.contains("\0") else { return nil }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return .v4(UInt32(bigEndian: v4.s_addr)) }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        let value = bytes.reduce(UInt128(0)) { $0 << 8 | UInt128($1) }
        if value >> 32 == 0xffff { return .v4(UInt32(truncatingIfNeeded: value)) }
        return .v6(value)
    }

    var isV4: Bool { if case .v4 = self { true } else { false } }
}

/// A CIDR block as an integer network and a length.
struct ReferencePrefix: Hashable, Sendable {
    let network: ReferenceAddress
    let length: Int

    /// `a.b.c.d/n` or `x::/n`; nil when either part does not parse. (A mapped IPv6 network is not
    /// expected in ranges files.)
    init?(_ cidr: String) {
        let parts = cidr.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let length = Int(parts[1]), let network = ReferenceAddress.parse(String(parts[0]))
        else { return nil }
        self.network = network
        self.length = length
    }

    /// Whether `address` lies inside: the top `length` bits agree.
    func contains(_ address: ReferenceAddress) -> Bool {
        switch (network, address) {
        case (.v4(let n), .v4(let a)):
            return length == 0 || n >> UInt32(32 - length) == a >> UInt32(32 - length)
        case (.v6(let n), .v6(let a)):
            return length == 0 || n >> UInt128(128 - length) == a >> UInt128(128 - length)
        default:
            return false
        }
    }
}

/// One entry of the reference ranges, in file order.
struct ReferenceEntry: Sendable {
    let prefix: ReferencePrefix
    let region: String
    let service: String
}

/// A report row's identity: region and service (`-` and PRIVATE or INTERNET when unmatched).
struct ReferenceRow: Hashable, Sendable {
    let region: String
    let service: String
}

/// The reference ranges: every entry of `ip-ranges.json` (IPv4 list, then IPv6 list), then labels.
struct ReferenceRanges: Sendable {
    let entries: [ReferenceEntry]
    /// The same entries by family as (mask, network, entry number), in file order: the scan on the
    /// real snapshot (17,000 entries) stays affordable in a debug build.
    private let v4: [(mask: UInt32, network: UInt32, entry: Int)]
    private let v6: [(mask: UInt128, network: UInt128, entry: Int)]

    init(entries: [ReferenceEntry]) {
        self.entries = entries
        var v4: [(mask: UInt32, network: UInt32, entry: Int)] = []
        var v6: [(mask: UInt128, network: UInt128, entry: Int)] = []
        for (number, entry) in entries.enumerated() {
            let length = entry.prefix.length
            switch entry.prefix.network {
            case .v4(let network):
                v4.append((length == 0 ? 0 : UInt32.max << UInt32(32 - length), network, number))
            case .v6(let network):
                v6.append((length == 0 ? 0 : UInt128.max << UInt128(128 - length), network, number))
            }
        }
        self.v4 = v4
        self.v6 = v6
    }

    static let privateNetworks = [
        "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16", "127.0.0.0/8",
        "fc00::/7", "fe80::/10", "::1/128",
    ].map { ReferencePrefix($0)! }

    struct LoadError: Error, CustomStringConvertible {
        let description: String
    }

    /// Reads an `ip-ranges.json` with `JSONSerialization`, and optionally a labels CSV
    /// (`cidr,label[,region]`, region `-` when absent; blank lines skipped).
    static func load(rangesPath: String, labelsPath: String? = nil) throws -> ReferenceRanges {
        let data = try Data(contentsOf: URL(fileURLWithPath: rangesPath))
        guard let document = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw LoadError(description: "\(rangesPath): not a JSON object")
        }
        var entries: [ReferenceEntry] = []
        for (listKey, prefixKey) in [("prefixes", "ip_prefix"), ("ipv6_prefixes", "ipv6_prefix")] {
            for item in document[listKey] as? [[String: Any]] ?? [] {
                guard let cidr = item[prefixKey] as? String, let prefix = ReferencePrefix(cidr),
                    let region = item["region"] as? String, let service = item["service"] as? String
                else { throw LoadError(description: "\(rangesPath): bad entry \(item)") }
                entries.append(ReferenceEntry(prefix: prefix, region: region, service: service))
            }
        }
        if let labelsPath {
            let text = try String(contentsOfFile: labelsPath, encoding: .utf8)
            for line in text.components(separatedBy: "\n") where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                    .map { $0.trimmingCharacters(in: .whitespaces) }
                guard fields.count >= 2, let prefix = ReferencePrefix(fields[0]) else {
                    throw LoadError(description: "\(labelsPath): bad label line \(line)")
                }
                entries.append(
                    ReferenceEntry(prefix: prefix, region: fields.count > 2 ? fields[2] : "-", service: fields[1]))
            }
        }
        return ReferenceRanges(entries: entries)
    }

    /// Every entry containing `address`, in file order (a linear scan).
    func matches(_ address: ReferenceAddress) -> [ReferenceEntry] {
        var found: [ReferenceEntry] = []
        switch address {
        case .v4(let a):
            for i in v4.indices where a & v4[i].mask == v4[i].network { found.append(entries[v4[i].entry]) }
        case .v6(let a):
            for i in v6.indices where a & v6[i].mask == v6[i].network { found.append(entries[v6[i].entry]) }
        }
        return found
    }

    /// The row of an address that no entry contains.
    static func unmatchedRow(_ address: ReferenceAddress) -> ReferenceRow {
        let isPrivate = privateNetworks.contains { $0.contains(address) }
        return ReferenceRow(region: "-", service: isPrivate ? "PRIVATE" : "INTERNET")
    }

    /// `primary`: the longest matching prefix; among its entries a service other than AMAZON and
    /// EC2, then EC2, then AMAZON; then file order.
    /// `all`: one row per matching entry (repeats included), or the unmatched row.
    func classify(_ address: ReferenceAddress) -> (primary: ReferenceRow, all: [ReferenceRow]) {
        let found = matches(address)
        guard let longest = found.map(\.prefix.length).max() else {
            return (Self.unmatchedRow(address), [Self.unmatchedRow(address)])
        }
        func rank(_ service: String) -> Int { service == "AMAZON" ? 2 : service == "EC2" ? 1 : 0 }
        let candidates = found.filter { $0.prefix.length == longest }
        let best = candidates.min { rank($0.service) < rank($1.service) }!  // `min` keeps the first of equals
        return (
            ReferenceRow(region: best.region, service: best.service),
            found.map { ReferenceRow(region: $0.region, service: $0.service) }
        )
    }
}
