import FlowEngine
import FlowIO

/// Writes realistic, deterministic flow logs from a ranges file: same seed, same bytes.
///
/// Mixture (each share settable): private ↔ AWS service addresses drawn from the real prefixes
/// (weighted toward S3, EC2, DynamoDB, CloudFront), private ↔ private, private ↔ internet (public
/// addresses in no range); an IPv6 share; NODATA/SKIPDATA; REJECTs; optional malformed lines.
///
/// As in a real VPC flow log, every record belongs to one network interface (`enis` of them, in
/// 10.0.0.0/16, a few much busier than the rest), whose id is the record's `interface-id` and whose
/// address is the private side of the flow; the other side of a private ↔ private flow is another
/// interface (or, one time in five, an address in 172.16.0.0/12: a peered VPC or the premises).
/// `enis` 0 is the earlier model, kept to reproduce older data sets byte for byte: private
/// addresses drawn at random from 10.0.0.0/8 and 172.16.0.0/12, and ten interface ids unrelated to
/// them.
/// Formats: the default version 2 (with or without header), a custom version-5 order, the notebook's
/// CSV (`srcaddr,dstaddr,packets,bytes`); optional gzip; one file or many in the S3 layout
/// `AWSLogs/<account>/vpcflowlogs/<region>/YYYY/MM/DD/`.
struct Generator {
    enum Format: String { case v2, v2NoHeader = "v2-noheader", v5, csv }

    var rangesPath: String
    var output: String
    var format: Format = .v2
    var records: Int?
    var bytes: Int?
    var files = 1
    var gzip = false
    var seed: UInt64 = 1
    var awsShare = 0.50
    var privateShare = 0.25  // private <-> private; the rest private <-> internet
    var ipv6Share = 0.05
    var nodataShare = 0.01
    var rejectShare = 0.05
    var malformedShare = 0.0
    /// Network interfaces the records belong to; 0 for the earlier model (see above).
    var enis = 400

    static let v5Header =
        "version srcaddr dstaddr srcport dstport protocol start end type packets bytes account-id vpc-id subnet-id instance-id interface-id region az-id sublocation-type sublocation-id action tcp-flags pkt-srcaddr pkt-dstaddr pkt-src-aws-service pkt-dst-aws-service traffic-path flow-direction log-status"

