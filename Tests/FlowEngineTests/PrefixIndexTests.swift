import Testing

@testable import FlowEngine

/// The index against a naive reference: a linear scan, written plainly.
///
/// A scan over all 16,828 real entries for each of 100,000 addresses is 1.7 billion comparisons,
/// minutes in a debug build. So the reference scans, in file order, only the entries that can
/// contain the address at all: those in the address's /8 (IPv4) or /16 (IPv6) bucket, plus every
/// entry shorter than that. Which bucket an entry goes in is decided by the same plain comparison.
/// `fullScan` scans every entry; a smaller sample checks that the buckets lose nothing.
struct NaiveReference {
    let entries: [RangeEntry]
    var v4Buckets = [[(first: UInt32, last: UInt32, index: Int)]](repeating: [], count: 256)
    var v4Short: [(first: UInt32, last: UInt32, index: Int)] = []
    var v6Buckets: [UInt128: [(first: UInt128, last: UInt128, index: Int)]] = [:]
    var v6Short: [(first: UInt128, last: UInt128, index: Int)] = []
    var all4: [(first: UInt32, last: UInt32, index: Int)] = []
    var all6: [(first: UInt128, last: UInt128, index: Int)] = []

    init(_ entries: [RangeEntry]) {
        self.entries = entries
        for (index, entry) in entries.enumerated() {
            switch entry.prefix.network {
            case .v4(let network):
                let size: UInt64 = 1 << (32 - entry.prefix.length)
                let last = UInt32(UInt64(network) + size - 1)
                all4.append((network, last, index))
                if entry.prefix.length < 8 { v4Short.append((network, last, index)) } else {
                    v4Buckets[Int(network >> 24)].append((network, last, index))
                }
            case .v6(let network):
                let hostBits = 128 - entry.prefix.length
                let mask: UInt128 = hostBits == 128 ? .max : (UInt128(1) << hostBits) - 1
                all6.append((network, network | mask, index))
                if entry.prefix.length < 16 { v6Short.append((network, network | mask, index)) } else {
                    v6Buckets[network >> 112, default: []].append((network, network | mask, index))
                }
            }
        }
    }

    /// Every entry containing `address`, in file order (bucketed scan).
    func matches(_ address: IPAddress) -> [Int] {
        var found: [Int] = []
        switch address.unmappingIPv4 {
        case .v4(let a):
            for candidate in v4Short where candidate.first <= a && a <= candidate.last { found.append(candidate.index) }
            for candidate in v4Buckets[Int(a >> 24)] where candidate.first <= a && a <= candidate.last {
                found.append(candidate.index)
            }
        case .v6(let a):
            for candidate in v6Short where candidate.first <= a && a <= candidate.last { found.append(candidate.index) }
            for candidate in v6Buckets[a >> 112] ?? [] where candidate.first <= a && a <= candidate.last {
                found.append(candidate.index)
            }
        }
        return found.sorted()
    }

    /// Every entry containing `address`, in file order, scanning all entries.
    func fullScan(_ address: IPAddress) -> [Int] {
        var found: [Int] = []
        switch address.unmappingIPv4 {
        case .v4(let a):
            for candidate in all4 where candidate.first <= a && a <= candidate.last { found.append(candidate.index) }
        case .v6(let a):
            for candidate in all6 where candidate.first <= a && a <= candidate.last { found.append(candidate.index) }
        }
        return found
    }

    /// the primary rule (README, Decisions), by sorting the matches on (longer prefix, service rank, file order).
    func primary(_ address: IPAddress) -> Attribution {
        let found = matches(address)
        if found.isEmpty {
            let isPrivate = PrivateNetworksReference.contains(address.unmappingIPv4)
            return isPrivate ? .privateNetwork : .internet
        }
        func rank(_ s: String) -> Int { s == "AMAZON" ? 2 : s == "EC2" ? 1 : 0 }
        let best = found.sorted { a, b in
            let x = entries[a]
            let y = entries[b]
            if x.prefix.length != y.prefix.length { return x.prefix.length > y.prefix.length }
            if rank(x.service) != rank(y.service) { return rank(x.service) < rank(y.service) }
            return a < b
        }
        return .entry(best[0])
    }
}

/// The private list (README, Decisions), written out independently of `PrivateNetworks`.
enum PrivateNetworksReference {
    static func contains(_ address: IPAddress) -> Bool {
        switch address {
        case .v4(let a):
            let o1 = a >> 24
            let o2 = (a >> 16) & 0xff
            return o1 == 10 || (o1 == 172 && (16...31).contains(o2)) || (o1 == 192 && o2 == 168)
                || (o1 == 100 && (64...127).contains(o2)) || (o1 == 169 && o2 == 254) || o1 == 127
        case .v6(let a):
            let top = a >> 112
            return (top & 0xfe00) == 0xfc00 || (top & 0xffc0) == 0xfe80 || a == 1
        }
    }
}

