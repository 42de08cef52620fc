import FlowEngine
import FlowIO

/// `vpcflow diff OLD NEW`: what changed between two report folders (or partials), for a nightly
/// check in cron.
enum DiffCommand {
    static let output = OptionSpec("output", value: "FILE", default: "./diff.csv", help: "where to write diff.csv (- for standard output)")
    static let failAbove = OptionSpec(
        "fail-above", value: "PERCENT",
        help: "exit 1 when a services row grew by more than PERCENT (or appeared), for a nightly alert")
    static let top = OptionSpec("top", value: "N", default: "10", help: "movers listed per report in the summary")

    static let spec = CommandSpec(
        path: ["diff"],
        summary: "compare two report folders (or partials): what grew, shrank, appeared and vanished",
        discussion: """
            OLD and NEW are report folders written by summarize or merge (services.csv, paths.csv,
            summary.json, and ports.csv where present) or partial files (rendered as summarize would).
            diff.csv: side,region,service,bytes_before,bytes_after,change,percent,status per services row of
            either side (status same, grew, shrank, appeared, vanished; percent of before, empty when before
            is 0), the largest changes first. The summary on standard output adds totals, both time spans,
            whether the ranges snapshot changed (a new snapshot moves bytes between rows by itself), and the
            top movers among services, paths and ports. Reports of different attributions are refused; for
            two partials, --attribution chooses (default primary).
            Exit codes: 0 done; 1 --fail-above passed (diff.csv and the summary are written); 64 usage;
            65 not a report or different attributions; 66 OLD or NEW missing; 74 diff.csv cannot be written.
            """,
        options: [output, failAbove, top, SummarizeCommand.attribution, SummarizeCommand.quiet],
        arguments: [
            ArgumentSpec(name: "OLD", help: "the earlier report folder or partial", minimum: 1, maximum: 1),
            ArgumentSpec(name: "NEW", help: "the later report folder or partial", minimum: 1, maximum: 1),
        ])

    static func run(_ arguments: ParsedArguments, _ console: inout Console) throws(CLIError) -> ExitCode {
        var threshold: Double?
        if let text = arguments.value(failAbove) {
            guard let value = Double(text.hasSuffix("%") ? String(text.dropLast()) : text), value.isFinite, value >= 0 else {
                throw CLIError.usage("--fail-above takes a percentage such as 20 or 12.5, not \"\(text)\"", command: spec)
            }
            threshold = value
        }
        var movers = 10
        if let text = arguments.value(top) {
            guard let value = Int(text), value >= 0, value <= 1_000_000 else {
                throw CLIError.usage("--top must be a whole number from 0 to 1000000, not \"\(text)\"", command: spec)
            }
            movers = value
        }
        let explicit = arguments.value(SummarizeCommand.attribution) != nil
        let attribution = try SummarizeCommand.attributionMode(arguments)
        let paths = (arguments.positionals[0], arguments.positionals[1])
        let old = try side(paths.0)
        let new = try side(paths.1)
        // A partial takes the attribution of the folder it is compared with, else --attribution.
        func resolve(_ s: Side, other: Side) throws(CLIError) -> ReportDiff.Side {
            switch s {
            case .folder(let side): return side
            case .partial(let name, let partial):
                var mode = attribution
                if !explicit, case .folder(let folder) = other { mode = folder.attribution }
                do { return try ReportDiff.Side.fromPartial(name: name, partial, attribution: mode) } catch {
                    throw CLIError.data(error.message)
                }
            }
        }
        let a = try resolve(old, other: new)
        let b = try resolve(new, other: old)
        do { try ReportDiff.check(a, b) } catch { throw CLIError.data(error.message) }
        if explicit, a.attribution != attribution {
            throw CLIError.usage(
                "--attribution \(attribution.rawValue): the report folders have \(a.attribution.rawValue) attribution (it applies to partials)",
                command: spec)
        }
        let changes = ReportDiff.changes(a.services, b.services)
        let bytes = ReportDiff.csv(changes)
        let destination = arguments.value(output) ?? "./diff.csv"
        if destination == "-" {
            try console.write(bytes)
        } else {
            do throws(FileSystemError) {
                try AtomicFile.write([(destination, bytes)])
            } catch {
                throw CLIError.io(error, isInput: false)
            }
        }
        let text = ReportDiff.text(
            a, b, services: changes, top: movers, wrote: destination == "-" ? nil : destination, failAbove: threshold)
        if !arguments.flag("quiet") {
            if destination == "-" { console.diagnose(String(text.dropLast())) } else { try console.print(text) }
        }
        if let threshold, !ReportDiff.above(changes, percent: threshold).isEmpty { return .thresholdPassed }
        return .success
    }

    enum Side {
        case folder(ReportDiff.Side)
        case partial(String, Partial)
    }

    /// A report folder, or a partial file.
    static func side(_ path: String) throws(CLIError) -> Side {
        switch FileReading.kind(of: path) {
        case .missing:
            throw CLIError(exitCode: .noInput, message: "\"\(path)\" does not exist")
        case .directory:
            func read(_ name: String, optional: Bool = false) throws(CLIError) -> [UInt8]? {
                let file = path.hasSuffix("/") ? path + name : "\(path)/\(name)"
                if optional && FileReading.kind(of: file) == .missing { return nil }
                do { return try FileReading.readAll(file) } catch {
                    if FileReading.kind(of: file) == .missing {
                        throw CLIError(exitCode: .noInput, message: "\"\(path)\" is not a report folder: it has no \(name)")
                    }
                    throw CLIError.io(error)
                }
            }
            do {
                return .folder(
                    try ReportDiff.Side.fromReports(
                        name: path, services: try read("services.csv")!, paths: try read("paths.csv")!,
                        ports: try read("ports.csv", optional: true), summary: try read("summary.json")!))
            } catch let error as ReportDiff.Failure {
                throw CLIError.data(error.message)
            } catch let error as CLIError {
                throw error
            } catch {
                throw CLIError.data("\(path): \(error)")
            }
        default:
            let bytes: [UInt8]
            do { bytes = try FileReading.readAll(path) } catch { throw CLIError.io(error) }
            guard PartialCodec.looksLikePartial(bytes) else {
                throw CLIError.data("\"\(path)\" is neither a report folder nor a vpcflow partial")
            }
            do { return .partial(path, try PartialCodec.decode(bytes)) } catch {
                throw CLIError.data("\(path): \(error.message)")
            }
        }
    }
}
