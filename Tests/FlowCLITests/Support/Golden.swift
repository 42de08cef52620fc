import Foundation
import Testing

/// Outputs pinned byte for byte by files in `Tests/FlowCLITests/Golden/`.
///
/// With `VPCFLOW_UPDATE_GOLDEN=1` in the environment, `check` rewrites the file with the actual
/// output instead of comparing (review the `git diff` afterwards).
enum Golden {
    static let updateVariable = "VPCFLOW_UPDATE_GOLDEN"
    static var updating: Bool { ProcessInfo.processInfo.environment[updateVariable] == "1" }

    static let regenerateHint =
        "if the change is intended, regenerate the golden files with "
        + "\(updateVariable)=1 swift test --filter FlowCLITests (then review git diff Tests/FlowCLITests/Golden)"

    /// Compares `actual` with `Golden/NAME`, recording an issue that shows the first difference.
    static func check(_ actual: [UInt8], _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let path = "\(Fixtures.goldenDirectory)/\(name)"
        if updating {
            try Fixtures.write(actual, to: path)
            return
        }
        guard FileManager.default.fileExists(atPath: path) else {
            Issue.record("golden file Golden/\(name) is missing; \(regenerateHint)", sourceLocation: sourceLocation)
            return
        }
        let expected = try Fixtures.read(path)
        guard actual != expected else { return }
        Issue.record(
            "output differs from Golden/\(name): \(firstDifference(expected, actual)); \(regenerateHint)",
            sourceLocation: sourceLocation)
    }

    /// Where two outputs first differ, by line, for the failure message.
    static func firstDifference(_ expected: [UInt8], _ actual: [UInt8]) -> String {
        let e = String(decoding: expected, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let a = String(decoding: actual, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        for line in 0..<max(e.count, a.count) {
            let left = line < e.count ? String(reflecting: String(e[line])) : "(end of file)"
            let right = line < a.count ? String(reflecting: String(a[line])) : "(end of output)"
            if left != right { return "line \(line + 1): expected \(left), got \(right)" }
        }
        return "\(expected.count) bytes expected, \(actual.count) bytes got"
    }
}
