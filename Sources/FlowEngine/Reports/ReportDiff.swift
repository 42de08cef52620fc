import FlowIO

/// `vpcflow diff`: what changed between two report sets (a night and the one before). Each side is a
/// report folder or a partial (rendered through the same reports first), read as `DiffSide`.
///
/// diff.csv has one line per services row of either side: bytes before and after, the change, the
/// change in percent of before (empty when before is 0), and a status (`same`, `grew`, `shrank`,
/// `appeared`, `vanished`); sorted by the size of the change, then by side, region, service. The
/// summary on standard output adds the totals, the time spans, whether the ranges snapshot changed
/// (a new snapshot moves bytes between rows by itself) and the top movers among services, paths and
/// ports.
public enum ReportDiff {
    /// One side: its attribution, the report rows it has (key columns → bytes), its time span and
    /// snapshot.
    public struct Side: Sendable {
        public var name: String
        public var attribution: AttributionMode
        /// services.csv: [side, region, service] → bytes.
        public var services: [[String]: UInt64] = [:]
        /// paths.csv: [src_region, src_service, dst_region, dst_service, action] → bytes.
        public var paths: [[String]: UInt64] = [:]
        /// ports.csv: [protocol, port] → bytes; nil when the side has no ports.csv (written by a
        /// vpcflow before it).
        public var ports: [[String]: UInt64]?
        public var firstStartUTC: String?
        public var lastEndUTC: String?
        public var syncToken: String
        public var createDate: String
        public var rangesDigest: String
        public var labelsDigest: String?

        public init(
            name: String, attribution: AttributionMode, syncToken: String, createDate: String, rangesDigest: String,
            labelsDigest: String?
        ) {
            self.name = name
            self.attribution = attribution
            self.syncToken = syncToken
            self.createDate = createDate
            self.rangesDigest = rangesDigest
            self.labelsDigest = labelsDigest
        }

        public var totalBytes: UInt64 {
            var stopped = false
            return services.filter { $0.key.first == "src" }.values.reduce(0) { Saturating.add($0, $1, &stopped) }
        }
    }

