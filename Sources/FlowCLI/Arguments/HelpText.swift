/// Help text, generated from the command declarations.
enum HelpText {
    static let toolSummary = "vpcflow: which AWS services and regions your VPC flow logs talk to."

    /// `vpcflow --help`.
    static func overview(_ commands: [CommandSpec]) -> String {
        var lines = [toolSummary, "", "Usage: vpcflow COMMAND [OPTIONS] [ARGUMENTS]", "", "Commands:"]
        let width = commands.map(\.name.count).max() ?? 0
        for command in commands {
            lines.append("  \(command.name.padded(to: width))  \(command.summary)")
        }
        lines += [
            "",
            "Run 'vpcflow help COMMAND' or 'vpcflow COMMAND --help' for a command's options.",
            "'vpcflow --version' prints the version.",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// `vpcflow ranges` without a subcommand.
    static func group(_ name: String, _ commands: [CommandSpec]) -> String {
        let members = commands.filter { $0.path.first == name }
        var lines = ["Usage: vpcflow \(name) SUBCOMMAND [OPTIONS] [ARGUMENTS]", "", "Subcommands:"]
        let width = members.map(\.name.count).max() ?? 0
        for command in members {
            lines.append("  \(command.name.padded(to: width))  \(command.summary)")
        }
        lines += ["", "Run 'vpcflow help \(name) SUBCOMMAND' for a subcommand's options."]
        return lines.joined(separator: "\n") + "\n"
    }

    /// `vpcflow COMMAND --help`.
    static func command(_ command: CommandSpec) -> String {
        var lines = ["Usage: \(command.usageLine)", "", command.summary]
        if !command.discussion.isEmpty { lines += ["", command.discussion] }
        if !command.arguments.isEmpty {
            lines += ["", "Arguments:"]
            let width = command.arguments.map(\.synopsis.count).max() ?? 0
            for argument in command.arguments {
                lines.append("  \(argument.synopsis.padded(to: width))  \(argument.help)")
            }
        }
        let options = command.options + [OptionSpec("help", help: "show this help")]
        lines += ["", "Options:"]
        let width = options.map(\.synopsis.count).max() ?? 0
        for option in options {
            var help = option.help
            if let defaultValue = option.defaultValue { help += " (default: \(defaultValue))" }
            lines.append("  \(option.synopsis.padded(to: width))  \(help)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension String {
    func padded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
