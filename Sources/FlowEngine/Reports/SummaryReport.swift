/// How the report was made: the part of `summary.json` that may differ between runs of the same
/// inputs (command, jobs, chunk size, time, the paths of the ranges and labels files as given).
/// Everything outside the `run` object is deterministic, and is the same for `summarize` over a set
/// of inputs and for `merge` over partials of any split of them.
public struct RunInfo: Sendable {
    public var version: String
    public var attribution: AttributionMode
    /// `summarize` or `merge`.
    public var command: String
    /// For summarize.
    public var jobs: Int?
    public var chunkSize: Int?
    /// For summarize: the gzip inflater used (`zlib` or `isal`), whether or not an input was gzip.
    public var inflater: String?
    /// For merge: how many partials were merged.
    public var partials: Int?
    public var rangesFile: String?
    public var labelsFile: String?
    public var interrupted = false
    public var elapsedSeconds: Double = 0
    /// `--top` and `--bucket`.
    public var reports = ReportOptions()

    public init(
        version: String, jobs: Int, chunkSize: Int, attribution: AttributionMode, rangesFile: String? = nil,
        labelsFile: String? = nil, elapsedSeconds: Double = 0
    ) {
        self.version = version
        self.attribution = attribution
        command = "summarize"
        self.jobs = jobs
        self.chunkSize = chunkSize
        self.rangesFile = rangesFile
        self.labelsFile = labelsFile
        self.elapsedSeconds = elapsedSeconds
    }

    public init(version: String, mergedPartials: Int, attribution: AttributionMode, elapsedSeconds: Double) {
        self.version = version
        self.attribution = attribution
        command = "merge"
        partials = mergedPartials
        self.elapsedSeconds = elapsedSeconds
    }
}

/// The ranges' provenance as JSON, the same block in every JSON output.
public enum ProvenanceJSON {
    public static func value(_ provenance: RangesProvenance) -> JSONValue {
        .object([
            .init(key: "ranges_file", value: .string(provenance.path)),
            .init(key: "sync_token", value: .string(provenance.syncToken)),
            .init(key: "create_date", value: .string(provenance.createDate)),
            .init(key: "ipv4_entries", value: .int(provenance.ipv4Entries)),
            .init(key: "ipv6_entries", value: .int(provenance.ipv6Entries)),
            .init(key: "labels_file", value: provenance.labelsPath.map(JSONValue.string) ?? .null),
            .init(key: "label_entries", value: .int(provenance.labelEntries)),
        ])
    }
}

/// `summary.json` and the short human summary.
public enum SummaryReport {
    /// Version of the summary.json layout; raised when a field changes meaning. 2: input lists
    /// sorted by name, the ranges block by content (sha256) with the paths moved into `run`.
    public static let formatVersion = 2

    public static func json(_ result: SummarizeResult, run: RunInfo) -> JSONValue {
        json(Partial(result, options: [:], version: run.version), run: run)
    }