/// Addresses to probe: uniform random, plus addresses at and next to the first and last address of
/// each prefix.
func probeAddresses(_ entries: [RangeEntry], random count: Int, seed: UInt64) -> [IPAddress] {
    var generator = SplitMix64(seed: seed)
    var result: [IPAddress] = []
    for _ in 0..<count {
        if generator.next() % 4 == 0 {
            // IPv6: half uniform, half inside the 2000::/3 global unicast space where AWS lives.
            let high = UInt128(generator.next())
            let low = UInt128(generator.next())
            var value = high << 64 | low
            if generator.next() % 2 == 0 { value = (value >> 3) | (UInt128(1) << 125) }
            result.append(.v6(value))
        } else {
            result.append(.v4(UInt32(truncatingIfNeeded: generator.next())))
        }
    }
    for entry in entries {
        switch (entry.prefix.first, entry.prefix.last) {
        case (.v4(let first), .v4(let last)):
            result += [first, first &- 1, last, last &+ 1, first / 2 + last / 2].map(IPAddress.v4)
        case (.v6(let first), .v6(let last)):
            result += [first, first &- 1, last, last &+ 1, first / 2 + last / 2].map(IPAddress.v6)
        default: break
        }
    }
    return result
}

/// Random nested prefixes: parents with children inside them, the same CIDR under several services,
/// IPv4 and IPv6, including /0, /32 and /128 edges.
func generatedNestedRanges(seed: UInt64, count: Int) throws -> RangeSet {
    var generator = SplitMix64(seed: seed)
    let services = ["AMAZON", "EC2", "S3", "DYNAMODB", "CLOUDFRONT", "my-vpc"]
    let regions = ["us-east-1", "eu-west-1", "GLOBAL"]
    var entries: [RangeEntry] = []
    var parents: [IPPrefix] = []
    func pick<T>(_ items: [T]) -> T { items[Int(generator.next() % UInt64(items.count))] }
    while entries.count < count {
        let prefix: IPPrefix
        let roll = generator.next() % 10
        if roll < 5, let parent = parents.randomElement(using: &generator) {
            // A child inside a parent (or the same CIDR again).
            let maxLength = parent.isIPv4 ? 32 : 128
            let length = min(maxLength, parent.length + Int(generator.next() % 9))
            switch parent.network {
            case .v4(let network):
                let hostBits = 32 - length
                let offset = UInt32(truncatingIfNeeded: generator.next()) & (parent.length == 0 ? .max : (UInt32.max >> parent.length))
                let value = hostBits == 32 ? 0 : ((network | offset) >> hostBits) << hostBits
                prefix = try IPPrefix(network: .v4(value), length: length)
            case .v6(let network):
                let hostBits = 128 - length
                let random = UInt128(generator.next()) << 64 | UInt128(generator.next())
                let offset = random & (parent.length == 0 ? .max : (UInt128.max >> parent.length))
                let value = hostBits == 128 ? 0 : ((network | offset) >> hostBits) << hostBits
                prefix = try IPPrefix(network: .v6(value), length: length)
            }
        } else if roll < 8 {
            let length = 8 + Int(generator.next() % 25)
            let value = (UInt32(truncatingIfNeeded: generator.next()) >> (32 - length)) << (32 - length)
            prefix = try IPPrefix(network: .v4(value), length: length)
        } else if roll < 9 {
            let length = 16 + Int(generator.next() % 113)
            let random = UInt128(generator.next()) << 64 | UInt128(generator.next())
            let value = length == 128 ? random : (random >> (128 - length)) << (128 - length)
            prefix = try IPPrefix(network: .v6(value), length: length)
        } else {
            // Edges: the whole space, single hosts, private networks overlapped by entries.
            prefix = try IPPrefix(pick(["0.0.0.0/0", "::/0", "10.0.0.0/16", "10.0.5.7/32", "fd00::/8", "::1/128", "255.255.255.255/32"]))
        }
        parents.append(prefix)
        let region = pick(regions)
        entries.append(RangeEntry(prefix: prefix, region: region, service: pick(services), networkBorderGroup: region, origin: .aws))
    }
    let v4 = entries.filter(\.prefix.isIPv4)
    let v6 = entries.filter { !$0.prefix.isIPv4 }
    return RangeSet(
        entries: v4 + v6,
        provenance: RangesProvenance(path: "generated", syncToken: "0", createDate: "-", ipv4Entries: v4.count, ipv6Entries: v6.count))
}

