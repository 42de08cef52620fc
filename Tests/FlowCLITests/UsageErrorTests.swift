import Testing

/// Usage errors (sysexits EX_USAGE, 64): the problem and the relevant usage on standard error,
/// nothing on standard output. Each case needs no ranges file, so none is given.
@Suite("Usage errors")
struct UsageErrorTests {
    /// A bad command line, the message it must produce, and the usage it must show.
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let arguments: [String]
        let message: String
        let usage: String
        var testDescription: String { name }
    }

    static let overviewUsage = "Usage: vpcflow COMMAND [OPTIONS] [ARGUMENTS]"
    static let classifyUsage = "Usage: vpcflow classify [--ranges FILE] [--labels FILE] [--fields \"FIELD ...\"] [--inflater auto|zlib|isal] INPUT..."
    static let lookupUsage = "Usage: vpcflow ranges lookup [--ranges FILE] [--labels FILE] [--format text|json] ADDRESS..."
    static let infoUsage = "Usage: vpcflow ranges info [--ranges FILE] [--labels FILE] [--format text|json]"
    static let rangesGroupUsage = "Usage: vpcflow ranges SUBCOMMAND [OPTIONS] [ARGUMENTS]"

    static let cases: [Case] = [
        Case(name: "no command", arguments: [], message: "no command given", usage: overviewUsage),
        Case(
            name: "unknown command", arguments: ["frobnicate"], message: "unknown command \"frobnicate\"",
            usage: overviewUsage),
        Case(
            name: "help for an unknown command", arguments: ["help", "frobnicate"], message: "no command \"frobnicate\"",
            usage: overviewUsage),
        Case(
            name: "unknown option", arguments: ["classify", "--bogus", "x.csv"], message: "unknown option \"--bogus\"",
            usage: classifyUsage),
        Case(
            name: "short option bundle", arguments: ["classify", "-xz", "x.csv"], message: "unknown option \"-xz\"",
            usage: classifyUsage),
        Case(
            name: "option missing its value", arguments: ["classify", "--ranges"],
            message: "option --ranges needs a value (FILE)", usage: classifyUsage),
        Case(
            name: "option given twice", arguments: ["classify", "--ranges", "a.json", "--ranges", "b.json", "x.csv"],
            message: "option --ranges given twice", usage: classifyUsage),
        Case(
            name: "flag given a value", arguments: ["ranges", "update", "--force=yes"],
            message: "option --force takes no value", usage: "Usage: vpcflow ranges update"),
        Case(
            name: "ranges with unknown subcommand", arguments: ["ranges", "frob"],
            message: "unknown command \"ranges frob\"", usage: rangesGroupUsage),
        Case(name: "missing INPUT", arguments: ["classify"], message: "missing INPUT", usage: classifyUsage),
        Case(name: "missing ADDRESS", arguments: ["ranges", "lookup"], message: "missing ADDRESS", usage: lookupUsage),
        Case(
            name: "too many arguments", arguments: ["ranges", "diff", "a.json", "b.json", "c.json"],
            message: "too many arguments", usage: "Usage: vpcflow ranges diff"),
        Case(
            name: "lookup of something that is not an address", arguments: ["ranges", "lookup", "not-an-address"],
            message: "\"not-an-address\" is not an IPv4 or IPv6 address", usage: lookupUsage),
        // The value is checked by the command, not the parser; the usage shown should still be the
        // command's own, as for every other option error.
        Case(
            name: "--format xml", arguments: ["ranges", "info", "--format", "xml"],
            message: "--format must be text or json, not \"xml\"", usage: infoUsage),
        Case(
            name: "--fields without srcaddr and dstaddr", arguments: ["classify", "--fields", "bytes packets", "x.log"],
            message: "--fields: ", usage: classifyUsage),
        Case(
            name: "standard input given twice", arguments: ["classify", "-", "-"],
            message: "standard input ('-') given twice", usage: classifyUsage),
    ]

    @Test("usage error exits 64 with message and usage on stderr only", arguments: cases)
    func usageError(_ c: Case) async throws {
        let result = try await Vpcflow.run(c.arguments)
        #expect(result.exited(64), "status \(result.status)")
        #expect(result.stdout.isEmpty, "stdout: \(result.stdoutText)")
        let stderr = result.stderrText
        #expect(stderr.hasPrefix("vpcflow: \(c.message)"), "stderr: \(stderr)")
        #expect(stderr.contains(c.usage), "stderr does not show \"\(c.usage)\":\n\(stderr)")
    }

    /// The short form of a command's usage points to the full help.
    @Test("command usage error points to 'vpcflow help COMMAND'")
    func pointsToHelp() async throws {
        let result = try await Vpcflow.run(["ranges", "lookup", "--bogus"])
        #expect(result.exited(64))
        #expect(result.stderrText.hasSuffix("Run 'vpcflow help ranges lookup' for more.\n"))
    }
}