    public static func json(_ partial: Partial, run: RunInfo) -> JSONValue {
        let records = partial.records
        let totals = partial.totals
        var formats: [String: Int] = [:]
        for input in partial.inputs { if let format = input.format { formats[format.rawValue, default: 0] += 1 } }
        let inputs: JSONValue = .object([
            .init(key: "files", value: .int(partial.inputs.count)),
            .init(key: "bytes", value: .int(partial.bytesRead)),
            .init(key: "text_bytes", value: .int(partial.inputs.reduce(0) { $0 + $1.textBytes })),
            .init(key: "gzip_files", value: .int(partial.inputs.count(where: \.isGzip))),
            .init(key: "lines", value: .int(partial.inputs.reduce(0) { $0 + $1.lines })),
            .init(key: "formats", value: .object(formats.keys.sorted().map { .init(key: $0, value: .int(formats[$0]!)) })),
            .init(
                key: "failed",
                value: .array(
                    partial.failures.map {
                        .object([
                            .init(key: "path", value: .string($0.name)),
                            .init(key: "kind", value: .string(kindName($0.failure!.kind))),
                            .init(key: "error", value: .string($0.failure!.message)),
                        ])
                    })),
            .init(
                key: "grew_while_read",
                value: .array(
                    partial.inputs.filter { $0.grewTo != nil }.map {
                        .object([
                            .init(key: "path", value: .string($0.name)),
                            .init(key: "bytes_counted", value: .int($0.bytes)),
                            .init(key: "bytes_at_end", value: .int($0.grewTo!)),
                        ])
                    })),
            .init(
                key: "with_malformed",
                value: .array(
                    partial.inputs.filter { $0.malformed > 0 }.map {
                        .object([
                            .init(key: "path", value: .string($0.name)),
                            .init(key: "malformed", value: .int($0.malformed)),
                            .init(key: "lines", value: .int($0.lines)),
                        ])
                    })),
            .init(
                key: "duplicates",
                value: .array(
                    partial.duplicates.map {
                        .object([.init(key: "path", value: .string($0.path)), .init(key: "same_as", value: .string($0.sameAs))])
                    })),
            .init(key: "empty_directories", value: .array(partial.emptyDirectories.map(JSONValue.string))),
            .init(key: "not_flow_logs", value: .array(partial.inputs.filter(\.isNotAFlowLog).map { .string($0.name) })),
        ])
        let recordsValue: JSONValue = .object([
            .init(key: "data_lines", value: .int(records.dataLines)),
            .init(key: "ok", value: .int(records.ok)),
            .init(key: "nodata", value: .int(records.nodata)),
            .init(key: "skipdata", value: .int(records.skipdata)),
            .init(key: "malformed", value: .int(records.malformed)),
            .init(key: "conserved", value: .bool(records.isConserved)),
            .init(key: "header_lines", value: .int(records.headers)),
            .init(key: "blank_lines", value: .int(records.blank)),
            .init(key: "ok_with_missing_counters", value: .int(records.missingCounters)),
        ])
        let samples: JSONValue = .array(
            partial.samples.map {
                .object([
                    .init(key: "file", value: .string($0.path)), .init(key: "line", value: .int($0.line)),
                    .init(key: "reason", value: .string($0.reason)), .init(key: "text", value: .string($0.text)),
                ])
            })
        var span: JSONValue = .null
        if partial.firstStart != .max {
            span = .object([
                .init(key: "first_start", value: .int(partial.firstStart)),
                .init(key: "last_end", value: .int(partial.lastEnd)),
                .init(key: "first_start_utc", value: .string(utc(partial.firstStart))),
                .init(key: "last_end_utc", value: .string(utc(partial.lastEnd))),
            ])
        }
        let snapshot = partial.snapshot
        let seconds = max(run.elapsedSeconds, 1e-9)
        var runMembers: [JSONMember] = [
            .init(key: "command", value: .string(run.command)),
            .init(key: "vpcflow_version", value: .string(run.version)),
        ]
        if let jobs = run.jobs { runMembers.append(.init(key: "jobs", value: .int(jobs))) }
        if let chunk = run.chunkSize { runMembers.append(.init(key: "chunk_size", value: .int(chunk))) }
        if let inflater = run.inflater { runMembers.append(.init(key: "inflater", value: .string(inflater))) }
        if let partials = run.partials { runMembers.append(.init(key: "partials", value: .int(partials))) }
        runMembers.append(.init(key: "top", value: .int(run.reports.top)))
        runMembers.append(.init(key: "timeline_bucket", value: run.reports.bucket.map { .string($0.rawValue) } ?? .null))
        runMembers += [
            .init(key: "ranges_file", value: run.rangesFile.map(JSONValue.string) ?? .null),
            .init(key: "labels_file", value: run.labelsFile.map(JSONValue.string) ?? .null),
            .init(key: "interrupted", value: .bool(run.interrupted)),
            .init(key: "elapsed_seconds", value: .double((seconds * 1000).rounded() / 1000)),
            .init(key: "mb_per_second", value: .double((Double(partial.bytesRead) / 1e6 / seconds * 10).rounded() / 10)),
            .init(key: "records_per_second", value: .int(Int((Double(records.dataLines) / seconds).rounded()))),
        ]
        return .object([
            .init(key: "summary_format", value: .int(formatVersion)),
            .init(key: "attribution", value: .string(run.attribution.rawValue)),
            .init(key: "inputs", value: inputs),
            .init(key: "records", value: recordsValue),
            .init(key: "malformed_samples", value: samples),
            .init(
                key: "totals",
                value: .object([
                    .init(key: "flows", value: .int(totals.flows)), .init(key: "packets", value: .int(totals.packets)),
                    .init(key: "bytes", value: .int(totals.bytes)),
                    // True when a sum reached 2^64 - 1 and stopped there (a bad exporter's counter):
                    // figures of 18446744073709551615 are then lower bounds.
                    .init(key: "saturated", value: .bool(partial.saturated)),
                ])),
            .init(key: "time_span", value: span),
            .init(
                key: "ranges",
                value: .object([
                    .init(key: "sync_token", value: .string(snapshot.syncToken)),
                    .init(key: "create_date", value: .string(snapshot.createDate)),
                    .init(key: "ipv4_entries", value: .int(snapshot.ipv4Entries)),
                    .init(key: "ipv6_entries", value: .int(snapshot.ipv6Entries)),
                    .init(key: "sha256", value: .string(snapshot.rangesDigest)),
                    .init(key: "label_entries", value: .int(snapshot.labelEntries)),
                    .init(key: "labels_sha256", value: snapshot.labelsDigest.map(JSONValue.string) ?? .null),
                ])),
            .init(key: "run", value: .object(runMembers)),
        ])
    }

