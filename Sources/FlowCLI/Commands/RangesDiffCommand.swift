import FlowEngine

/// `vpcflow ranges diff OLD NEW`: what changed between two ranges files.
enum RangesDiffCommand {
    static let entriesOption = OptionSpec("entries", help: "also list every added (+) and removed (-) entry")

    static let spec = CommandSpec(
        path: ["ranges", "diff"],
        summary: "show the entries added and removed between two ranges files, per service and region",
        discussion: "Entries are compared as whole (prefix, region, service, network border group) tuples.",
        options: [entriesOption, .format],
        arguments: [
            ArgumentSpec(name: "OLD", help: "the older ip-ranges.json", minimum: 1, maximum: 1),
            ArgumentSpec(name: "NEW", help: "the newer ip-ranges.json", minimum: 1, maximum: 1),
        ])

    static func run(_ arguments: ParsedArguments, _ console: inout Console) throws(CLIError) -> ExitCode {
        let format = try OutputFormat(arguments)
        let old = try RangesResolver.load(arguments.positionals[0])
        let new = try RangesResolver.load(arguments.positionals[1])
        let diff = RangesDiff(old: old, new: new)
        switch format {
        case .text:
            try console.print(report(old: old, new: new, diff: diff, listEntries: arguments.flag("entries")))
        case .json:
            let rows: [JSONValue] = diff.rows.map {
                .object([
                    .init(key: "service", value: .string($0.service)), .init(key: "region", value: .string($0.region)),
                    .init(key: "added", value: .int($0.added)), .init(key: "removed", value: .int($0.removed)),
                ])
            }
            var members: [JSONMember] = [
                .init(key: "old", value: ProvenanceJSON.value(old.provenance)),
                .init(key: "new", value: ProvenanceJSON.value(new.provenance)),
                .init(key: "added", value: .int(diff.added.count)),
                .init(key: "removed", value: .int(diff.removed.count)),
                .init(key: "by_service_and_region", value: .array(rows)),
            ]
            if arguments.flag("entries") {
                members.append(.init(key: "added_entries", value: .array(diff.added.map(RangesLookupCommand.entryJSON))))
                members.append(
                    .init(key: "removed_entries", value: .array(diff.removed.map(RangesLookupCommand.entryJSON))))
            }
            try console.write(JSONWriter.render(.object(members)))
        }
        return .success
    }

    /// The text report, shared with `ranges update`.
    static func report(old: RangeSet, new: RangeSet, diff: RangesDiff, listEntries: Bool) -> String {
        func describe(_ p: RangesProvenance) -> String {
            "\(p.path) (syncToken \(p.syncToken), createDate \(p.createDate), \(Plural.counted(p.ipv4Entries + p.ipv6Entries, "entry", "entries")))"
        }
        var lines = [
            "old: \(describe(old.provenance))",
            "new: \(describe(new.provenance))",
            "added \(Plural.counted(diff.added.count, "entry", "entries")), removed \(Plural.counted(diff.removed.count, "entry", "entries"))",
        ]
        let rows = diff.rows
        if !rows.isEmpty {
            let serviceWidth = max(7, rows.map(\.service.count).max() ?? 0)
            let regionWidth = max(6, rows.map(\.region.count).max() ?? 0)
            lines.append("")
            lines.append("  \("service".padded(to: serviceWidth))  \("region".padded(to: regionWidth))  added  removed")
            for row in rows {
                lines.append(
                    "  \(row.service.padded(to: serviceWidth))  \(row.region.padded(to: regionWidth))  \(String(row.added).leftPadded(to: 5))  \(String(row.removed).leftPadded(to: 7))"
                )
            }
        }
        if listEntries {
            lines.append("")
            for entry in diff.added {
                lines.append("+ \(entry.prefix) \(entry.region) \(entry.service) \(entry.networkBorderGroup)")
            }
            for entry in diff.removed {
                lines.append("- \(entry.prefix) \(entry.region) \(entry.service) \(entry.networkBorderGroup)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
