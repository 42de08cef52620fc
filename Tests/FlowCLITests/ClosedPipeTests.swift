import Testing

/// A closed standard output (`vpcflow classify ... | head -1`) ends vpcflow quietly: exit status 0,
/// no error message, not killed by SIGPIPE. The output must be far larger than a pipe buffer, so the
/// reader is gone while vpcflow is still writing.
@Suite("closed output pipe")
struct ClosedPipeTests {
    static let lineCount = 200_000

    /// `srcaddr,dstaddr` and `lineCount` records; every source is private, every destination AWS.
    static func bigCSV() -> String {
        var text = "srcaddr,dstaddr\n"
        text.reserveCapacity(lineCount * 26)
        for i in 0..<lineCount {
            text += "10.\((i >> 16) & 255).\((i >> 8) & 255).\(i & 255),3.2.34.5\n"
        }
        return text
    }

    @Test("classify | head -1 exits 0 without a message")
    func headClosesPipe() async throws {
        try await withTemporaryDirectory { dir in
            let input = "\(dir)/big.csv"
            try Fixtures.write(Self.bigCSV(), to: input)
            // PIPESTATUS[0] is vpcflow's own status; 141 would mean it died of SIGPIPE.
            let result = try await Vpcflow.shell(
                #"""
                "$BIN" classify --ranges "$RANGES" "$INPUT" | head -1
                statuses=("${PIPESTATUS[@]}")
                echo "vpcflow=${statuses[0]} head=${statuses[1]}"
                """#,
                environment: ["RANGES": Fixtures.exampleRanges, "INPUT": input])
            #expect(result.exited(0))
            #expect(result.stdoutText == "10.0.0.0,\nvpcflow=0 head=0\n")
            #expect(result.stderrText == "", "vpcflow wrote to stderr: \(result.stderrText)")
        }
    }

    /// The same with `set -o pipefail`, the way a careful script would run it.
    @Test("classify | head -1 under pipefail succeeds")
    func pipefail() async throws {
        try await withTemporaryDirectory { dir in
            let input = "\(dir)/big.csv"
            try Fixtures.write(Self.bigCSV(), to: input)
            let result = try await Vpcflow.shell(
                #"set -o pipefail; "$BIN" classify --ranges "$RANGES" "$INPUT" "$INPUT" | head -c 100 >/dev/null"#,
                environment: ["RANGES": Fixtures.exampleRanges, "INPUT": input])
            #expect(result.exited(0), "pipeline status \(result.status)")
            #expect(result.stderrText == "")
        }
    }

    /// Sanity check of the fixture: without a reader that leaves, all lines come out.
    @Test("classify of the big input writes one line per address")
    func fullOutput() async throws {
        try await withTemporaryDirectory { dir in
            let input = "\(dir)/big.csv"
            try Fixtures.write(Self.bigCSV(), to: input)
            let result = try await Vpcflow.run(["classify", "--ranges", Fixtures.exampleRanges, input])
            #expect(result.exited(0))
            #expect(result.stdout.lazy.filter { $0 == 0x0A }.count == 2 * Self.lineCount)
            #expect(result.stdoutText.hasSuffix("\n3.2.34.5,af-south-1_AMAZON_3.2.34.0/26,af-south-1_EC2_3.2.34.0/26\n"))
        }
    }
}