    func run() throws {
        let index = PrefixIndex(try RangesLoader.load(try FileReading.readAll(rangesPath), path: rangesPath))
        var pools = AddressPools(index: index)
        var random = SplitMix64(state: seed)
        if enis > 0 { pools.interfaces = NetworkInterfaces(count: enis, random: &random) }
        let paths = filePaths()
        let perFile = records.map { ($0 + paths.count - 1) / paths.count }
        let bytesPerFile = bytes.map { ($0 + paths.count - 1) / paths.count }
        var written = 0
        for path in paths {
            if let slash = path.lastIndex(of: "/") { try AtomicFile.createDirectory(String(path[..<slash])) }
            let writer = try FileWriter(path: path, gzip: gzip)
            var buffer: [UInt8] = []
            buffer.reserveCapacity(1 << 20)
            switch format {
            case .v2: buffer += Array((FlowField.defaultFormat.joined(separator: " ") + "\n").utf8)
            case .v5: buffer += Array((Self.v5Header + "\n").utf8)
            case .csv: buffer += Array("srcaddr,dstaddr,packets,bytes\n".utf8)
            case .v2NoHeader: break
            }
            var fileRecords = 0
            var fileBytes = 0
            while true {
                if let perFile, fileRecords >= perFile || (records != nil && written >= records!) { break }
                if let bytesPerFile, fileBytes + buffer.count >= bytesPerFile { break }
                appendRecord(&buffer, &random, &pools)
                fileRecords += 1
                written += 1
                if buffer.count >= 1 << 20 {
                    fileBytes += buffer.count
                    try writer.write(buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            try writer.write(buffer)
            try writer.close()
        }
        var err = OutputStream.standardError()
        try? err.write("generated \(written) records in \(paths.count) file\(paths.count == 1 ? "" : "s") under \(output)\n")
    }

    /// One file at `output`, or `files` files in the S3 layout below the folder `output`.
    func filePaths() -> [String] {
        let suffix = format == .csv ? ".csv" : ".log"
        guard files > 1 else { return [output] }
        return (0..<files).map { i in
            let day = 1 + i % 28
            let region = ["us-east-1", "eu-west-1", "ap-southeast-2"][i % 3]
            let dd = day < 10 ? "0\(day)" : "\(day)"
            let hhmm = "\(10 + i / 60 % 14)\(i % 60 < 10 ? "0" : "")\(i % 60)"
            return "\(output)/AWSLogs/123456789012/vpcflowlogs/\(region)/2026/11/\(dd)/123456789012_vpcflowlogs_\(region)_fl-0123456789abcdef0_202611\(dd)T\(hhmm)Z_\(String(i, radix: 16))\(suffix)\(gzip ? ".gz" : "")"
        }
    }

    private func appendRecord(_ out: inout [UInt8], _ random: inout SplitMix64, _ pools: inout AddressPools) {
        let roll = Double(random.next() % 1_000_000) / 1_000_000
        if roll < malformedShare {
            out += Array(["garbage line without fields", "2 123 eni-1 10.0.0.300 10.0.0.1 1 2 6 1 1 1 1 ACCEPT OK", "{\"message\":\"2 x\"}"][Int(random.next() % 3)].utf8)
            out.append(0x0A)
            return
        }
        let isNoData = roll < malformedShare + nodataShare
        let v6 = Double(random.next() % 1_000_000) / 1_000_000 < ipv6Share
        let kind = Double(random.next() % 1_000_000) / 1_000_000
        // The record's interface (its id and its address), or none in the earlier model.
        let interface = pools.interfaces.map { interfaces in
            let n = interfaces.pick(&random)
            return (id: interfaces.ids[n], address: interfaces.address(n, v6: v6))
        }
        let local = interface?.address ?? pools.privateAddress(&random, v6: v6)
        let remote: IPText =
            kind < awsShare
            ? pools.awsAddress(&random, v6: v6)
            : kind < awsShare + privateShare
                ? pools.privatePeer(&random, v6: v6) : pools.internetAddress(&random, v6: v6)
        let outbound = random.next() % 2 == 0
        let (src, dst) = outbound ? (local, remote) : (remote, local)
        let protocolNumber: UInt64 = [6, 6, 6, 6, 17, 17, 1][Int(random.next() % 7)]
        let packets = 1 + (random.next() % 64) * (1 + random.next() % 16)
        let bytes = packets * (40 + random.next() % 1461)
        let start = 1_764_300_000 + random.next() % 86_400
        let end = start + random.next() % 60
        let action = Double(random.next() % 1000) / 1000 < rejectShare ? "REJECT" : "ACCEPT"
        let srcPort = protocolNumber == 1 ? 0 : 1024 + random.next() % 64_000
        let dstPort = protocolNumber == 1 ? 0 : [443, 443, 80, 53, 22, 5432, 3306][Int(random.next() % 7)]
        let status = isNoData ? (random.next() % 4 == 0 ? "SKIPDATA" : "NODATA") : "OK"
        var w = ByteWriter(out: out)
        switch format {
        case .v2, .v2NoHeader:
            if let interface {
                w.text("2 123456789012 ")
                w.out += interface.id
            } else {
                w.text("2 123456789012 eni-0a1b2c3d4e5f6789")
                w.number(random.next() % 10)
            }
            w.space()
            if isNoData {
                w.text("- - - - - - - ")
            } else {
                w.ip(src); w.space(); w.ip(dst); w.space(); w.number(srcPort); w.space(); w.number(UInt64(dstPort)); w.space()
                w.number(protocolNumber); w.space(); w.number(packets); w.space(); w.number(bytes); w.space()
            }
            w.number(start); w.space(); w.number(end); w.space()
            w.text(isNoData ? "-" : action); w.space(); w.text(status)
        case .v5:
            w.text("5 ")
            if isNoData { w.text("- - - - - ") } else {
                w.ip(src); w.space(); w.ip(dst); w.space(); w.number(srcPort); w.space(); w.number(UInt64(dstPort)); w.space()
                w.number(protocolNumber); w.space()
            }
            w.number(start); w.space(); w.number(end); w.space(); w.text(v6 ? "IPv6 " : "IPv4 ")
            if isNoData { w.text("- - ") } else { w.number(packets); w.space(); w.number(bytes); w.space() }
            w.text("123456789012 vpc-0a1b2c3d subnet-0a1b2c3d i-0a1b2c3d4e5f67890 ")
            if let interface { w.out += interface.id } else { w.text("eni-0a1b2c3d4e5f67890") }
            w.text(" us-east-1 use1-az4 - - ")
            // action and tcp-flags, then the six fields from pkt-srcaddr to flow-direction.
            w.text(isNoData ? "- - - - - - - - " : "\(action) 19 ")
            if !isNoData { w.ip(src); w.space(); w.ip(dst); w.text(" - - 8 egress ") }
            w.text(status)
        case .csv:
            if isNoData { w.text("-,-,-,-") } else {
                w.ip(src); w.byte(0x2C); w.ip(dst); w.byte(0x2C); w.number(packets); w.byte(0x2C); w.number(bytes)
            }
        }
        w.byte(0x0A)
        out = w.out
    }
}

/// An address ready to print: IPv4 as a number, IPv6 as text.
enum IPText {
    case v4(UInt32)
    case v6([UInt8])
}

/// Appends text and numbers to a byte buffer without `String` formatting.
struct ByteWriter {
    var out: [UInt8]

    mutating func byte(_ b: UInt8) { out.append(b) }
    mutating func space() { out.append(0x20) }
    mutating func text(_ s: String) { out += s.utf8 }

    mutating func number(_ value: UInt64) {
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var v = value
        var n = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[n] = UInt8(v % 10) + 0x30
                v /= 10
                n += 1
            } while v > 0
            for i in stride(from: n - 1, through: 0, by: -1) { out.append(d[i]) }
        }
    }

    mutating func ip(_ address: IPText) {
        switch address {
        case .v4(let a):
            number(UInt64(a >> 24)); byte(0x2E); number(UInt64((a >> 16) & 0xFF)); byte(0x2E)
            number(UInt64((a >> 8) & 0xFF)); byte(0x2E); number(UInt64(a & 0xFF))
        case .v6(let text): out += text
        }
    }
}

/// Where generated addresses come from.
struct AddressPools {
    let index: PrefixIndex
    /// Per wanted service: IPv4 and IPv6 (first, last) blocks of its entries.
    var v4ByService: [[(UInt32, UInt32)]] = []
    var v6ByService: [[(UInt128, UInt128)]] = []
    /// Cumulative weights of the services (S3, EC2, DYNAMODB, CLOUDFRONT, everything else).
    let weights: [Double] = [0.40, 0.70, 0.85, 0.95, 1.0]
    /// The VPC's interfaces; nil for the earlier model (`Generator.enis` 0).
    var interfaces: NetworkInterfaces?

