import FlowEngine
import FlowIO

/// Finds and loads the ranges a command uses: `--ranges FILE`, else `$VPCFLOW_RANGES`, else the
/// copy saved by `vpcflow ranges update`; with none of them, an error that says what to do.
enum RangesResolver {
    /// Where `ranges update` keeps its copy: `$XDG_CACHE_HOME/vpcflow/ip-ranges.json`, else
    /// `~/.cache/vpcflow/ip-ranges.json`; nil when neither variable is set.
    static func cachePath() -> String? {
        if let cache = FileReading.environment("XDG_CACHE_HOME") { return cache + "/vpcflow/ip-ranges.json" }
        if let home = FileReading.environment("HOME") { return home + "/.cache/vpcflow/ip-ranges.json" }
        return nil
    }

    static func resolvePath(_ option: String?) throws(CLIError) -> String {
        if let option { return option }
        if let variable = FileReading.environment("VPCFLOW_RANGES") { return variable }
        if let cached = cachePath(), FileReading.kind(of: cached) == .regular { return cached }
        throw CLIError(
            exitCode: .noInput,
            message:
                "no ranges file: pass --ranges FILE, set VPCFLOW_RANGES, or run 'vpcflow ranges update' to download AWS's ip-ranges.json")
    }

    /// Loads and validates a ranges file.
    static func load(_ path: String) throws(CLIError) -> RangeSet {
        let bytes: [UInt8]
        do { bytes = try FileReading.readAll(path) } catch { throw CLIError.io(error) }
        do { return try RangesLoader.load(bytes, path: path) } catch { throw CLIError.ranges(error) }
    }

    /// The ranges of `arguments` (`--ranges`, `--labels`), indexed.
    static func index(_ arguments: ParsedArguments) throws(CLIError) -> PrefixIndex {
        var ranges = try load(resolvePath(arguments.value(.ranges)))
        if let labelsPath = arguments.value(.labels) {
            let bytes: [UInt8]
            do { bytes = try FileReading.readAll(labelsPath) } catch { throw CLIError.io(error) }
            do {
                ranges = ranges.adding(labels: try LabelsLoader.load(bytes, path: labelsPath), from: labelsPath)
            } catch {
                throw CLIError.ranges(error)
            }
        }
        return PrefixIndex(ranges)
    }
}
