import FlowIO

/// The inputs a command was given, expanded: a file is itself, a directory is every regular file
/// below it (hidden names skipped, sorted), `-` is standard input (at most once).
///
/// A file reached twice (named twice, through a symbolic link, as `./x` and `x`, or as a directory
/// and a file inside it) is read once: the first path that reaches it (same device and inode) is
/// kept, the others are listed in `duplicates`. A directory with no input file in it (empty, or
/// only hidden files) is listed in `emptyDirectories`; when no argument gives any input at all,
/// `expand` fails with "no input files found" (exit 66).
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

    struct Expansion: Sendable {
        var sources: [Source] = []
        /// The stat of each source, when it was stat'ed (for the job, so it does not stat again).
        var statuses: [InputKinds.Status?] = []
        /// Paths skipped because an earlier path is the same file: (skipped, kept).
        var duplicates: [(path: String, sameAs: String)] = []
        /// Directories that held no input file.
        var emptyDirectories: [String] = []

        /// One line per skipped duplicate and empty directory, for standard error.
        var notes: [String] {
            duplicates.map { "\"\($0.path)\" is the same file as \"\($0.sameAs)\": read once" }
                + emptyDirectories.map { "no input files found in \"\($0)\" (hidden files are skipped)" }
        }
    }

    /// - Parameter missingAreErrors: when false, a path that does not exist is kept as a file, for
    ///   the job to report with the others (summarize reads every input it can).
    /// - Throws: `CLIError` with exit 66 naming the first input that does not exist, or when no
    ///   argument gives any input.
    static func expand(_ arguments: [String], missingAreErrors: Bool = true) throws(CLIError) -> [Source] {
        try expandReporting(arguments, missingAreErrors: missingAreErrors).sources
    }

    static func expandReporting(_ arguments: [String], missingAreErrors: Bool = true, allowEmpty: Bool = false)
        throws(CLIError) -> Expansion
    {
        var expansion = Expansion()
        var seen: [InputKinds.Identity: String] = [:]
        func add(_ path: String, _ known: InputKinds.Status?? = nil) {
            let status = known ?? InputKinds.status(path)
            if let identity = status?.identity {
                if let first = seen[identity] {
                    expansion.duplicates.append((path, first))
                    return
                }
                seen[identity] = path
            }
            expansion.sources.append(.file(path))
            expansion.statuses.append(status)
        }
        for argument in arguments {
            if argument == "-" {
                guard !expansion.sources.contains(.standardInput) else {
                    throw CLIError(exitCode: .usage, message: "standard input ('-') given twice")
                }
                expansion.sources.append(.standardInput)
                expansion.statuses.append(nil)
                continue
            }
            switch FileReading.kind(of: argument) {
            case .missing:
                guard missingAreErrors else {
                    expansion.sources.append(.file(argument))
                    expansion.statuses.append(nil)
                    continue
                }
                throw CLIError(exitCode: .noInput, message: "cannot open \"\(argument)\": No such file or directory")
            case .directory:
                let files: [String]
                do {
                    files = try DirectoryWalk.regularFiles(under: argument)
                } catch {
                    throw CLIError.io(error)
                }
                if files.isEmpty { expansion.emptyDirectories.append(argument) }
                for (file, status) in zip(files, InputKinds.statuses(files)) { add(file, .some(status)) }
            case .regular, .other:
                add(argument)
            }
        }
        if expansion.sources.isEmpty && !allowEmpty {
            let places = expansion.emptyDirectories.map { "\"\($0)\"" }.joined(separator: ", ")
            throw CLIError(exitCode: .noInput, message: "no input files found in \(places) (hidden files are skipped)")
        }
        return expansion
    }
}