    init(index: PrefixIndex) {
        self.index = index
        let wanted = ["S3", "EC2", "DYNAMODB", "CLOUDFRONT"]
        v4ByService = Array(repeating: [], count: 5)
        v6ByService = Array(repeating: [], count: 5)
        for entry in index.entries {
            let slot = wanted.firstIndex(of: entry.service) ?? 4
            switch (entry.prefix.first, entry.prefix.last) {
            case (.v4(let f), .v4(let l)): v4ByService[slot].append((f, l))
            case (.v6(let f), .v6(let l)): v6ByService[slot].append((f, l))
            default: break
            }
        }
        // A service without IPv6 (DynamoDB) borrows from the rest.
        for slot in 0..<5 where v6ByService[slot].isEmpty { v6ByService[slot] = v6ByService[4] }
        for slot in 0..<5 where v4ByService[slot].isEmpty { v4ByService[slot] = v4ByService[4] }
    }

    mutating func awsAddress(_ random: inout SplitMix64, v6: Bool) -> IPText {
        let roll = Double(random.next() % 1000) / 1000
        let slot = weights.firstIndex { roll < $0 } ?? 4
        if v6 {
            // A ranges file with no IPv6 entry at all: an IPv6 flow cannot reach AWS, and its other
            // side stays IPv6 (it took an IPv4 address here, making records of both families).
            guard !v6ByService[slot].isEmpty else { return internetAddress(&random, v6: true) }
            let (first, last) = v6ByService[slot][Int(random.next() % UInt64(v6ByService[slot].count))]
            let value = first | ((UInt128(random.next()) << 64 | UInt128(random.next())) & (last ^ first))
            return .v6(Array(IPAddress.v6(value).description.utf8))
        }
        guard !v4ByService[slot].isEmpty else { return internetAddress(&random, v6: false) }
        let (first, last) = v4ByService[slot][Int(random.next() % UInt64(v4ByService[slot].count))]
        return .v4(first | (UInt32(truncatingIfNeeded: random.next()) & (last ^ first)))
    }

