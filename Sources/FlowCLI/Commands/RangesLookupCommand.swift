import FlowEngine

/// `vpcflow ranges lookup`: everything the index knows about some addresses.
enum RangesLookupCommand {
    static let spec = CommandSpec(
        path: ["ranges", "lookup"],
        summary: "show the matching ranges, the primary attribution and the class of addresses",
        discussion: """
            For each address: every entry that contains it (region_service_prefix, in file order), the entry
            it is counted for under primary attribution (longest prefix; then a specific service over EC2
            over AMAZON; then file order), and its class: AWS, custom (a --labels entry), PRIVATE or INTERNET.
            """,
        options: [.ranges, .labels, .format],
        arguments: [ArgumentSpec(name: "ADDRESS", help: "IPv4 or IPv6 address", minimum: 1, maximum: nil)])

    static func run(_ arguments: ParsedArguments, _ console: inout Console) throws(CLIError) -> ExitCode {
        let format = try OutputFormat(arguments)
        var addresses: [(String, IPAddress)] = []
        for text in arguments.positionals {
            guard let address = IPAddress(text) else {
                throw CLIError.usage("\"\(text)\" is not an IPv4 or IPv6 address", command: spec)
            }
            addresses.append((text, address))
        }
        let index = try RangesResolver.index(arguments)
        switch format {
        case .json:
            let results = addresses.map { text, address in result(text, address, index) }
            let document: JSONValue = .object([
                .init(key: "ranges", value: ProvenanceJSON.value(index.ranges.provenance)),
                .init(key: "results", value: .array(results)),
            ])
            try console.write(JSONWriter.render(document))
        case .text:
            var lines: [String] = []
            for (text, address) in addresses {
                let matches = index.matchSet(of: address).map { index.entries[Int($0)].notebookLabel }
                lines.append(text)
                lines.append("  class:    \(className(index.primary(of: address), index))")
                lines.append("  primary:  \(primaryText(index.primary(of: address), index))")
                lines.append("  matches:  \(matches.isEmpty ? "(none)" : matches.joined(separator: " "))")
            }
            try console.print(lines.joined(separator: "\n") + "\n")
        }
        return .success
    }

    static func className(_ attribution: Attribution, _ index: PrefixIndex) -> String {
        switch attribution {
        case .entry(let entry): index.entries[entry].origin == .aws ? "AWS" : "custom"
        case .privateNetwork: "PRIVATE"
        case .internet: "INTERNET"
        }
    }

    static func primaryText(_ attribution: Attribution, _ index: PrefixIndex) -> String {
        switch attribution {
        case .entry(let i):
            let entry = index.entries[i]
            return "\(entry.region) \(entry.service) \(entry.prefix) (network border group \(entry.networkBorderGroup))"
        case .privateNetwork: return "- PRIVATE"
        case .internet: return "- INTERNET"
        }
    }

    static func entryJSON(_ entry: RangeEntry) -> JSONValue {
        .object([
            .init(key: "prefix", value: .string(entry.prefix.description)),
            .init(key: "region", value: .string(entry.region)),
            .init(key: "service", value: .string(entry.service)),
            .init(key: "network_border_group", value: .string(entry.networkBorderGroup)),
            .init(key: "origin", value: .string(entry.origin == .aws ? "aws" : "label")),
        ])
    }

    static func result(_ text: String, _ address: IPAddress, _ index: PrefixIndex) -> JSONValue {
        let attribution = index.primary(of: address)
        let primary: JSONValue
        switch attribution {
        case .entry(let i): primary = entryJSON(index.entries[i])
        case .privateNetwork: primary = .object([.init(key: "region", value: "-"), .init(key: "service", value: "PRIVATE")])
        case .internet: primary = .object([.init(key: "region", value: "-"), .init(key: "service", value: "INTERNET")])
        }
        return .object([
            .init(key: "address", value: .string(text)),
            .init(key: "class", value: .string(className(attribution, index))),
            .init(key: "primary", value: primary),
            .init(key: "matches", value: .array(index.matchSet(of: address).map { entryJSON(index.entries[Int($0)]) })),
        ])
    }
}
