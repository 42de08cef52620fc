import FlowIO

/// The inputs a command was given, expanded: a file is itself, a directory is every regular file
/// below it (hidden names skipped, sorted), `-` is standard input (at most once).
enum InputList {
    enum Source: Sendable, Equatable {
        case file(String)
        case standardInput

        var name: String {
            switch self {
            case .file(let path): path
            case .standardInput: "<stdin>"
            }
        }
    }

    /// - Parameter missingAreErrors: when false, a path that does not exist is kept as a file, for
    ///   the job to report with the others (summarize reads every input it can).
    /// - Throws: `CLIError` with exit 66 naming the first input that does not exist.
    static func expand(_ arguments: [String], missingAreErrors: Bool = true) throws(CLIError) -> [Source] {
        var sources: [Source] = []
        for argument in arguments {
            if argument == "-" {
                guard !sources.contains(.standardInput) else {
                    throw CLIError(exitCode: .usage, message: "standard input ('-') given twice")
                }
                sources.append(.standardInput)
                continue
            }
            switch FileReading.kind(of: argument) {
            case .missing:
                guard missingAreErrors else {
                    sources.append(.file(argument))
                    continue
                }
                throw CLIError(exitCode: .noInput, message: "cannot open \"\(argument)\": No such file or directory")
            case .directory:
                do {
                    sources += try DirectoryWalk.regularFiles(under: argument).map(Source.file)
                } catch {
                    throw CLIError.io(error)
                }
            case .regular, .other:
                sources.append(.file(argument))
            }
        }
        return sources
    }
}
