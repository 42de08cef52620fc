import Foundation
import Testing

@testable import FlowEngine

/// `--shard I/N`: every name in exactly one shard, the balance the issue asks for, and the rule as
/// documented, checked by running the documented Python against ours.
struct ShardPlanTests {
    /// 10,000 S3 keys as AWS delivers them: three accounts, three regions, 30 flow logs, 5-minute files
    /// over a month, each with AWS's random suffix.
    static func realisticNames(seed: UInt64) -> [String] {
        var random = SplitMix64(seed: seed)
        let accounts = (0..<3).map { _ in String(100_000_000_000 + random.next() % 900_000_000_000) }
        let regions = ["us-east-1", "eu-west-1", "ap-southeast-2"]
        let logs = (0..<30).map { _ in "fl-" + String(random.next() % (1 << 60), radix: 16) }
        return (0..<10_000).map { i in
            let account = accounts[Int(random.next() % 3)]
            let region = regions[Int(random.next() % 3)]
            let log = logs[Int(random.next() % 30)]
            let day = 1 + (i / 288) % 28
            let minutes = (i % 288) * 5
            let dd = day < 10 ? "0\(day)" : "\(day)"
            let hh = minutes / 60 < 10 ? "0\(minutes / 60)" : "\(minutes / 60)"
            let mm = minutes % 60 < 10 ? "0\(minutes % 60)" : "\(minutes % 60)"
            return "s3://flow-logs/AWSLogs/\(account)/vpcflowlogs/\(region)/2026/08/\(dd)/\(account)_vpcflowlogs_\(region)_\(log)_202608\(dd)T\(hh)\(mm)Z_\(String(random.next() % (1 << 32), radix: 16)).log.gz"
        }
    }

    @Test(arguments: [4, 16, 64])
    func everyNameInOneShardAndBalanced(count: Int) {
        let names = Self.realisticNames(seed: 3)
        var sizes = [Int](repeating: 0, count: count)
        var kept = [Int](repeating: 0, count: names.count)
        let assignment = ShardPlan.assignment(names, count: count)
        for shard in 0..<count {
            // What `keeps` does for one shard, from the assignment computed once (debug SHA-256 is slow).
            for (i, name) in names.enumerated() where assignment[name] == shard {
                kept[i] += 1
                sizes[shard] += 1
            }
        }
        #expect(ShardPlan(index: 1, count: count).keeps(Array(names.prefix(300))) == names.prefix(300).map {
            ShardPlan.assignment(Array(names.prefix(300)), count: count)[$0] == 1
        })
        #expect(kept.allSatisfy { $0 == 1 })
        let mean = Double(names.count) / Double(count)
        #expect(Double(sizes.max()!) <= 1.15 * mean, "largest shard \(sizes.max()!), mean \(mean)")
        #expect(sizes.max()! - sizes.min()! <= 1)
    }

    @Test func theDocumentedPythonRulePredictsEveryShard() throws {
        let names = Array(Self.realisticNames(seed: 5).prefix(2000)) + ["ünïcode/ключ.log", "a\tb"]
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("names-\(UUID().uuidString)")
        try Data(names.joined(separator: "\n").utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let script = """
            import hashlib, sys
            names = open(sys.argv[1], encoding="utf-8").read().split("\\n")
            N = 7
            key = lambda n: (int.from_bytes(hashlib.sha256(n.encode()).digest()[:8], "big"), n.encode())
            shard_of = {n: p % N for p, n in enumerate(sorted(set(names), key=key))}
            print("\\n".join(str(shard_of[n]) for n in names))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, url.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let python = output.split(separator: "\n").map { Int($0)! }
        let ours = ShardPlan.assignment(names, count: 7)
        #expect(python == names.map { ours[$0]! })
    }
}
