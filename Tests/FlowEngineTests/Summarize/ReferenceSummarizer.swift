import Foundation

/// A plain, slow, single-threaded implementation of the issue's rules for `summarize`, written
/// independently of FlowEngine: each file is read whole as text, split into lines with Foundation,
/// each line split into fields with `String.split`, and every address classified by
/// `ReferenceRanges` (a linear scan over the entries). It yields the bytes services.csv and
/// paths.csv must have, the record counts, and the malformed samples.
///
/// Rules (the issue's, restated): the first non-blank line decides the format (a comma: CSV; else
/// AWS text, whose first line is a header when it is made of field names); repeated headers and
/// blank lines are not data lines; `-` is missing; NODATA/SKIPDATA are counted, not aggregated;
/// malformed lines are counted per file and the first 10 sampled; a line of more than `lineLimit`
/// bytes (1 MiB unless a test says less) is malformed whatever it holds, and when it is the first
/// non-blank line the file is read with the default fields (or `fields`).
enum ReferenceSummarizer {
    /// Why a line is malformed; `keyword` is what the engine's reason must mention.
    enum Fault: String, Sendable, CaseIterable {
        case fieldCount = "fields", srcaddr, dstaddr, packets, bytes, start, end, action, logStatus = "log-status"
        case overLong = "line longer than"
        /// AWS text: a line of field names that is not the file's own header.
        case otherHeader = "a header line different"
        var keyword: String { rawValue }
    }

    struct Sample: Sendable, Equatable {
        let path: String
        let line: Int
        let fault: Fault
        /// The line's first 200 bytes (`truncated` when it had more).
        let text: String
        var truncated = false
    }

    struct Counts: Sendable, Equatable {
        var dataLines = 0, ok = 0, nodata = 0, skipdata = 0, malformed = 0, headers = 0, blank = 0
        var missingCounters = 0
    }

    struct Output: Sendable {
        var primaryServices: [UInt8] = []
        var allServices: [UInt8] = []
        var paths: [UInt8] = []
        var counts = Counts()
        var samples: [Sample] = []
        /// Per file: malformed lines and lines (header and blank included).
        var malformedPerFile: [Int] = []
        var linesPerFile: [Int] = []
        /// ports.csv with every row (no --top cut), interfaces.csv (nil when no file's layout has
        /// interface-id), timeline.csv at 5m and at 1h.
        var ports: [UInt8] = []
        var interfaces: [UInt8]?
        var timeline5m: [UInt8] = []
        var timeline1h: [UInt8] = []
        /// Every OK record in input order: its file, line number and the primary rows of both
        /// addresses (what `enrich` writes beside the record's fields).
        var okRecords: [(name: String, line: Int, source: ReferenceRow, destination: ReferenceRow)] = []
    }

    static let defaultFields = [
        "version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol", "packets",
        "bytes", "start", "end", "action", "log-status",
    ]

    /// Field names of VPC flow logs v2–v11 and transit-gateway logs (reference §4, §9).
    static let knownFields: Set<String> = Set(
        defaultFields + [
            "vpc-id", "subnet-id", "instance-id", "tcp-flags", "type", "pkt-srcaddr", "pkt-dstaddr", "region", "az-id",
            "sublocation-type", "sublocation-id", "pkt-src-aws-service", "pkt-dst-aws-service", "flow-direction",
            "traffic-path", "ecs-cluster-arn", "ecs-cluster-name", "ecs-container-instance-arn",
            "ecs-container-instance-id", "ecs-container-id", "ecs-second-container-id", "ecs-service-name",
            "ecs-task-definition-arn", "ecs-task-arn", "ecs-task-id", "reject-reason", "resource-id",
            "encryption-status", "instance-tag", "instance-tag-2", "interface-tag", "interface-tag-2", "asg-tag",
            "asg-tag-2", "interface-type", "next-hop-interface-id", "next-hop-subnet-id", "next-hop-az-id",
            "next-hop-vpc-id", "next-hop-interface-type", "resource-type", "tgw-id", "tgw-attachment-id",
            "tgw-src-vpc-account-id", "tgw-dst-vpc-account-id", "tgw-src-vpc-id", "tgw-dst-vpc-id",
            "tgw-src-subnet-id", "tgw-dst-subnet-id", "tgw-src-eni", "tgw-dst-eni", "tgw-src-az-id", "tgw-dst-az-id",
            "tgw-pair-attachment-id", "packets-lost-no-route", "packets-lost-blackhole", "packets-lost-mtu-exceeded",
            "packets-lost-ttl-expired",
        ])

