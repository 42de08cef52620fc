import FlowCLI
import Testing

/// The help text of every command and group, pinned byte for byte by the golden files in
/// `Golden/help-*.txt`; the `help COMMAND` spelling; `--version`.
@Suite("Help text and version")
struct HelpTextTests {
    /// One help screen: the arguments that print it, and its golden file.
    struct Screen: Sendable, CustomTestStringConvertible {
        let arguments: [String]
        let golden: String
        var testDescription: String { "vpcflow " + arguments.joined(separator: " ") }
    }

    static let screens: [Screen] = [
        Screen(arguments: ["--help"], golden: "help-overview.txt"),
        Screen(arguments: ["summarize", "--help"], golden: "help-summarize.txt"),
        Screen(arguments: ["classify", "--help"], golden: "help-classify.txt"),
        Screen(arguments: ["diff", "--help"], golden: "help-diff.txt"),
        Screen(arguments: ["ranges", "--help"], golden: "help-ranges.txt"),
        Screen(arguments: ["ranges", "info", "--help"], golden: "help-ranges-info.txt"),
        Screen(arguments: ["ranges", "lookup", "--help"], golden: "help-ranges-lookup.txt"),
        Screen(arguments: ["ranges", "update", "--help"], golden: "help-ranges-update.txt"),
        Screen(arguments: ["ranges", "diff", "--help"], golden: "help-ranges-diff.txt"),
    ]

    @Test("help screen matches its golden file", arguments: screens)
    func helpMatchesGolden(_ screen: Screen) async throws {
        let result = try await Vpcflow.run(screen.arguments)
        #expect(result.exited(0))
        #expect(result.stderrText == "")
        try Golden.check(result.stdout, screen.golden)
    }

    /// Every way of asking for the same help prints the same bytes.
    @Test(
        "help spellings agree",
        arguments: [
            (["help", "classify"], ["classify", "--help"]),
            (["classify", "-h"], ["classify", "--help"]),
            (["help"], ["--help"]),
            (["-h"], ["--help"]),
            (["help", "ranges"], ["ranges", "--help"]),
            (["ranges", "-h"], ["ranges", "--help"]),
            (["help", "ranges", "lookup"], ["ranges", "lookup", "--help"]),
            // --help wins over everything else on the line, even an invalid option value.
            (["ranges", "info", "--format", "xml", "--help"], ["ranges", "info", "--help"]),
        ])
    func helpSpellingsAgree(_ spelling: [String], _ canonical: [String]) async throws {
        let asked = try await Vpcflow.run(spelling)
        let reference = try await Vpcflow.run(canonical)
        #expect(asked.exited(0))
        #expect(asked.stderrText == "")
        #expect(!asked.stdout.isEmpty)
        #expect(asked.stdoutText == reference.stdoutText)
    }

    @Test("--version prints 'vpcflow <version>'", arguments: [["--version"], ["-V"]])
    func version(_ arguments: [String]) async throws {
        let result = try await Vpcflow.run(arguments)
        #expect(result.exited(0))
        #expect(result.stdoutText == "vpcflow \(CommandLineTool.version)\n")
        #expect(result.stderrText == "")
        let version = CommandLineTool.version.split(separator: ".")
        #expect(version.count == 3 && version.allSatisfy { Int($0) != nil }, "not MAJOR.MINOR.PATCH")
    }

    /// The overview lists every command, and each command's help its own usage line, so the golden
    /// files cannot silently go stale against each other.
    @Test("overview lists every command whose help exists")
    func overviewListsEveryCommand() async throws {
        let overview = try await Vpcflow.run(["--help"]).stdoutText
        for command in ["summarize", "classify", "ranges info", "ranges lookup", "ranges update", "ranges diff"] {
            #expect(overview.contains("\n  \(command) "), "overview does not list \(command)")
            let help = try await Vpcflow.run(command.split(separator: " ").map(String.init) + ["--help"])
            #expect(help.stdoutText.hasPrefix("Usage: vpcflow \(command) "))
        }
    }
}