@Suite("PrefixIndex against a linear scan")
struct PrefixIndexTests {
    func compare(_ ranges: RangeSet, addresses: [IPAddress]) {
        let index = PrefixIndex(ranges)
        let reference = NaiveReference(ranges.entries)
        var mismatches = 0
        for address in addresses {
            let expected = reference.matches(address)
            let actual = index.matchSet(of: address).map(Int.init)
            let expectedPrimary = reference.primary(address)
            let actualPrimary = index.primary(of: address)
            if expected != actual || expectedPrimary != actualPrimary {
                mismatches += 1
                if mismatches <= 5 {
                    Issue.record("\(address): matches \(actual) vs \(expected), primary \(actualPrimary) vs \(expectedPrimary)")
                }
            }
        }
        #expect(mismatches == 0)
        // The buckets lose nothing: a full scan agrees on a sample.
        var step = max(1, addresses.count / 2_000)
        if ranges.entries.count < 2_000 { step = max(1, addresses.count / 10_000) }
        for address in stride(from: 0, to: addresses.count, by: step).map({ addresses[$0] }) {
            #expect(reference.fullScan(address) == reference.matches(address), "\(address)")
        }
    }

    @Test("real snapshot: at least 100,000 addresses agree with the linear scan",
          .enabled(if: TestSupport.realSnapshot != nil, "\(TestSupport.skipReal)"))
    func realSnapshot() throws {
        let ranges = try TestSupport.loadRanges(TestSupport.realSnapshot!)
        let addresses = probeAddresses(ranges.entries, random: 20_000, seed: 42)
        #expect(addresses.count >= 100_000)
        compare(ranges, addresses: addresses)
    }

    @Test("generated nested ranges agree with the linear scan", arguments: [1, 2, 3] as [UInt64])
    func generated(seed: UInt64) throws {
        let ranges = try generatedNestedRanges(seed: seed, count: 1_500)
        compare(ranges, addresses: probeAddresses(ranges.entries, random: 100_000, seed: seed &+ 100))
    }

    @Test("the notebook's example ranges")
    func example() throws {
        let index = PrefixIndex(try TestSupport.exampleRanges())
        #expect(index.matchSet(of: IPAddress("3.2.34.5")!) == [0, 5])
        #expect(index.primary(of: IPAddress("3.2.34.5")!) == .entry(5))  // EC2 beats AMAZON on the same CIDR
        #expect(index.matchSet(of: IPAddress("3.2.34.64")!).isEmpty)
        #expect(index.primary(of: IPAddress("10.0.0.6")!) == .privateNetwork)
        #expect(index.primary(of: IPAddress("172.32.0.10")!) == .internet)  // just outside 172.16.0.0/12
        #expect(index.primary(of: IPAddress("172.31.255.255")!) == .privateNetwork)
        #expect(index.primary(of: IPAddress("::ffff:3.2.34.5")!) == .entry(5))  // IPv4-mapped is looked up as IPv4
    }

    @Test("primary attribution: longest prefix, then specific service over EC2 over AMAZON, then file order")
    func primaryRule() throws {
        func entry(_ cidr: String, _ service: String) throws -> RangeEntry {
            RangeEntry(prefix: try IPPrefix(cidr), region: "r", service: service, networkBorderGroup: "r", origin: .aws)
        }
        let entries = [
            try entry("52.0.0.0/12", "AMAZON"), try entry("52.0.0.0/12", "EC2"),
            try entry("52.1.0.0/22", "AMAZON"),  // AMAZON-only, nested in AMAZON+EC2: AWS reports AMAZON
            try entry("52.2.0.0/22", "S3"), try entry("52.2.0.0/22", "EC2"), try entry("52.2.0.0/22", "AMAZON"),
            try entry("52.3.0.0/24", "DYNAMODB"), try entry("52.3.0.0/24", "S3"),  // two specific: file order
        ]
        let index = PrefixIndex(RangeSet(entries: entries, provenance: .init(path: "t", syncToken: "0", createDate: "-", ipv4Entries: 8, ipv6Entries: 0)))
        #expect(index.primary(of: IPAddress("52.0.0.1")!) == .entry(1))
        #expect(index.primary(of: IPAddress("52.1.0.1")!) == .entry(2))
        #expect(index.primary(of: IPAddress("52.2.0.1")!) == .entry(3))
        #expect(index.primary(of: IPAddress("52.3.0.1")!) == .entry(6))
        #expect(index.matchSet(of: IPAddress("52.2.0.1")!) == [0, 1, 3, 4, 5])
    }

    @Test("an empty ranges set: everything is PRIVATE or INTERNET")
    func empty() {
        let index = PrefixIndex(RangeSet(entries: [], provenance: .init(path: "t", syncToken: "0", createDate: "-", ipv4Entries: 0, ipv6Entries: 0)))
        #expect(index.classCount == 2)
        #expect(index.primary(of: IPAddress("192.168.1.1")!) == .privateNetwork)
        #expect(index.primary(of: IPAddress("fe80::1")!) == .privateNetwork)
        #expect(index.primary(of: IPAddress("::1")!) == .privateNetwork)
        #expect(index.primary(of: IPAddress("::2")!) == .internet)
        #expect(index.primary(of: IPAddress("100.128.0.0")!) == .internet)
        #expect(index.primary(of: IPAddress("100.127.255.255")!) == .privateNetwork)
    }
}