    /// Summarizes files read from disk (plain text only).
    /// The sample escaping rule, restated per character: C0 and C1 controls and DEL become `\xNN`
    /// for each of their UTF-8 bytes, a backslash is doubled, everything else is kept.
    static func escaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar == "\\" {
                out += "\\\\"
            } else if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                for byte in String(scalar).utf8 { out += "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16) }
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func summarize(paths: [String], ranges: ReferenceRanges, fields: [String]? = nil, lineLimit: Int = 1 << 20) throws
        -> Output
    {
        let files = try paths.map { ($0, String(decoding: try Data(contentsOf: URL(fileURLWithPath: $0)), as: UTF8.self)) }
        return summarize(files: files, ranges: ranges, fields: fields, lineLimit: lineLimit)
    }

    /// Summarizes `(name, text)` inputs in order.
    static func summarize(
        files: [(name: String, text: String)], ranges: ReferenceRanges, fields: [String]? = nil, lineLimit: Int = 1 << 20
    ) -> Output {
        var out = Output()
        var counters = Counters()
        for (name, text) in files {
            // Split on U+000A by scalars: as Characters, "\r\n" is one grapheme and never equals "\n".
            var lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.last == "\r" ? String($0.dropLast()) : String($0) }
            if text.unicodeScalars.last == "\n" || text.isEmpty { lines.removeLast() }
            var state = FileState()
            var malformed = 0
            for (offset, line) in lines.enumerated() {
                let okBefore = out.counts.ok
                defer {
                    if out.counts.ok > okBefore, let rows = counters.lastPrimary {
                        out.okRecords.append((name, offset + 1, rows.0, rows.1))
                    }
                }
                if let fault = readLine(line, &state, fields, lineLimit, &out.counts, &counters, ranges) {
                    malformed += 1
                    out.counts.malformed += 1
                    if malformed <= 10 {
                        let kept = Self.escaped(String(decoding: Array(line.utf8.prefix(200)), as: UTF8.self))
                        out.samples.append(
                            Sample(path: name, line: offset + 1, fault: fault, text: kept, truncated: line.utf8.count > 200))
                    }
                }
            }
            out.malformedPerFile.append(malformed)
            out.linesPerFile.append(lines.count)
        }
        out.ports = portsCSV(counters.ports)
        out.interfaces = counters.hasInterfaceField ? interfacesCSV(counters.interfaces) : nil
        out.timeline5m = timelineCSV(counters.timeline, bucket: 300)
        out.timeline1h = timelineCSV(counters.timeline, bucket: 3600)
        out.primaryServices = servicesCSV(counters.primary)
        out.allServices = servicesCSV(counters.all)
        out.paths = pathsCSV(counters.paths)
        return out
    }

    // MARK: - Lines

    private struct FileState {
        /// nil until the first non-blank line.
        var isCSV: Bool?
        var header: [String]?
        var columns: [String: Int] = [:]
        var fieldCount = 0
    }

    /// Sums per key: the key columns of a report row (side, region, service; or the five path
    /// columns) → flows, packets, bytes.
    private typealias Table = [[String]: [UInt64]]

    private struct Counters {
        var primary: Table = [:]
        var all: Table = [:]
        var paths: Table = [:]
        /// [protocol number or "-", port or "-"] → flows, packets, bytes, rejected.
        var ports: Table = [:]
        /// [interface id] → flows, packets, bytes, accepted, rejected.
        var interfaces: Table = [:]
        var hasInterfaceField = false
        /// [start second or "", side, region, service] → flows, packets, bytes, one cell per record
        /// and side at the second of its start (bucketed when rendered).
        var timeline: Table = [:]
        var memo: [ReferenceAddress: (ReferenceRow, [ReferenceRow])] = [:]
        /// The primary rows of the last OK record.
        var lastPrimary: (ReferenceRow, ReferenceRow)?
    }

