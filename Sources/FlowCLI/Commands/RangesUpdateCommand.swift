import FlowEngine
import FlowIO

/// `vpcflow ranges update`: download AWS's ip-ranges.json into the user's cache, safely.
enum RangesUpdateCommand {
    static let defaultURL = "https://ip-ranges.amazonaws.com/ip-ranges.json"
    static let urlOption = OptionSpec("url", value: "URL", default: defaultURL, help: "where to download from")
    static let forceOption = OptionSpec("force", help: "replace the cached copy even with an older syncToken")

    static let spec = CommandSpec(
        path: ["ranges", "update"],
        summary: "download ip-ranges.json into the cache that other commands use by default",
        discussion: """
            Saves to $XDG_CACHE_HOME/vpcflow/ip-ranges.json, else ~/.cache/vpcflow/ip-ranges.json. The download
            is validated completely before it atomically replaces the cached copy; a file whose syncToken is
            older than the cached one is refused unless --force. Prints what changed, per service and region.
            """,
        options: [urlOption, forceOption],
        arguments: [])

    static func run(_ arguments: ParsedArguments, _ console: inout Console) async throws(CLIError) -> ExitCode {
        guard let cachePath = RangesResolver.cachePath() else {
            throw CLIError(exitCode: .ioError, message: "neither XDG_CACHE_HOME nor HOME is set: nowhere to save")
        }
        let url = arguments.value(urlOption) ?? defaultURL
        let bytes: [UInt8]
        do {
            bytes = try HTTPFetch.get(url, userAgent: "vpcflow/\(CommandLineTool.version)")
        } catch {
            throw CLIError(exitCode: .ioError, message: error.description)
        }
        let downloaded: RangeSet
        do {
            downloaded = try RangesLoader.load(bytes, path: url)
        } catch {
            throw CLIError.data("the download is not a valid ranges file, the cached copy is unchanged: \(error)")
        }
        var previous: RangeSet?
        if FileReading.kind(of: cachePath) == .regular {
            do {
                previous = try RangesResolver.load(cachePath)
            } catch {
                console.diagnose("warning: the cached copy is not usable and will be replaced: \(error.message)")
            }
        }
        if let previous {
            let order = compareSyncTokens(downloaded.provenance.syncToken, previous.provenance.syncToken)
            if order == .older && !arguments.flag("force") {
                throw CLIError.data(
                    "refusing to replace the cached ranges (syncToken \(previous.provenance.syncToken), createDate \(previous.provenance.createDate)) with older ones (syncToken \(downloaded.provenance.syncToken), createDate \(downloaded.provenance.createDate)); pass --force to do it anyway"
                )
            }
            if order == .same && bytesEqual(cachePath, bytes) {
                try console.print(
                    "\(cachePath) is up to date (syncToken \(previous.provenance.syncToken), createDate \(previous.provenance.createDate))\n"
                )
                return .success
            }
        }
        do {
            try AtomicFile.createDirectory(String(cachePath[..<cachePath.lastIndex(of: "/")!]))
            try AtomicFile.write(bytes, to: cachePath)
        } catch {
            throw CLIError.io(error, isInput: false)
        }
        var saved = downloaded.provenance
        saved.path = cachePath
        let savedSet = RangeSet(entries: downloaded.entries, provenance: saved)
        try console.print(
            "saved \(cachePath) (syncToken \(saved.syncToken), createDate \(saved.createDate), IPv4 \(saved.ipv4Entries), IPv6 \(saved.ipv6Entries) entries)\n"
        )
        if let previous {
            try console.print(
                RangesDiffCommand.report(
                    old: previous, new: savedSet, diff: RangesDiff(old: previous, new: savedSet), listEntries: false))
        }
        return .success
    }

    enum Order { case older, same, newer }

    /// syncTokens are Unix seconds as text; compare them as numbers, falling back to text.
    static func compareSyncTokens(_ new: String, _ old: String) -> Order {
        if let a = Int64(new), let b = Int64(old) { return a < b ? .older : a == b ? .same : .newer }
        return new < old ? .older : new == old ? .same : .newer
    }

    private static func bytesEqual(_ path: String, _ bytes: [UInt8]) -> Bool {
        (try? FileReading.readAll(path)) == bytes
    }
}
