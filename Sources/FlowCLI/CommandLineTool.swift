import FlowIO

/// The `vpcflow` command: parses arguments into one invocation, runs it, prints errors and maps
/// them to exit codes. The executable's `main.swift` only calls `main()`.
public enum CommandLineTool {
    public static let version = "0.1.0"

    /// Every command, in the order the overview lists them.
    static let commands: [CommandSpec] = [
        SummarizeCommand.spec, MergeCommand.spec, ClassifyCommand.spec, RangesInfoCommand.spec, RangesLookupCommand.spec, RangesUpdateCommand.spec,
        RangesDiffCommand.spec, DiffCommand.spec, EnrichCommand.spec,
    ]

    /// Runs the process's command line and exits.
    public static func main() async -> Never {
        OutputStream.ignoreBrokenPipeSignal()
        let code = await run(Array(CommandLine.arguments.dropFirst()))
        ProcessControl.exit(code.rawValue)
    }

    /// Runs one command line (without the program name) and returns its exit code.
    public static func run(_ arguments: [String]) async -> ExitCode {
        var console = Console()
        do throws(CLIError) {
            let invocation = try ArgumentParser(commands: commands).parse(arguments)
            let code: ExitCode
            switch invocation {
            case .version:
                try console.print("vpcflow \(version)\n")
                code = .success
            case .help(let command):
                try console.print(command.map(HelpText.command) ?? HelpText.overview(commands))
                code = .success
            case .groupHelp(let group):
                try console.print(HelpText.group(group, commands))
                code = .success
            case .run(let command, let parsed):
                do throws(CLIError) {
                    code = try await dispatch(command, parsed, &console)
                } catch {
                    // A usage error raised below the dispatcher (an option value checked by a helper
                    // shared between commands) shows the usage of the command that was run.
                    var located = error
                    if located.exitCode == .usage && located.usageOf == nil && located.group == nil {
                        located.usageOf = command
                    }
                    throw located
                }
            }
            try console.flush()
            return code
        } catch {
            return report(error, &console)
        }
    }

    private static func dispatch(_ command: CommandSpec, _ arguments: ParsedArguments, _ console: inout Console)
        async throws(CLIError) -> ExitCode
    {
        switch command.path {
        case SummarizeCommand.spec.path: return try await SummarizeCommand.run(arguments, &console)
        case MergeCommand.spec.path: return try await MergeCommand.run(arguments, &console)
        case ClassifyCommand.spec.path: return try ClassifyCommand.run(arguments, &console)
        case RangesInfoCommand.spec.path: return try RangesInfoCommand.run(arguments, &console)
        case RangesLookupCommand.spec.path: return try RangesLookupCommand.run(arguments, &console)
        case RangesUpdateCommand.spec.path: return try await RangesUpdateCommand.run(arguments, &console)
        case RangesDiffCommand.spec.path: return try RangesDiffCommand.run(arguments, &console)
        case DiffCommand.spec.path: return try DiffCommand.run(arguments, &console)
        case EnrichCommand.spec.path: return try await EnrichCommand.run(arguments, &console)
        default: throw CLIError(exitCode: .software, message: "command \(command.name) has no implementation")
        }
    }

    /// Prints an error (and, for usage errors, the usage) to standard error.
    private static func report(_ error: CLIError, _ console: inout Console) -> ExitCode {
        if error.quiet { return error.exitCode }
        try? console.flush()
        console.diagnose("vpcflow: \(error.message)")
        if error.exitCode == .usage {
            if let command = error.usageOf {
                console.diagnose("Usage: \(command.usageLine)\nRun 'vpcflow help \(command.name)' for more.")
            } else if let group = error.group {
                console.diagnose(HelpText.group(group, commands))
            } else {
                console.diagnose(HelpText.overview(commands))
            }
        }
        return error.exitCode
    }
}