    /// Why a side cannot be read.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
        public init(_ message: String) { self.message = message }
    }

    /// One row compared.
    public struct Change: Sendable, Equatable {
        public enum Status: String, Sendable { case same, grew, shrank, appeared, vanished }
        public let key: [String]
        public let before: UInt64
        public let after: UInt64

        /// after - before, exact (both below 2^64).
        public var change: Int128 { Int128(after) - Int128(before) }
        public var status: Status {
            if before == after { return .same }
            if before == 0 { return .appeared }
            if after == 0 { return .vanished }
            return after > before ? .grew : .shrank
        }
        /// The change in percent of before, rounded to one decimal; nil when before is 0.
        public var percent: Double? {
            guard before > 0 else { return nil }
            return (Double(change) / Double(before) * 1000).rounded() / 10
        }
    }

    /// Every key of either table, compared; by |change| (largest first), then key (byte order).
    public static func changes(_ before: [[String]: UInt64], _ after: [[String]: UInt64]) -> [Change] {
        var keys = Set(before.keys)
        keys.formUnion(after.keys)
        return keys.map { Change(key: $0, before: before[$0] ?? 0, after: after[$0] ?? 0) }.sorted {
            let a = $0.change.magnitude
            let b = $1.change.magnitude
            if a != b { return a > b }
            for (x, y) in zip($0.key, $1.key) where x != y { return ByteOrder.precedes(x, y) }
            return false
        }
    }

    public static let header = ["side", "region", "service", "bytes_before", "bytes_after", "change", "percent", "status"]

    /// diff.csv.
    public static func csv(_ changes: [Change]) -> [UInt8] {
        var writer = CSVWriter(header: header)
        for c in changes {
            let percent = c.percent.map { oneDecimal($0, plus: false) } ?? ""
            writer.row(c.key + [String(c.before), String(c.after), String(c.change), percent, c.status.rawValue])
        }
        return writer.bytes
    }

    /// Rows that grew by more than `percent` (a row that appeared grew from nothing: more than any
    /// percentage).
    public static func above(_ changes: [Change], percent: Double) -> [Change] {
        changes.filter { c in
            switch c.status {
            case .appeared: true
            case .grew: (c.percent ?? 0) > percent
            default: false
            }
        }
    }

    /// Refuses two sides that cannot be compared row by row.
    public static func check(_ old: Side, _ new: Side) throws(Failure) {
        guard old.attribution == new.attribution else {
            throw Failure(
                "\(old.name) has \(old.attribution.rawValue) attribution and \(new.name) \(new.attribution.rawValue): rows of different attributions do not compare (summarize both with the same --attribution)")
        }
    }

    /// The readable summary.
    public static func text(_ old: Side, _ new: Side, services: [Change], top: Int, wrote: String?, failAbove: Double?) -> String {
        var lines: [String] = []
        lines.append("vpcflow diff: \(old.name) -> \(new.name) (\(old.attribution.rawValue) attribution)")
        func span(_ s: Side) -> String { "\(s.firstStartUTC ?? "no start") .. \(s.lastEndUTC ?? "no end")" }
        lines.append("time span: \(span(old)) -> \(span(new))")
        if old.rangesDigest == new.rangesDigest && old.labelsDigest == new.labelsDigest {
            lines.append("ranges: the same snapshot (syncToken \(new.syncToken), createDate \(new.createDate))")
        } else {
            var what: [String] = []
            if old.rangesDigest != new.rangesDigest {
                what.append(
                    "ip-ranges changed: syncToken \(old.syncToken) createDate \(old.createDate) sha256:\(old.rangesDigest.prefix(12)) -> syncToken \(new.syncToken) createDate \(new.createDate) sha256:\(new.rangesDigest.prefix(12))")
            }
            if old.labelsDigest != new.labelsDigest {
                what.append("labels changed: \(old.labelsDigest.map { "sha256:\($0.prefix(12))" } ?? "none") -> \(new.labelsDigest.map { "sha256:\($0.prefix(12))" } ?? "none")")
            }
            lines.append("ranges: \(what.joined(separator: "; ")); a new snapshot can move bytes between rows by itself")
        }
        let before = old.totalBytes
        let after = new.totalBytes
        let total = Change(key: [], before: before, after: after)
        lines.append(
            "total bytes: \(SummaryReport.grouped(before)) -> \(SummaryReport.grouped(after)) (\(signedGrouped(total.change))\(total.percent.map { ", " + percentText($0) + "%" } ?? ""))")
        var counts: [Change.Status: Int] = [:]
        for c in services { counts[c.status, default: 0] += 1 }
        lines.append(
            "services rows: \(counts[.grew] ?? 0) grew, \(counts[.shrank] ?? 0) shrank, \(counts[.appeared] ?? 0) appeared, \(counts[.vanished] ?? 0) vanished, \(counts[.same] ?? 0) the same")
        func movers(_ title: String, _ changes: [Change]) {
            let moved = changes.filter { $0.status != .same }.prefix(top)
            guard !moved.isEmpty else { return }
            lines.append("top movers, \(title):")
            for c in moved {
                lines.append(
                    "  \(c.key.joined(separator: " ")): \(SummaryReport.grouped(c.before)) -> \(SummaryReport.grouped(c.after)) bytes (\(signedGrouped(c.change))\(c.percent.map { ", " + percentText($0) + "%" } ?? ", \(c.status.rawValue)"))")
            }
        }
        movers("services", services)
        movers("paths", changes(old.paths, new.paths))
        if let a = old.ports, let b = new.ports {
            movers("ports", changes(a, b))
        } else {
            lines.append("ports: not compared (\(old.ports == nil ? old.name : new.name) has no ports.csv)")
        }
        if let failAbove {
            let over = above(services, percent: failAbove)
            lines.append(
                over.isEmpty
                    ? "no services row grew by more than \(oneDecimal(failAbove, plus: false))%"
                    : "\(over.count) services row\(over.count == 1 ? "" : "s") grew by more than \(oneDecimal(failAbove, plus: false))% or appeared (--fail-above)")
        }
        if let wrote { lines.append("diff: \(wrote)") }
        return lines.joined(separator: "\n") + "\n"
    }

    static func signed(_ value: Int128) -> String { value > 0 ? "+\(value)" : "\(value)" }

    static func signedGrouped(_ value: Int128) -> String { (value > 0 ? "+" : "") + SummaryReport.grouped(value) }

    static func percentText(_ value: Double) -> String { oneDecimal(value, plus: true) }

    /// `value` rounded to one decimal ("-37.3", "50.0"; "+50.0" with `plus`).
    static func oneDecimal(_ value: Double, plus: Bool) -> String {
        let tenths = Int((value * 10).rounded())
        let sign = tenths < 0 ? "-" : plus && tenths > 0 ? "+" : ""
        let magnitude = tenths.magnitude
        return "\(sign)\(magnitude / 10).\(magnitude % 10)"
    }
}