    private static let csvSpace = CharacterSet(charactersIn: " \t")

    private static func tokens(_ line: String, csv: Bool) -> [String] {
        csv
            ? line.unicodeScalars.split(separator: ",", omittingEmptySubsequences: false).map {
                // One pair of surrounding double quotes is not part of a CSV field (bytes, not
                // characters: a quote may start a grapheme cluster).
                let field = Array(String($0).trimmingCharacters(in: csvSpace).utf8)
                let quoted = field.count >= 2 && field.first == 0x22 && field.last == 0x22
                return String(decoding: quoted ? field.dropFirst().dropLast() : field[...], as: UTF8.self)
            }
            : line.unicodeScalars.split(omittingEmptySubsequences: true) { $0 == " " || $0 == "\t" }.map(String.init)
    }

    private static func isHeader(_ names: [String]) -> Bool {
        let stripped = names.map(unwrap)
        let shaped = stripped.allSatisfy { name in
            guard let first = name.unicodeScalars.first, first.isASCIILetter else { return false }
            return name.unicodeScalars.allSatisfy { $0.isASCIILetter || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
        }
        return shaped && stripped.contains { knownFields.contains($0) }
    }

    private static func unwrap(_ name: String) -> String {
        name.hasPrefix("${") && name.hasSuffix("}") ? String(name.dropFirst(2).dropLast()) : name
    }

    /// Reads one line; returns the fault when it is malformed.
    private static func readLine(
        _ line: String, _ state: inout FileState, _ fields: [String]?, _ lineLimit: Int, _ counts: inout Counts,
        _ counters: inout Counters, _ ranges: ReferenceRanges
    ) -> Fault? {
        if line.utf8.count > lineLimit {
            counts.dataLines += 1
            if state.isCSV == nil {
                state.isCSV = false
                let names = fields ?? defaultFields
                state.fieldCount = names.count
                for (column, name) in names.enumerated() where state.columns[name] == nil { state.columns[name] = column }
                // Read under the default fields (or --fields): interfaces.csv is written when they name it.
                if state.columns["interface-id"] != nil { counters.hasInterfaceField = true }
            }
            return .overLong
        }
        if line.unicodeScalars.allSatisfy({ $0 == " " || $0 == "\t" }) {
            counts.blank += 1
            return nil
        }
        if state.isCSV == nil {
            let csv = line.contains(",")
            state.isCSV = csv
            let first = tokens(line, csv: csv)
            var names: [String]
            if csv {
                if ReferenceAddress.parse(first[0]) != nil {
                    names = ["srcaddr", "dstaddr"] + Array(repeating: "", count: max(0, first.count - 2))
                } else {
                    names = first.map { $0.lowercased() }
                    if !names.contains("srcaddr") && !names.contains("dstaddr") && names.count >= 2 {
                        names[0] = "srcaddr"
                        names[1] = "dstaddr"
                    }
                    state.header = first
                }
            } else if isHeader(first) {
                names = first.map(unwrap)
                state.header = first
            } else {
                names = fields ?? defaultFields
            }
            state.fieldCount = names.count
            for (column, name) in names.enumerated() where state.columns[name] == nil { state.columns[name] = column }
            if state.columns["interface-id"] != nil || state.columns["interface_id"] != nil {
                counters.hasInterfaceField = true
            }
            if state.header != nil {
                counts.headers += 1
                return nil
            }
        }
        let fields = tokens(line, csv: state.isCSV!)
        if fields == state.header {
            counts.headers += 1
            return nil
        }
        counts.dataLines += 1
        if !state.isCSV!, isHeader(fields) { return .otherHeader }
        return record(fields, state, &counts, &counters, ranges)
    }

    private static func record(
        _ f: [String], _ state: FileState, _ counts: inout Counts, _ counters: inout Counters,
        _ ranges: ReferenceRanges
    ) -> Fault? {
        guard f.count == state.fieldCount else { return .fieldCount }
        func value(_ name: String) -> String? { state.columns[name].map { f[$0] } }
        let srcText = value("srcaddr")!
        let dstText = value("dstaddr")!
        if let status = value("log-status") {
            switch status {
            case "OK": break
            case "NODATA":
                counts.nodata += 1
                return nil
            case "SKIPDATA":
                counts.skipdata += 1
                return nil
            default: return .logStatus
            }
        } else if srcText == "-" && dstText == "-" {
            counts.nodata += 1
            return nil
        }
        guard let src = ReferenceAddress.parse(srcText) else { return .srcaddr }
        guard let dst = ReferenceAddress.parse(dstText) else { return .dstaddr }
        func number(_ name: String) -> (ok: Bool, value: UInt64, missing: Bool) {
            guard let text = value(name) else { return (true, 0, false) }
            if text == "-" { return (true, 0, true) }
            guard !text.isEmpty, text.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }), let v = UInt64(text)
            else { return (false, 0, false) }
            return (true, v, false)
        }
        let packets = number("packets")
        guard packets.ok else { return .packets }
        let bytes = number("bytes")
        guard bytes.ok else { return .bytes }
        guard number("start").ok else { return .start }
        guard number("end").ok else { return .end }
        let action = value("action") ?? "-"
        guard ["ACCEPT", "REJECT", "-"].contains(action) else { return .action }

