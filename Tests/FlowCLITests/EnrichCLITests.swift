import Foundation
import Testing

/// `vpcflow enrich` through the binary: standard output and a file (written whole or not at all),
/// standard input as a filter, gzip, the exit codes of summarize, and CSV's one header.
struct EnrichCLITests {
    static let ranges = "datasets/example/ip-ranges.json"
    static let example = "datasets/example/flows.log"

    @Test func outputsAndExitCodes() async throws {
        try await withTemporaryDirectory { dir in
            let out = try await Vpcflow.run(["enrich", "--ranges", Self.ranges, Self.example])
            #expect(out.status == 0, "\(out)")
            let lines = out.stdoutText.split(separator: "\n").map(String.init)
            #expect(lines.first == "version,account-id,interface-id,srcaddr,dstaddr,srcport,dstport,protocol,packets,bytes,start,end,action,log-status,src_region,src_service,dst_region,dst_service")
            // 10.0.0.6 -> 3.2.34.5: af-south-1 EC2 (EC2 over AMAZON on the same CIDR).
            #expect(lines.contains("2,123456789010,eni-1235b8ca123456789,10.0.0.6,3.2.34.5,44321,443,6,310,402113,1418530010,1418530070,ACCEPT,OK,-,PRIVATE,af-south-1,EC2"), "\(lines)")
            #expect(out.stderrText.contains("9 records written; 1 NODATA, 1 SKIPDATA, 0 malformed lines"), "\(out.stderrText)")
            // The same from standard input, from gzip, and into a file.
            let piped = try await Vpcflow.run(["enrich", "--quiet", "--ranges", Self.ranges, "-"], stdin: try Fixtures.read(Self.example))
            #expect(piped.stdout == out.stdout)
            try Fixtures.write(try GzipFixture.compress(try Fixtures.read(Self.example), in: dir), to: "\(dir)/flows.log.gz")
            let file = try await Vpcflow.run(["enrich", "--quiet", "--ranges", Self.ranges, "--output", "\(dir)/out.csv", "\(dir)/flows.log.gz"])
            #expect(file.status == 0 && file.stdout.isEmpty, "\(file)")
            #expect(try Fixtures.read("\(dir)/out.csv") == out.stdout)
            // A missing input: 66, the others still written.
            let missing = try await Vpcflow.run(["enrich", "--quiet", "--ranges", Self.ranges, Self.example, "\(dir)/nothing.log"])
            #expect(missing.status == 66 && missing.stdout == out.stdout, "\(missing)")
            // Malformed lines over --max-malformed: 65.
            try Fixtures.write("2 1 eni-a 10.0.0.1 10.0.0.2 1 2 6 1 10 1 2 ACCEPT OK\nnot a record at all\n", to: "\(dir)/bad.log")
            let bad = try await Vpcflow.run(["enrich", "--quiet", "--ranges", Self.ranges, "--max-malformed", "0", "\(dir)/bad.log"])
            #expect(bad.status == 65 && bad.stderrText.contains("bad.log:2"), "\(bad)")
            // CSV has one header: an input with other fields is refused (65) and named; JSON lines take both.
            try Fixtures.write("srcaddr,dstaddr,bytes\n10.0.0.1,3.2.34.5,7\n", to: "\(dir)/notebook.csv")
            let mixed = try await Vpcflow.run(["enrich", "--quiet", "--ranges", Self.ranges, Self.example, "\(dir)/notebook.csv"])
            #expect(mixed.status == 65 && mixed.stderrText.contains("notebook.csv") && mixed.stdout == out.stdout, "\(mixed)")
            let json = try await Vpcflow.run(["enrich", "--quiet", "--ranges", Self.ranges, "--format", "jsonl", Self.example, "\(dir)/notebook.csv"])
            #expect(json.status == 0, "\(json)")
            #expect(json.stdoutText.hasSuffix("{\"srcaddr\":\"10.0.0.1\",\"dstaddr\":\"3.2.34.5\",\"bytes\":\"7\",\"src_region\":\"-\",\"src_service\":\"PRIVATE\",\"dst_region\":\"af-south-1\",\"dst_service\":\"EC2\"}\n"), "\(json.stdoutText)")
            let usage = try await Vpcflow.run(["enrich", "--format", "xml", Self.example])
            #expect(usage.status == 64)
            // An output that cannot be written: 74, nothing left behind.
            let unwritable = try await Vpcflow.run(["enrich", "--quiet", "--ranges", Self.ranges, "--output", "\(dir)/no/such/folder/out.csv", Self.example])
            #expect(unwritable.status == 74, "\(unwritable)")
        }
    }
}
