import Foundation
import Testing

/// Where the end-to-end tests find their inputs: the package root (from this file's path), the
/// committed example, the golden files, and the real AWS snapshots beside the package
/// (`../shared/datasets/`), which a fresh clone may not have.
enum Fixtures {
    /// The package root: this file is `Tests/FlowCLITests/Support/Fixtures.swift`.
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// `Tests/FlowCLITests/Golden`, where the pinned outputs live.
    static let goldenDirectory = "\(packageRoot)/Tests/FlowCLITests/Golden"

    /// The committed example, relative to the package root (the binary runs there, so these are the
    /// exact arguments the README shows).
    static let exampleRanges = "datasets/example/ip-ranges.json"
    static let exampleFlows = "datasets/example/flows.csv"

    /// `path` made absolute against the package root.
    static func absolute(_ path: String) -> String { path.hasPrefix("/") ? path : "\(packageRoot)/\(path)" }

    /// `../shared/datasets/NAME` beside the package (or under `$VPCFLOW_SHARED/datasets`), when present.
    static func sharedDataset(_ name: String) -> String? {
        var candidates = ["\(packageRoot)/../shared/datasets/\(name)"]
        if let shared = ProcessInfo.processInfo.environment["VPCFLOW_SHARED"] {
            candidates.insert("\(shared)/datasets/\(name)", at: 0)
        }
        return candidates.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
            .first { FileManager.default.fileExists(atPath: $0) }
    }

    /// The newest AWS snapshot (syncToken 1787411825) and the one a month older (1784760425).
    static let realSnapshot = sharedDataset("ip-ranges.json")
    static let olderSnapshot = sharedDataset("ip-ranges-older.json")
    static let hasSnapshots = realSnapshot != nil && olderSnapshot != nil
    static let skipReal: Comment = "../shared/datasets/ip-ranges.json is not present: skipped"
    static let skipSnapshots: Comment = "../shared/datasets/ip-ranges.json or ip-ranges-older.json is not present: skipped"

    /// The first executable called `name` on `$PATH`.
    static func executable(named name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The bytes of a file (relative paths are against the package root).
    static func read(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: absolute(path))))
    }

    /// Writes `bytes` to `path`, creating missing parent directories.
    static func write(_ bytes: [UInt8], to path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    static func write(_ text: String, to path: String) throws { try write(Array(text.utf8), to: path) }
}

/// Runs `body` with a new, empty directory under the system temporary directory, and removes the
/// directory afterwards, whether `body` returns or throws.
func withTemporaryDirectory<R>(
    isolation: isolated (any Actor)? = #isolation, _ body: (String) async throws -> R
) async throws -> R {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("vpcflow-cli-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try await body(url.path)
}
