/// The arguments of one command after parsing: option values by name, flags, positionals.
struct ParsedArguments: Sendable {
    var values: [String: String] = [:]
    var flags: Set<String> = []
    var positionals: [String] = []

    func value(_ option: OptionSpec) -> String? { values[option.name] }
    func flag(_ name: String) -> Bool { flags.contains(name) }
}

/// What the command line asks for.
enum Invocation: Sendable {
    case run(CommandSpec, ParsedArguments)
    /// Help for a command, or for the whole tool when nil.
    case help(CommandSpec?)
    /// Help for a group of commands (`vpcflow ranges`, `vpcflow help ranges`).
    case groupHelp(String)
    case version
}

/// Turns raw arguments into an `Invocation`, or a usage error (exit 64).
///
/// Accepted: `--name value`, `--name=value`, flags `--name`, `--` to end options, `-` as a
/// positional (standard input), `-h`/`--help` anywhere, `--version` first. Not accepted: short
/// option bundles, abbreviations of option names, an option given twice.
struct ArgumentParser {
    let commands: [CommandSpec]

    /// Every command's name as typed (`summarize`, `ranges lookup`), and the group names, for
    /// suggestions.
    private var commandNames: [String] {
        var names: [String] = []
        for command in commands {
            if command.path.count > 1, !names.contains(command.path[0]) { names.append(command.path[0]) }
            names.append(command.path.joined(separator: " "))
        }
        return names + ["help"]
    }

    func parse(_ arguments: [String]) throws(CLIError) -> Invocation {
        if arguments.isEmpty { throw CLIError.usage("no command given", command: nil) }
        if arguments == ["--version"] || arguments == ["-V"] { return .version }
        if arguments[0] == "--help" || arguments[0] == "-h" { return .help(nil) }
        if arguments[0] == "help" {
            let topic = Array(arguments.dropFirst())
            if topic.isEmpty { return .help(nil) }
            if let command = commands.first(where: { $0.path == topic }) { return .help(command) }
            if topic.count == 1, commands.contains(where: { $0.path.first == topic[0] && $0.path.count > 1 }) {
                return .groupHelp(topic[0])
            }
            let hint = Suggestion.hint(topic.joined(separator: " "), in: commandNames)
            throw CLIError.usage("no command \"\(topic.joined(separator: " "))\"\(hint)", command: nil)
        }
        // The longest declared path that prefixes the arguments.
        let matching = commands.filter { Array(arguments.prefix($0.path.count)) == $0.path }
        guard let command = matching.max(by: { $0.path.count < $1.path.count }) else {
            if commands.contains(where: { $0.path.first == arguments[0] && $0.path.count > 1 }) {
                if arguments.count > 1 && (arguments[1] == "--help" || arguments[1] == "-h") {
                    return .groupHelp(arguments[0])
                }
                // A group alone (`vpcflow ranges`) is a usage error like `vpcflow` alone: exit 64
                // with the group's subcommands.
                guard arguments.count > 1 else { throw CLIError.usage("no subcommand given", group: arguments[0]) }
                let subcommands = commands.filter { $0.path.first == arguments[0] }.compactMap { $0.path.dropFirst().first }
                let hint = Suggestion.hint(arguments[1], in: subcommands, prefix: "\(arguments[0]) ")
                throw CLIError.usage("unknown command \"\(arguments[0]) \(arguments[1])\"\(hint)", group: arguments[0])
            }
            let hint = Suggestion.hint(arguments[0], in: commandNames)
            throw CLIError.usage("unknown command \"\(arguments[0])\"\(hint)", command: nil)
        }
        return try parse(Array(arguments.dropFirst(command.path.count)), for: command)
    }

    private func parse(_ arguments: [String], for command: CommandSpec) throws(CLIError) -> Invocation {
        var parsed = ParsedArguments()
        var index = 0
        var optionsEnded = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if optionsEnded || argument == "-" || !argument.hasPrefix("-") {
                parsed.positionals.append(argument)
                continue
            }
            if argument == "--" {
                optionsEnded = true
                continue
            }
            if argument == "--help" || argument == "-h" { return .help(command) }
            guard argument.hasPrefix("--") else {
                throw CLIError.usage("unknown option \"\(argument)\"", command: command)
            }
            var name = String(argument.dropFirst(2))
            var inlineValue: String?
            if let equals = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            guard let option = command.option(named: name) else {
                let hint = Suggestion.hint(name, in: command.options.map(\.name) + ["help"], prefix: "--")
                throw CLIError.usage("unknown option \"--\(name)\"\(hint)", command: command)
            }
            if option.valueName == nil {
                guard inlineValue == nil else {
                    throw CLIError.usage("option --\(name) takes no value", command: command)
                }
                guard parsed.flags.insert(name).inserted else {
                    throw CLIError.usage("option --\(name) given twice", command: command)
                }
                continue
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else {
                guard index < arguments.count else {
                    throw CLIError.usage("option --\(name) needs a value (\(option.valueName!))", command: command)
                }
                value = arguments[index]
                index += 1
            }
            guard parsed.values.updateValue(value, forKey: name) == nil else {
                throw CLIError.usage("option --\(name) given twice", command: command)
            }
        }
        try checkCounts(parsed.positionals.count, command)
        return .run(command, parsed)
    }

    private func checkCounts(_ count: Int, _ command: CommandSpec) throws(CLIError) {
        let minimum = command.arguments.reduce(0) { $0 + $1.minimum }
        let unbounded = command.arguments.contains { $0.maximum == nil }
        let maximum = command.arguments.reduce(0) { $0 + ($1.maximum ?? 0) }
        if count < minimum {
            let missing = command.arguments.first { $0.minimum > 0 }?.name ?? "argument"
            throw CLIError.usage("missing \(missing)", command: command)
        }
        if !unbounded, count > maximum {
            throw CLIError.usage("too many arguments", command: command)
        }
    }
}
