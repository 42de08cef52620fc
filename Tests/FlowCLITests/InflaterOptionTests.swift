import FlowIO
import Foundation
import Testing

/// `--inflater` and `VPCFLOW_INFLATER`; and the fallback when ISA-L cannot be loaded, proved by
/// pointing `VPCFLOW_ISAL_LIBRARY` at a file that does not exist.
struct InflaterOptionTests {
    static let fixtures = SummarizeCLITests.fixtures
    static let missingLibrary: [String: String?] = ["VPCFLOW_ISAL_LIBRARY": "/nonexistent/libisal.so.2", "VPCFLOW_INFLATER": nil]

    static func gzipInput(_ directory: String) async throws -> String {
        let path = "\(directory)/input.log.gz"
        try Fixtures.write(try GzipFixture.compress(try Fixtures.read("\(fixtures)/malformed/input.log"), in: directory), to: path)
        return path
    }

    static func run(_ arguments: [String], _ output: String, environment: [String: String?] = [:]) async throws -> ProcessOutput {
        try await Vpcflow.run(
            ["summarize", "--quiet", "--ranges", SummarizeCLITests.nested, "--output", output] + arguments, environment: environment)
    }

    static func inflater(_ output: String) throws -> String? {
        (try SummarizeCLITests.summary(output)["run"] as? [String: Any])?["inflater"] as? String
    }

    @Test("without ISA-L, auto reads gzip with zlib: the same reports, and summary.json says zlib")
    func autoFallsBackToZlib() async throws {
        try await withTemporaryDirectory { directory in
            let input = try await Self.gzipInput(directory)
            let fallback = try await Self.run([input], "\(directory)/fallback", environment: Self.missingLibrary)
            #expect(fallback.exited(0), "\(fallback.stderrText)")
            #expect(try Self.inflater("\(directory)/fallback") == "zlib")
            let zlib = try await Self.run(["--inflater", "zlib", input], "\(directory)/zlib")
            #expect(zlib.exited(0))
            for report in ["services.csv", "paths.csv"] {
                #expect(try Fixtures.read("\(directory)/fallback/\(report)") == Fixtures.read("\(directory)/zlib/\(report)"), "\(report)")
            }
            #expect(try Fixtures.read("\(directory)/zlib/services.csv") == SummarizeCLITests.golden("malformed", "services.csv"))
        }
    }

    @Test("without ISA-L, --inflater isal (or VPCFLOW_INFLATER=isal) fails with exit 69, saying what to install, and writes nothing")
    func isalWithoutTheLibraryFails() async throws {
        try await withTemporaryDirectory { directory in
            let input = try await Self.gzipInput(directory)
            var byVariable = Self.missingLibrary
            byVariable["VPCFLOW_INFLATER"] = "isal"
            for (arguments, environment, origin) in [
                (["--inflater", "isal", input], Self.missingLibrary, "--inflater"), ([input], byVariable, "VPCFLOW_INFLATER"),
            ] {
                let result = try await Self.run(arguments, "\(directory)/out", environment: environment)
                #expect(result.exited(69), "status \(result.status): \(result.stderrText)")
                #expect(result.stderrText.contains("\(origin) isal: ISA-L cannot be loaded"), "\(result.stderrText)")
                #expect(result.stderrText.contains("/nonexistent/libisal.so.2") && result.stderrText.contains("libisal2"))
                #expect(!FileManager.default.fileExists(atPath: "\(directory)/out"))
            }
            let classify = try await Vpcflow.run(
                ["classify", "--inflater", "isal", "--ranges", Fixtures.exampleRanges, input], environment: Self.missingLibrary)
            #expect(classify.exited(69), "classify: status \(classify.status): \(classify.stderrText)")
        }
    }

    @Test("the option wins over VPCFLOW_INFLATER; a bad value is a usage error naming where it came from")
    func optionAndVariable() async throws {
        try await withTemporaryDirectory { directory in
            let input = try await Self.gzipInput(directory)
            let chosen = try await Self.run(["--inflater", "zlib", input], "\(directory)/a", environment: ["VPCFLOW_INFLATER": "isal"])
            #expect(chosen.exited(0), "\(chosen.stderrText)")
            #expect(try Self.inflater("\(directory)/a") == "zlib")
            let bad = try await Self.run([input], "\(directory)/b", environment: ["VPCFLOW_INFLATER": "fast"])
            #expect(bad.exited(64) && bad.stderrText.contains("VPCFLOW_INFLATER must be auto, zlib or isal, not \"fast\""), "\(bad.stderrText)")
            let badOption = try await Self.run(["--inflater", "igzip", input], "\(directory)/c")
            #expect(badOption.exited(64) && badOption.stderrText.contains("--inflater must be auto, zlib or isal"), "\(badOption.stderrText)")
        }
    }

    @Test("with ISA-L, auto and isal use it and say so in summary.json")
    func autoUsesIsal() async throws {
        try InflaterCases.require(.isal)
        try await withTemporaryDirectory { directory in
            let input = try await Self.gzipInput(directory)
            for (arguments, name) in [([input], "auto"), (["--inflater", "isal", input], "isal")] {
                let result = try await Self.run(arguments, "\(directory)/\(name)", environment: ["VPCFLOW_INFLATER": nil])
                #expect(result.exited(0), "\(result.stderrText)")
                #expect(try Self.inflater("\(directory)/\(name)") == "isal", "\(name)")
                #expect(try Fixtures.read("\(directory)/\(name)/services.csv") == SummarizeCLITests.golden("malformed", "services.csv"))
            }
        }
    }
}
