import FlowEngine
import FlowIO

/// The inputs of `summarize`: its arguments and the lines of `--files-from`, expanded
/// (`InputList`), with logical names.
///
/// A `--files-from` line is `PATH` (read like an argument: a folder is every file below it) or
/// `LOCAL<TAB>NAME` (the local file LOCAL, called NAME everywhere: reports, samples, messages,
/// partials). Blank lines are skipped; a trailing CR is dropped (a list written on Windows); the first
/// tab separates LOCAL from NAME, so NAME may hold tabs. Logical names are unique: two lines that
/// name the same input are a usage error (they would be counted twice, or be ambiguous in a merge).
struct Inputs {
    var sources: [InputSource] = []
    /// What the expansion's stat said of each source (nil where it did not stat it).
    var statuses: [InputKinds.Status?] = []
    var duplicates: [Partial.Duplicate] = []
    var emptyDirectories: [String] = []
    var notes: [String] = []

    static func gather(_ arguments: [String], filesFrom: String?, allowEmpty: Bool, command: CommandSpec)
        throws(CLIError) -> Inputs
    {
        var plain = arguments
        var named: [(local: String, name: String, line: Int)] = []
        if let filesFrom {
            let bytes: [UInt8]
            do {
                bytes = filesFrom == "-" ? try FileReading.readStandardInput() : try FileReading.readAll(filesFrom)
            } catch {
                throw CLIError(exitCode: .noInput, message: "--files-from: \(error.description)")
            }
            let listName = filesFrom == "-" ? "standard input" : "\"\(filesFrom)\""
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw CLIError.usage("--files-from \(listName) is not UTF-8 text", command: command)
            }
            if arguments.contains("-") && filesFrom == "-" {
                throw CLIError.usage("--files-from - reads the list from standard input; it cannot also be an input", command: command)
            }
            for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                var line = Substring(rawLine)
                if line.hasSuffix("\r") { line = line.dropLast() }
                if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
                if let tab = line.firstIndex(of: "\t") {
                    let local = String(line[..<tab])
                    let name = String(line[line.index(after: tab)...])
                    guard !local.isEmpty, !name.isEmpty else {
                        throw CLIError.usage(
                            "--files-from \(listName) line \(number + 1): LOCAL<TAB>NAME needs both a path and a name", command: command)
                    }
                    named.append((local, name, number + 1))
                } else {
                    if line == "-" {
                        throw CLIError.usage("--files-from \(listName) line \(number + 1): standard input ('-') cannot be listed", command: command)
                    }
                    plain.append(String(line))
                }
            }
        }
        var inputs = Inputs()
        if !plain.isEmpty {
            let expansion = try InputList.expandReporting(
                plain, missingAreErrors: false, allowEmpty: allowEmpty || !named.isEmpty)
            inputs.sources = expansion.sources.map { source in
                switch source {
                case .file(let path): InputSource.file(path)
                case .standardInput: InputSource.standardInput
                }
            }
            inputs.statuses = expansion.statuses
            inputs.duplicates = expansion.duplicates.map { Partial.Duplicate(path: $0.path, sameAs: $0.sameAs) }
            inputs.emptyDirectories = expansion.emptyDirectories
            inputs.notes = expansion.notes
        }
        var seen: [String: String] = [:]
        for source in inputs.sources { seen[source.name] = "argument" }
        for entry in named {
            if let first = seen[entry.name] {
                throw CLIError.usage(
                    "--files-from line \(entry.line): the name \"\(entry.name)\" is already used (\(first)); each input needs its own name",
                    command: command)
            }
            seen[entry.name] = "line \(entry.line)"
            inputs.sources.append(entry.local == entry.name ? .file(entry.local) : .named(path: entry.local, name: entry.name))
            inputs.statuses.append(nil)
        }
        if inputs.sources.isEmpty && !allowEmpty {
            throw CLIError(exitCode: .noInput, message: "no inputs: give files or folders, or --files-from with at least one line")
        }
        return inputs
    }
}
