import Testing

/// `vpcflow classify` on the committed example: the notebook's exact output (golden
/// `Golden/classify-example.txt`), the same from every way of giving the input and the ranges, and the
/// errors for a missing input and for no ranges at all.
@Suite("classify: example, inputs and ranges resolution")
struct ClassifyTests {
    static let rangesOption = ["--ranges", Fixtures.exampleRanges]

    /// The 8 lines the notebook printed for the example: 4 sources, then 4 destinations.
    static let expected = """
        10.0.0.6,
        3.2.34.5,af-south-1_AMAZON_3.2.34.0/26,af-south-1_EC2_3.2.34.0/26
        172.32.0.10,
        10.1.0.67,
        172.31.0.3,
        172.31.0.15,
        13.34.37.75,ap-southeast-4_AMAZON_13.34.37.64/27
        172.31.0.3,

        """

    /// Runs and checks a successful classify whose output must be the example's.
    static func expectExampleOutput(_ result: ProcessOutput, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.exited(0), "status \(result.status), stderr: \(result.stderrText)", sourceLocation: sourceLocation)
        #expect(result.stdoutText == expected, sourceLocation: sourceLocation)
        #expect(result.stderrText == "", sourceLocation: sourceLocation)
    }

    @Test("example prints the notebook's 8 lines (golden)")
    func exampleGolden() async throws {
        let result = try await Vpcflow.run(["classify"] + Self.rangesOption + [Fixtures.exampleFlows])
        #expect(result.exited(0))
        #expect(result.stderrText == "")
        try Golden.check(result.stdout, "classify-example.txt")
        #expect(result.stdoutText == Self.expected, "the golden file itself must hold the notebook's lines")
    }

    @Test("standard input ('-') from a file gives the same output")
    func standardInputFromFile() async throws {
        let csv = try Fixtures.read(Fixtures.exampleFlows)
        Self.expectExampleOutput(try await Vpcflow.run(["classify"] + Self.rangesOption + ["-"], stdin: csv))
    }

    @Test("standard input ('-') from a pipe gives the same output")
    func standardInputFromPipe() async throws {
        let result = try await Vpcflow.shell(
            #"cat "$FLOWS" | "$BIN" classify --ranges "$RANGES" -"#,
            environment: ["FLOWS": Fixtures.exampleFlows, "RANGES": Fixtures.exampleRanges])
        Self.expectExampleOutput(result)
    }

    @Test("VPCFLOW_RANGES is used when --ranges is absent")
    func rangesFromEnvironment() async throws {
        try await withTemporaryDirectory { emptyCache in
            let result = try await Vpcflow.run(
                ["classify", Fixtures.exampleFlows],
                environment: ["VPCFLOW_RANGES": Fixtures.absolute(Fixtures.exampleRanges), "XDG_CACHE_HOME": emptyCache])
            Self.expectExampleOutput(result)
        }
    }

    @Test("--ranges wins over VPCFLOW_RANGES")
    func optionWinsOverEnvironment() async throws {
        let result = try await Vpcflow.run(
            ["classify"] + Self.rangesOption + [Fixtures.exampleFlows],
            environment: ["VPCFLOW_RANGES": "/nonexistent/ip-ranges.json"])
        Self.expectExampleOutput(result)
    }

    @Test("a directory holding the example gives the same output")
    func directoryInput() async throws {
        try await withTemporaryDirectory { dir in
            try Fixtures.write(try Fixtures.read(Fixtures.exampleFlows), to: "\(dir)/flows/flows.csv")
            Self.expectExampleOutput(try await Vpcflow.run(["classify"] + Self.rangesOption + ["\(dir)/flows"]))
        }
    }

    /// Several files are one table: all sources of every file, then all destinations; a directory's
    /// files are read in name order, hidden files skipped.
    @Test("a directory of two halves and a hidden file gives the same output")
    func directoryOfSeveralFiles() async throws {
        try await withTemporaryDirectory { dir in
            let lines = String(decoding: try Fixtures.read(Fixtures.exampleFlows), as: UTF8.self)
                .split(separator: "\n").map(String.init)
            try Fixtures.write([lines[0], lines[1], lines[2]].joined(separator: "\n") + "\n", to: "\(dir)/in/a/part1.csv")
            try Fixtures.write([lines[0], lines[3], lines[4]].joined(separator: "\n") + "\n", to: "\(dir)/in/b/part2.csv")
            try Fixtures.write("srcaddr,dstaddr\n3.2.34.5,3.2.34.5\n", to: "\(dir)/in/.hidden.csv")
            Self.expectExampleOutput(try await Vpcflow.run(["classify"] + Self.rangesOption + ["\(dir)/in"]))
        }
    }

    @Test("a missing input exits 66, names the file, prints nothing on stdout")
    func missingInput() async throws {
        let result = try await Vpcflow.run(
            ["classify"] + Self.rangesOption + [Fixtures.exampleFlows, "no-such-flows.csv"])
        #expect(result.exited(66), "status \(result.status)")
        #expect(result.stdout.isEmpty, "no partial output before the error: \(result.stdoutText)")
        #expect(result.stderrText.contains("no-such-flows.csv"), "stderr: \(result.stderrText)")
    }

    @Test("a missing --ranges file exits 66 and names it")
    func missingRangesFile() async throws {
        let result = try await Vpcflow.run(["classify", "--ranges", "no-such-ranges.json", Fixtures.exampleFlows])
        #expect(result.exited(66), "status \(result.status)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderrText.contains("no-such-ranges.json"), "stderr: \(result.stderrText)")
    }

    @Test("no ranges anywhere exits 66 and says to run 'vpcflow ranges update'")
    func noRangesAtAll() async throws {
        try await withTemporaryDirectory { emptyCache in
            let result = try await Vpcflow.run(
                ["classify", Fixtures.exampleFlows], environment: ["VPCFLOW_RANGES": nil, "XDG_CACHE_HOME": emptyCache])
            #expect(result.exited(66), "status \(result.status)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderrText.contains("vpcflow ranges update"), "stderr: \(result.stderrText)")
            #expect(result.stderrText.contains("--ranges"))
        }
    }

    /// The cached copy written by `ranges update` is the last resort.
    @Test("the cached copy in XDG_CACHE_HOME is used when nothing else is given")
    func rangesFromCache() async throws {
        try await withTemporaryDirectory { cache in
            try Fixtures.write(try Fixtures.read(Fixtures.exampleRanges), to: "\(cache)/vpcflow/ip-ranges.json")
            let result = try await Vpcflow.run(
                ["classify", Fixtures.exampleFlows], environment: ["VPCFLOW_RANGES": nil, "XDG_CACHE_HOME": cache])
            Self.expectExampleOutput(result)
        }
    }
}