    /// The other side of a private ↔ private flow: another interface of the VPC, or one time in five
    /// an address of a peered VPC or the premises (172.16.0.0/12, or fd00::/8 for IPv6). With no
    /// interfaces (the earlier model), any private address.
    func privatePeer(_ random: inout SplitMix64, v6: Bool) -> IPText {
        guard let interfaces else { return privateAddress(&random, v6: v6) }
        if random.next() % 5 == 0 {
            if v6 { return privateAddress(&random, v6: true) }
            return .v4(0xAC10_0000 | UInt32(truncatingIfNeeded: random.next()) & 0x000F_FFFF)
        }
        return interfaces.address(interfaces.pick(&random), v6: v6)
    }

    func privateAddress(_ random: inout SplitMix64, v6: Bool) -> IPText {
        if v6 {
            let value = (UInt128(0xfd00) << 112) | (UInt128(random.next() & 0xFFFF_FFFF_FFFF) << 64) | UInt128(random.next())
            return .v6(Array(IPAddress.v6(value).description.utf8))
        }
        let r = UInt32(truncatingIfNeeded: random.next())
        return .v4(r % 4 == 0 ? 0xAC10_0000 | (r & 0x000F_FFFF) : 0x0A00_0000 | (r & 0x00FF_FFFF))
    }

    func internetAddress(_ random: inout SplitMix64, v6: Bool) -> IPText {
        while true {
            if v6 {
                let value = (UInt128(0x2a00) << 112) | (UInt128(random.next() & 0xFFFF_FFFF_FFFF) << 64) | UInt128(random.next())
                if index.addressClass(ipv6: value) == .internet { return .v6(Array(IPAddress.v6(value).description.utf8)) }
            } else {
                let value = UInt32(truncatingIfNeeded: random.next())
                if index.addressClass(ipv4: value) == .internet { return .v4(value) }
            }
        }
    }
}

/// The network interfaces of one generated VPC: an id (`eni-` and 17 hex digits, as AWS writes
/// them), an IPv4 address in 10.0.0.0/16 (distinct) and an IPv6 address in fd00::/8 each. Which
/// interface a record belongs to is skewed, as in real VPCs where a NAT gateway or a load balancer
/// carries much of the traffic: the interface at position `n * u²` for `u` uniform in [0, 1), so
/// the first tenth of them carry about a third of the records.
struct NetworkInterfaces {
    var ids: [[UInt8]] = []
    var v4: [UInt32] = []
    var v6: [IPText] = []

    init(count: Int, random: inout SplitMix64) {
        let hex = Array("0123456789abcdef".utf8)
        var used = Set<UInt32>()
        while v4.count < count {
            // Hosts .4 to .254 of each /24 (AWS reserves the first four and the last address).
            let host = UInt32(truncatingIfNeeded: random.next()) & 0xFF00 | UInt32(4 + random.next() % 251)
            guard used.insert(host).inserted else { continue }
            v4.append(0x0A00_0000 | host)
            // Seventeen hex digits: one from a first draw, sixteen from a second.
            var id = Array("eni-".utf8)
            id.append(hex[Int(random.next() & 15)])
            let digits = random.next()
            for k in 0..<16 { id.append(hex[Int(truncatingIfNeeded: digits >> UInt64(60 - 4 * k)) & 15]) }
            ids.append(id)
            let value = (UInt128(0xfd00) << 112) | (UInt128(0xec2) << 64) | UInt128(random.next())
            v6.append(.v6(Array(IPAddress.v6(value).description.utf8)))
        }
    }

    func pick(_ random: inout SplitMix64) -> Int {
        let u = Double(random.next() >> 11) / Double(1 << 53)
        return min(ids.count - 1, Int(Double(ids.count) * u * u))
    }

    func address(_ interface: Int, v6 wantsV6: Bool) -> IPText { wantsV6 ? v6[interface] : .v4(v4[interface]) }
}