        counts.ok += 1
        if packets.missing || bytes.missing { counts.missingCounters += 1 }
        let values: [UInt64] = [1, packets.value, bytes.value]
        var keys: [ReferenceRow] = []
        for (side, address) in [("src", src), ("dst", dst)] {
            if counters.memo[address] == nil {
                counters.memo[address] = ranges.classify(address)
            }
            let (primary, all) = counters.memo[address]!
            keys.append(primary)
            add(&counters.primary, [side, primary.region, primary.service], values)
            for row in all { add(&counters.all, [side, row.region, row.service], values) }
        }
        add(&counters.paths, [keys[0].region, keys[0].service, keys[1].region, keys[1].service, action], values)
        counters.lastPrimary = (keys[0], keys[1])

        // The detail fields: a number in range, else absent ("-"); never a reason to refuse a line.
        func detail(_ names: [String], max: Int) -> String {
            guard let text = names.lazy.compactMap({ value($0) }).first, !text.isEmpty,
                text.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) })
            else { return "-" }
            let digits = text.drop { $0 == "0" }
            guard digits.count <= 6 else { return "-" }
            let number = Int(digits) ?? 0
            return number <= max ? String(number) : "-"
        }
        let rejected: UInt64 = action == "REJECT" ? 1 : 0
        add(&counters.ports, [detail(["protocol"], max: 255), detail(["dstport"], max: 65535)], values + [rejected])
        if let interface = value("interface-id") ?? value("interface_id"), interface != "-" {
            add(&counters.interfaces, [Self.escaped(interface)], values + [action == "ACCEPT" ? 1 : 0, rejected])
        }
        var second = ""
        if let text = value("start"), text != "-", var start = UInt64(text) {
            if start > 100_000_000_000 { start /= 1000 }
            // After 9999-12-31T23:59:59Z a start is no time (ISO 8601's four-digit years): no bucket.
            if start <= 253_402_300_799 { second = String(start) }
        }
        for (side, row) in [("src", keys[0]), ("dst", keys[1])] {
            add(&counters.timeline, [second, side, row.region, row.service], values)
        }
        return nil
    }

    /// Sums clamp at 2^64 - 1, as the engine's do (README, "Counters near 2^64"): computed here in
    /// 128 bits and clamped, which is the same whatever the order of the records.
    private static func add(_ table: inout Table, _ key: [String], _ values: [UInt64]) {
        let old = table[key] ?? Array(repeating: 0, count: values.count)
        table[key] = (0..<values.count).map { i in
            let sum = UInt128(old[i]) + UInt128(values[i])
            return sum > UInt128(UInt64.max) ? UInt64.max : UInt64(sum)
        }
    }

    // MARK: - CSV

    /// IANA protocol names as the report writes them (restated from the README, not from the engine).
    static let protocolNames: [String: String] = [
        "0": "hopopt", "1": "icmp", "2": "igmp", "4": "ipencap", "6": "tcp", "17": "udp", "41": "ipv6",
        "43": "ipv6-route", "44": "ipv6-frag", "46": "rsvp", "47": "gre", "50": "esp", "51": "ah", "58": "ipv6-icmp",
        "59": "ipv6-nonxt", "60": "ipv6-opts", "88": "eigrp", "89": "ospf", "103": "pim", "112": "vrrp", "115": "l2tp",
        "132": "sctp", "136": "udplite",
    ]

    /// Every ports row, by bytes descending, then protocol number, then port (absent last).
    private static func portsCSV(_ table: Table, top: Int = .max) -> [UInt8] {
        func order(_ text: String) -> Int { text == "-" ? 1 << 20 : Int(text)! }
        let rows = table.sorted { a, b in
            if a.value[2] != b.value[2] { return a.value[2] > b.value[2] }
            return (order(a.key[0]), order(a.key[1])) < (order(b.key[0]), order(b.key[1]))
        }.prefix(top)
        var text = "protocol,port,flows,packets,bytes,rejected_flows\n"
        for row in rows {
            let name = protocolNames[row.key[0]] ?? row.key[0]
            text += ([name, row.key[1]] + row.value.map { String($0) }).joined(separator: ",") + "\n"
        }
        return Array(text.utf8)
    }

    private static func interfacesCSV(_ table: Table) -> [UInt8] {
        render(header: "interface_id,flows,packets,bytes,accepted_flows,rejected_flows", table, quote: true)
    }

    /// Cells summed into buckets of `bucket` seconds, sorted by bucket (none last), side (src
    /// first), region, service; bucket starts in ISO 8601 (computed with Foundation's calendar, not the engine's).
    private static func timelineCSV(_ table: Table, bucket: UInt64) -> [UInt8] {
        var cells: Table = [:]
        for (key, values) in table {
            let start = key[0].isEmpty ? "" : String(UInt64(key[0])! / bucket * bucket)
            add(&cells, [start] + key.dropFirst(), values)
        }
        let rows = cells.sorted { a, b in
            if a.key[0] != b.key[0] {
                if a.key[0].isEmpty { return false }
                if b.key[0].isEmpty { return true }
                return UInt64(a.key[0])! < UInt64(b.key[0])!
            }
            if a.key[1] != b.key[1] { return a.key[1] == "src" }
            for (x, y) in zip(a.key.dropFirst(2), b.key.dropFirst(2)) where x != y {
                return Array(x.utf8).lexicographicallyPrecedes(Array(y.utf8))
            }
            return false
        }
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        var text = "bucket_start,side,region,service,flows,packets,bytes\n"
        for row in rows {
            let start = row.key[0].isEmpty ? "" : formatter.string(from: Date(timeIntervalSince1970: Double(row.key[0])!))
            text += ([start] + row.key.dropFirst() + row.value.map { String($0) }).joined(separator: ",") + "\n"
        }
        return Array(text.utf8)
    }

    private static func servicesCSV(_ table: Table) -> [UInt8] {
        render(header: "side,region,service,flows,packets,bytes", table)
    }

    private static func pathsCSV(_ table: Table) -> [UInt8] {
        render(header: "src_region,src_service,dst_region,dst_service,action,flows,packets,bytes", table)
    }

    /// Rows sorted by bytes descending, then by the key columns in byte order.
    private static func render(header: String, _ table: Table, quote: Bool = false) -> [UInt8] {
        let rows = table.map { (key: $0.key, values: $0.value) }
            .filter { $0.values[0] > 0 }
            .sorted { a, b in
                if a.values[2] != b.values[2] { return a.values[2] > b.values[2] }
                for (x, y) in zip(a.key, b.key) where x != y { return Array(x.utf8).lexicographicallyPrecedes(Array(y.utf8)) }
                return false
            }
        var text = header + "\n"
        for row in rows {
            let values = row.values.map { String($0) }
            let key = quote ? row.key.map(csvField) : row.key
            text += (key + values).joined(separator: ",") + "\n"
        }
        return Array(text.utf8)
    }
}

extension Unicode.Scalar {
    fileprivate var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}

extension ReferenceSummarizer {
    /// RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled.
    static func csvField(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