extension ReportDiff.Side {
    /// A side from a report folder's files: services.csv, paths.csv and summary.json (needed),
    /// ports.csv (if there).
    public static func fromReports(
        name: String, services: [UInt8], paths: [UInt8], ports: [UInt8]?, summary: [UInt8]
    ) throws(ReportDiff.Failure) -> ReportDiff.Side {
        let json: JSONValue
        do { json = try JSONParser.parse(summary) } catch { throw ReportDiff.Failure("\(name)/summary.json: \(error)") }
        guard let attributionText = json["attribution"]?.stringValue, let attribution = AttributionMode(rawValue: attributionText)
        else { throw ReportDiff.Failure("\(name)/summary.json: no attribution (is it a vpcflow summary?)") }
        let ranges = json["ranges"]
        var side = ReportDiff.Side(
            name: name, attribution: attribution, syncToken: ranges?["sync_token"]?.stringValue ?? "",
            createDate: ranges?["create_date"]?.stringValue ?? "", rangesDigest: ranges?["sha256"]?.stringValue ?? "",
            labelsDigest: ranges?["labels_sha256"]?.stringValue)
        side.firstStartUTC = json["time_span"]?["first_start_utc"]?.stringValue
        side.lastEndUTC = json["time_span"]?["last_end_utc"]?.stringValue
        side.services = try table("\(name)/services.csv", services, header: ServicesReport.header, keys: 3)
        side.paths = try table("\(name)/paths.csv", paths, header: PathsReport.header, keys: 5)
        side.ports = try ports.map { (bytes) throws(ReportDiff.Failure) in
            try table("\(name)/ports.csv", bytes, header: PortsReport.header, keys: 2)
        }
        return side
    }

    /// A side from a partial: its reports rendered as summarize would write them, then read back.
    public static func fromPartial(name: String, _ partial: Partial, attribution: AttributionMode) throws(ReportDiff.Failure)
        -> ReportDiff.Side
    {
        let s = partial.snapshot
        var side = ReportDiff.Side(
            name: name, attribution: attribution, syncToken: s.syncToken, createDate: s.createDate,
            rangesDigest: s.rangesDigest, labelsDigest: s.labelsDigest)
        if partial.firstStart != .max {
            side.firstStartUTC = SummaryReport.utc(partial.firstStart)
            side.lastEndUTC = SummaryReport.utc(partial.lastEnd)
        }
        side.services = try table(
            name, ServicesReport.csv(ServicesReport.rows(partial, attribution: attribution)), header: ServicesReport.header, keys: 3)
        side.paths = try table(name, PathsReport.csv(PathsReport.rows(partial)), header: PathsReport.header, keys: 5)
        side.ports = try table(name, PortsReport.csv(PortsReport.rows(partial, top: .max)), header: PortsReport.header, keys: 2)
        return side
    }

    /// A report's rows: the first `keys` columns → the `bytes` column.
    static func table(_ name: String, _ bytes: [UInt8], header: [String], keys: Int) throws(ReportDiff.Failure) -> [[String]: UInt64] {
        let records: [[String]]
        do { records = try CSVReader.records(bytes) } catch { throw ReportDiff.Failure("\(name): \(error)") }
        guard let first = records.first, first == header else {
            throw ReportDiff.Failure("\(name): not a vpcflow report (its header is not \(header.joined(separator: ",")))")
        }
        guard let column = header.firstIndex(of: "bytes") else { preconditionFailure("a report without bytes") }
        var table: [[String]: UInt64] = [:]
        for (n, record) in records.dropFirst().enumerated() {
            guard record.count == header.count, let value = UInt64(record[column]) else {
                throw ReportDiff.Failure("\(name): line \(n + 2) is not a row of \(header.count) fields with a byte count")
            }
            var stopped = false
            table[Array(record.prefix(keys))] = Saturating.add(table[Array(record.prefix(keys))] ?? 0, value, &stopped)
        }
        return table
    }
}
