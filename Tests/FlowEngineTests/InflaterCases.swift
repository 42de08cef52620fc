import FlowEngine
import FlowIO
import Testing

/// Both inflaters, for the gzip tests that run once per inflater; the ISA-L case is skipped, and
/// says why, where `libisal.so.2` cannot be loaded.
enum InflaterCases {
    static let all = Inflater.allCases

    /// Skips the current test case when it is ISA-L's and ISA-L is not loadable.
    static func require(_ inflater: Inflater) throws {
        guard inflater == .isal, !ISAL.isAvailable else { return }
        try Test.cancel("skipped: ISA-L cannot be loaded (\(ISAL.unavailableReason ?? ISAL.libraryName)); apt-get install libisal2 to run the isal case")
    }
}

extension SummarizeOptions {
    /// These options with `inflater`.
    func inflating(with inflater: Inflater) -> SummarizeOptions {
        var options = self
        options.inflater = inflater
        return options
    }
}
