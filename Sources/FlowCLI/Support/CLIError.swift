import FlowEngine
import FlowIO

/// Process exit codes, from sysexits(3) as README lists them.
public enum ExitCode: Int32, Sendable {
    case success = 0
    /// `diff --fail-above`: a row grew by more than the threshold (as diff(1) and grep(1) say "found").
    case thresholdPassed = 1
    /// Bad command line: unknown option, missing argument.
    case usage = 64
    /// Bad input data: an invalid ranges or labels file, `--max-malformed` exceeded.
    case dataError = 65
    /// An input file is missing or unreadable.
    case noInput = 66
    /// Something asked for is not on this machine: `--inflater isal` without ISA-L (EX_UNAVAILABLE).
    case unavailable = 69
    /// A bug: an invariant did not hold.
    case software = 70
    /// Reading or writing failed.
    case ioError = 74
    /// Another run holds the report folder: try again later (EX_TEMPFAIL).
    case temporaryFailure = 75
    /// Stopped by SIGHUP (128 + 1).
    case hangUp = 129
    /// Stopped by SIGINT (128 + 2).
    case interrupted = 130
    /// Stopped by SIGTERM (128 + 15).
    case terminated = 143

    /// 128 + the number of the stop signal that arrived (SIGINT when none is known).
    static func stopped(by signal: Int32?) -> ExitCode {
        switch signal {
        case 1: .hangUp
        case 15: .terminated
        default: .interrupted
        }
    }
}

/// An error that ends a command: what to print and which exit code to return.
struct CLIError: Error, Sendable {
    let exitCode: ExitCode
    let message: String
    /// For usage errors: the command whose usage is printed after the message.
    var usageOf: CommandSpec?
    /// For usage errors about a group (`vpcflow ranges frob`): the group whose subcommands are listed.
    var group: String?
    /// True for a closed output pipe: exit without a message.
    var quiet = false

    static func usage(_ message: String, command: CommandSpec?) -> CLIError {
        CLIError(exitCode: .usage, message: message, usageOf: command)
    }

    static func usage(_ message: String, group: String) -> CLIError {
        CLIError(exitCode: .usage, message: message, group: group)
    }

    static func data(_ message: String) -> CLIError { CLIError(exitCode: .dataError, message: message) }

    /// The exit code for an I/O failure: 66 for an input that cannot be opened, 74 otherwise, and a
    /// quiet exit for a closed pipe.
    static func io(_ error: FileSystemError, isInput: Bool = true) -> CLIError {
        switch error.code {
        case .brokenPipe:
            return CLIError(exitCode: .success, message: "", quiet: true)
        case .interrupted:
            return .stopped()
        case .notFound, .permissionDenied, .wrongKind:
            return CLIError(exitCode: isInput ? .noInput : .ioError, message: error.description)
        case .ioError, .changed:
            return CLIError(exitCode: .ioError, message: error.description)
        }
    }

    static func ranges(_ error: RangesError) -> CLIError { .data(error.description) }

    /// A run stopped by SIGINT, SIGTERM or SIGHUP: exit 128 + the signal, naming it.
    static func stopped(_ detail: String = "") -> CLIError {
        let signal = Interrupt.received
        let name = signal.map(Interrupt.name) ?? "SIGINT"
        return CLIError(exitCode: .stopped(by: signal), message: "stopped by \(name)\(detail)")
    }
}
