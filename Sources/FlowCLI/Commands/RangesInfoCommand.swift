import FlowEngine

/// `vpcflow ranges info`: provenance and entry counts of the ranges in use.
enum RangesInfoCommand {
    static let spec = CommandSpec(
        path: ["ranges", "info"],
        summary: "show where the ranges come from and how many entries each service and region has",
        discussion: "Prints the ranges file's syncToken and createDate, its IPv4 and IPv6 entry counts, and the\nentries per service and per region (with --labels, the label entries too).",
        options: [.ranges, .labels, .format],
        arguments: [])

    static func run(_ arguments: ParsedArguments, _ console: inout Console) throws(CLIError) -> ExitCode {
        let format = try OutputFormat(arguments)
        let index = try RangesResolver.index(arguments)
        let ranges = index.ranges
        let provenance = ranges.provenance
        let byService = counts(ranges.entries, key: \.service)
        let byRegion = counts(ranges.entries, key: \.region)
        let distinctV4 = Set(ranges.entries.lazy.filter(\.prefix.isIPv4).map(\.prefix)).count
        let distinctV6 = Set(ranges.entries.lazy.filter { !$0.prefix.isIPv4 }.map(\.prefix)).count
        switch format {
        case .json:
            let table = { (rows: [(String, Int, Int)]) -> JSONValue in
                .array(rows.map { .object([.init(key: "name", value: .string($0.0)), .init(key: "ipv4", value: .int($0.1)), .init(key: "ipv6", value: .int($0.2))]) })
            }
            var document = ProvenanceJSON.value(provenance)
            if case .object(var members) = document {
                members.append(.init(key: "distinct_ipv4_prefixes", value: .int(distinctV4)))
                members.append(.init(key: "distinct_ipv6_prefixes", value: .int(distinctV6)))
                members.append(.init(key: "address_classes", value: .int(index.classCount)))
                members.append(.init(key: "services", value: table(byService)))
                members.append(.init(key: "regions", value: table(byRegion)))
                document = .object(members)
            }
            try console.write(JSONWriter.render(document))
        case .text:
            var lines = [
                "ranges:      \(provenance.path)",
                "syncToken:   \(provenance.syncToken)",
                "createDate:  \(provenance.createDate)",
                "entries:     \(provenance.ipv4Entries + provenance.ipv6Entries) (IPv4 \(provenance.ipv4Entries), IPv6 \(provenance.ipv6Entries))",
                "prefixes:    IPv4 \(distinctV4) distinct, IPv6 \(distinctV6) distinct",
            ]
            if let labels = provenance.labelsPath {
                lines.append("labels:      \(labels) (\(Plural.counted(provenance.labelEntries, "entry", "entries")))")
            }
            lines += ["", "Entries per service:"] + table(byService, heading: "service")
            lines += ["", "Entries per region:"] + table(byRegion, heading: "region")
            try console.print(lines.joined(separator: "\n") + "\n")
        }
        return .success
    }

    /// (name, IPv4 count, IPv6 count), most entries first, then by name.
    static func counts(_ entries: [RangeEntry], key: KeyPath<RangeEntry, String>) -> [(String, Int, Int)] {
        var counts: [String: (Int, Int)] = [:]
        for entry in entries {
            if entry.prefix.isIPv4 { counts[entry[keyPath: key], default: (0, 0)].0 += 1 } else {
                counts[entry[keyPath: key], default: (0, 0)].1 += 1
            }
        }
        return counts.map { ($0.key, $0.value.0, $0.value.1) }
            .sorted { ($0.1 + $0.2, $1.0) > ($1.1 + $1.2, $0.0) }
    }

    static func table(_ rows: [(String, Int, Int)], heading: String) -> [String] {
        let width = max(heading.count, rows.map(\.0.count).max() ?? 0)
        var lines = ["  \(heading.padded(to: width))    IPv4    IPv6"]
        for (name, v4, v6) in rows {
            lines.append("  \(name.padded(to: width))  \(String(v4).leftPadded(to: 6))  \(String(v6).leftPadded(to: 6))")
        }
        return lines
    }
}

/// `--format text|json`.
enum OutputFormat {
    case text, json

    init(_ arguments: ParsedArguments) throws(CLIError) {
        switch arguments.value(.format) ?? "text" {
        case "text": self = .text
        case "json": self = .json
        case let other: throw CLIError.usage("--format must be text or json, not \"\(other)\"", command: nil)
        }
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
