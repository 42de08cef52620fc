import Foundation
import Testing

/// `vpcflow-bench generate`, the benchmark data generator (issue 4), run as a process: the same
/// seed makes the same bytes; every record belongs to one network interface, whose address is one
/// side of the flow; what it writes is what `vpcflow` reads, with nothing malformed; and `--enis 0`
/// still makes the earlier model's files byte for byte (the data of older figures in BENCHMARKS.md).
struct BenchGeneratorTests {
    static let path = Vpcflow.builtProduct(named: "vpcflow-bench")

    /// Runs `vpcflow-bench generate ARGUMENTS --output OUT` and returns the file's bytes.
    static func generate(_ arguments: [String], in directory: String, name: String = "flows.log") async throws -> [UInt8] {
        let binary = try #require(path, "vpcflow-bench was not found next to the test bundle")
        let output = "\(directory)/\(name)"
        let result = try await ProcessRunner.run(
            binary, ["generate", "--output", output] + arguments, environment: ["VPCFLOW_RANGES": nil])
        #expect(result.exited(0), "\(result)")
        return try Fixtures.read(output)
    }

    /// The data lines of a default-format file, split into fields.
    static func records(_ bytes: [UInt8]) -> [[Substring]] {
        String(decoding: bytes, as: UTF8.self).split(separator: "\n").dropFirst().map {
            $0.split(separator: " ", omittingEmptySubsequences: false)
        }
    }

    /// FNV-1a, 64 bits: a fingerprint of a file's bytes.
    static func fingerprint(_ bytes: [UInt8]) -> UInt64 {
        bytes.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01b3 }
    }

    @Test("the same seed makes the same bytes; another seed, others")
    func deterministic() async throws {
        try await withTemporaryDirectory { directory in
            let arguments = ["--ranges", Fixtures.exampleRanges, "--records", "5000"]
            let first = try await Self.generate(arguments + ["--seed", "7"], in: directory, name: "a.log")
            let again = try await Self.generate(arguments + ["--seed", "7"], in: directory, name: "b.log")
            let other = try await Self.generate(arguments + ["--seed", "8"], in: directory, name: "c.log")
            #expect(first == again)
            #expect(first != other)
            #expect(Self.records(first).count == 5000)
        }
    }

    @Test("every record belongs to one interface, whose address is one side of each of its flows")
    func interfaces() async throws {
        try await withTemporaryDirectory { directory in
            let bytes = try await Self.generate(
                ["--ranges", Fixtures.exampleRanges, "--records", "20000", "--seed", "3", "--ipv6-share", "0.1"],
                in: directory)
            // Per interface and address family: the addresses in every one of its flows.
            var common: [String: Set<Substring>] = [:]
            var records = 0
            for fields in Self.records(bytes) where fields.count == 14 && fields[13] == "OK" {
                records += 1
                let id = String(fields[2])
                #expect(id.count == 21 && id.hasPrefix("eni-") && id.dropFirst(4).allSatisfy(\.isHexDigit), "\(id)")
                let key = id + (fields[3].contains(":") ? " v6" : " v4")
                let sides: Set<Substring> = [fields[3], fields[4]]
                common[key] = common[key].map { $0.intersection(sides) } ?? sides
            }
            #expect(records > 19_000)
            let ids = Set(common.keys.map { $0.prefix(21) })
            #expect(ids.count <= 400 && ids.count > 300, "\(ids.count) interfaces")
            var v4Owners: [Substring: String] = [:]
            for (key, addresses) in common {
                // Two records of an interface share its address (one record alone shares both).
                let own = try #require(addresses.first, "\(key): no address in all of its flows")
                if key.hasSuffix(" v4") {
                    #expect(addresses.contains { $0.hasPrefix("10.0.") }, "\(key): \(addresses)")
                    if addresses.count == 1 {
                        #expect(v4Owners.updateValue(key, forKey: own) == nil, "\(own) belongs to two interfaces")
                    }
                } else {
                    #expect(addresses.contains { $0.hasPrefix("fd00:") }, "\(key): \(addresses)")
                }
            }
        }
    }

    @Test("what it writes, vpcflow reads: every line a record, nothing malformed")
    func readable() async throws {
        try await withTemporaryDirectory { directory in
            for format in ["v2", "v2-noheader", "v5", "csv"] {
                _ = try await Self.generate(
                    ["--ranges", Fixtures.exampleRanges, "--records", "3000", "--seed", "4", "--format", format],
                    in: directory, name: "\(format).log")
                let output = "\(directory)/out-\(format)"
                let result = try await Vpcflow.run(
                    ["summarize", "--quiet", "--ranges", Fixtures.exampleRanges, "--output", output, "\(directory)/\(format).log"])
                #expect(result.exited(0), "\(format): \(result)")
                let summary = try JSON.object(try Fixtures.read("\(output)/summary.json"))
                let records = try #require(summary["records"] as? [String: Any], "\(format)")
                #expect(records["malformed"] as? Int == 0, "\(format): \(records)")
                #expect(records["data_lines"] as? Int == 3000, "\(format): \(records)")
            }
        }
    }

    @Test(
        "--enis 0 makes the earlier model's file byte for byte",
        .enabled(if: Fixtures.realSnapshot != nil, Fixtures.skipReal))
    func earlierModel() async throws {
        try await withTemporaryDirectory { directory in
            let bytes = try await Self.generate(
                ["--ranges", try #require(Fixtures.realSnapshot), "--records", "20000", "--seed", "5",
                 "--malformed-share", "0.01", "--enis", "0"],
                in: directory)
            // Made by the generator of commit 313e80d (before the interface model), same arguments.
            #expect(bytes.count == 2_381_036)
            #expect(Self.fingerprint(bytes) == 0x2f38_1118_25f9_2028)
        }
    }
}
