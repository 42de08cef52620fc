import FlowIO
import Testing

@testable import FlowEngine

/// Shared helpers for FlowEngine tests.
enum TestSupport {
    /// The package root, from this file's path (Tests/FlowEngineTests/TestSupport.swift).
    static let packageRoot: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()

    /// `../shared/datasets/NAME` beside the package, or `$VPCFLOW_SHARED/datasets/NAME`, when present.
    static func sharedDataset(_ name: String) -> String? {
        var candidates = ["\(packageRoot)/../shared/datasets/\(name)"]
        if let shared = FileReading.environment("VPCFLOW_SHARED") { candidates.insert("\(shared)/datasets/\(name)", at: 0) }
        return candidates.first { FileReading.kind(of: $0) == .regular }
    }

    static let realSnapshot = sharedDataset("ip-ranges.json")
    static let olderSnapshot = sharedDataset("ip-ranges-older.json")
    static let skipReal = "../shared/datasets/ip-ranges.json is not present (fresh clone without shared/): skipped"

    /// Loads a ranges file, failing the test on error.
    static func loadRanges(_ path: String) throws -> RangeSet {
        try RangesLoader.load(try FileReading.readAll(path), path: path)
    }

    /// The committed example ranges (the notebook's six entries).
    static func exampleRanges() throws -> RangeSet {
        try loadRanges("\(packageRoot)/datasets/example/ip-ranges.json")
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): a small, seeded generator, the same sequence everywhere.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
