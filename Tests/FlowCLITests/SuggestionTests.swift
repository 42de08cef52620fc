@testable import FlowCLI
import Testing

/// Typos get "did you mean ...", a group alone is a usage error like the tool alone, and
/// `--fields` refuses names it does not know (issue 11, section 5).
@Suite("Typos and suggestions")
struct SuggestionTests {
    @Test(
        "a mistyped command or option names the nearest one, exit 64",
        arguments: [
            (["summarise", "x.log"], "vpcflow: unknown command \"summarise\" (did you mean \"summarize\"?)"),
            (["clasify", "x.log"], "vpcflow: unknown command \"clasify\" (did you mean \"classify\"?)"),
            (["ranges", "lokup", "1.2.3.4"], "vpcflow: unknown command \"ranges lokup\" (did you mean \"ranges lookup\"?)"),
            (["help", "sumarize"], "vpcflow: no command \"sumarize\" (did you mean \"summarize\"?)"),
            (["summarize", "--jbos", "2", "x.log"], "vpcflow: unknown option \"--jbos\" (did you mean \"--jobs\"?)"),
            (["summarize", "--ouptut=r", "x.log"], "vpcflow: unknown option \"--ouptut\" (did you mean \"--output\"?)"),
            (["classify", "--rangse", "r.json", "x.log"], "vpcflow: unknown option \"--rangse\" (did you mean \"--ranges\"?)"),
        ])
    func typo(_ arguments: [String], _ firstLine: String) async throws {
        let result = try await Vpcflow.run(arguments)
        #expect(result.exited(64), "\(result)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderrText.split(separator: "\n").first.map(String.init) == firstLine, "\(result)")
    }

    @Test("a word that is no typo gets no suggestion")
    func noSuggestion() async throws {
        let result = try await Vpcflow.run(["frobnicate"])
        #expect(result.exited(64))
        #expect(result.stderrText.hasPrefix("vpcflow: unknown command \"frobnicate\"\n"), "\(result)")
        #expect(Suggestion.nearest(to: "xyz", in: ["summarize", "classify"]) == nil)
        #expect(Suggestion.nearest(to: "bytse", in: ["packets", "bytes"]) == "bytes")
        #expect(Suggestion.distance(Array("kitten".utf8), Array("sitting".utf8)) == 3)
        #expect(Suggestion.distance(Array("ab".utf8), Array("ba".utf8)) == 1)
        #expect(Suggestion.distance([], Array("abc".utf8)) == 3)
    }

    /// `vpcflow` alone exits 64 with the overview; `vpcflow ranges` alone is the same mistake.
    @Test("a group alone exits 64 with the group's usage, like the tool alone")
    func groupAlone() async throws {
        let alone = try await Vpcflow.run([])
        #expect(alone.exited(64))
        let group = try await Vpcflow.run(["ranges"])
        #expect(group.exited(64), "\(group)")
        #expect(group.stdout.isEmpty)
        #expect(group.stderrText.hasPrefix("vpcflow: no subcommand given\nUsage: vpcflow ranges SUBCOMMAND"), "\(group)")
        // Asked for, the same list is help: stdout, exit 0.
        let asked = try await Vpcflow.run(["ranges", "--help"])
        #expect(asked.exited(0))
        #expect(group.stderrText.contains(asked.stdoutText.split(separator: "\n")[0]))
    }

    @Test(
        "--fields with an unknown name is refused with the nearest known name",
        arguments: [
            ("srcaddr dstaddr bytez", "vpcflow: --fields: unknown field \"bytez\" (did you mean \"bytes\"?)"),
            ("srcaddr dstaddr pakcets", "vpcflow: --fields: unknown field \"pakcets\" (did you mean \"packets\"?)"),
            ("srcaddr dstaddr ${bytez}", "vpcflow: --fields: unknown field \"bytez\" (did you mean \"bytes\"?)"),
            ("srcaddr dstaddr wibble", "vpcflow: --fields: unknown field \"wibble\""),
        ])
    func unknownField(_ fields: String, _ firstLine: String) async throws {
        for command in ["summarize", "classify"] {
            let result = try await Vpcflow.run([command, "--fields", fields, "x.log"])
            #expect(result.exited(64), "\(command): \(result)")
            let line = result.stderrText.split(separator: "\n").first.map(String.init)
            #expect(line == firstLine, "\(command): \(result)")
            #expect(result.stderrText.contains("Usage: vpcflow \(command) "))
        }
    }

    @Test("known names in either spelling are accepted by --fields")
    func knownFields() async throws {
        try await withTemporaryDirectory { scratch in
            let log = "\(scratch)/x.log"
            try Fixtures.write("10.0.0.1 10.0.0.2 5 700 OK\n", to: log)
            let result = try await Vpcflow.run(
                ["summarize", "--quiet", "--ranges", Fixtures.exampleRanges, "--fields", "srcaddr dstaddr ${packets} bytes log_status",
                 "--output", "\(scratch)/out", log])
            #expect(result.exited(0), "\(result)")
        }
    }
}