    /// The few lines printed on standard output after a run.
    public static func text(
        _ partial: Partial, services: [ServiceRow], outputDirectory: String, elapsedSeconds: Double, top: Int = 5
    ) -> String {
        let records = partial.records
        let totals = partial.totals
        var lines = [
            "read \(counted(partial.inputs.count, "input")), \(counted(partial.bytesRead, "byte")), \(counted(records.dataLines, "record")) in \(fixed(elapsedSeconds, 2)) s",
            "records: \(grouped(records.ok)) OK, \(grouped(records.nodata)) NODATA, \(grouped(records.skipdata)) SKIPDATA, \(grouped(records.malformed)) malformed",
            "totals:  \(counted(totals.flows, "flow")), \(counted(totals.packets, "packet")), \(counted(totals.bytes, "byte"))\(partial.saturated ? " (a sum reached 2^64 - 1 and stopped there: lower bounds)" : "")",
        ]
        for (side, title) in [("src", "top sources by bytes"), ("dst", "top destinations by bytes")] {
            let rows = services.filter { $0.side == side }.prefix(top)
            guard !rows.isEmpty else { continue }
            lines.append("\(title):")
            let names = rows.map { $0.region == "-" ? $0.service : "\($0.region) \($0.service)" }
            let width = names.map(\.count).max() ?? 0
            for (name, row) in zip(names, rows) {
                lines.append(
                    "  \(name.padded(width))  \(counted(row.bytes, "byte")), \(counted(row.flows, "flow"))")
            }
        }
        for failure in partial.failures { lines.append("failed: \(failure.failure!.message)") }
        lines.append("reports: \(outputDirectory)/")
        return lines.joined(separator: "\n") + "\n"
    }

    static func kindName(_ kind: InputFailure.Kind) -> String {
        switch kind {
        case .cannotOpen: "cannot_open"
        case .ioError: "io_error"
        case .badHeader: "bad_header"
        case .changed: "changed_while_read"
        }
    }

    /// `YYYY-MM-DDThh:mm:ssZ` for Unix seconds (proleptic Gregorian, no Foundation).
    static func utc(_ seconds: UInt64) -> String {
        let days = Int64(seconds / 86_400)
        let rest = Int(seconds % 86_400)
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(year)-\(two(month))-\(two(day))T\(two(Int64(rest / 3600))):\(two(Int64(rest / 60 % 60))):\(two(Int64(rest % 60)))Z"
    }

    /// "1 flow", "2,000 flows".
    static func counted(_ value: some BinaryInteger, _ noun: String) -> String {
        "\(grouped(value)) \(noun)\(value == 1 ? "" : "s")"
    }

    /// 1234567 → "1,234,567", for any integer type (counters are `UInt64`, up to 2^64 - 1).
    static func grouped(_ value: some BinaryInteger) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return value < 0 ? "-" + out : out
    }

    static func fixed(_ value: Double, _ decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let whole = Int((value * scale).rounded())
        let integer = whole / Int(scale)
        var fraction = String(whole % Int(scale))
        while fraction.count < decimals { fraction = "0" + fraction }
        return decimals == 0 ? "\(integer)" : "\(integer).\(fraction)"
    }
}

extension String {
    fileprivate func padded(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
