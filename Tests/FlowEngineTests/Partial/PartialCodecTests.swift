import Testing

@testable import FlowEngine

/// The on-disk form: refusals (truncated, altered, unknown parts) and merge conflicts.
struct PartialCodecTests {
    static func sample() async throws -> Partial {
        let index = try SummarizeHarness.index(.nestedWithLabels)
        var result: Partial?
        try await SummarizeHarness.withScratchDirectory { directory in
            let paths = try PartialLawTests.inputs(directory, ranges: try SummarizeHarness.reference(.nestedWithLabels))
            result = try await PartialLawTests.partial(Array(paths.prefix(5)) + [paths.last!], index: index, options: SummarizeOptions(jobs: 2))
        }
        return result!
    }

    @Test func everyTruncationAndEveryFlippedByteIsRefused() async throws {
        let bytes = PartialCodec.encode(try await Self.sample())
        #expect(bytes.starts(with: Array("vpcflow-partial\n".utf8)))
        // Every length near the ends, and a few hundred in between.
        let lengths = Array(0..<min(80, bytes.count)) + Array(max(0, bytes.count - 80)..<bytes.count)
            + Array(stride(from: 80, to: bytes.count, by: max(1, bytes.count / 300)))
        for length in lengths {
            #expect(throws: PartialCodec.DecodeError.self) { try PartialCodec.decode(Array(bytes[..<length])) }
        }
        for at in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 300)) {
            var altered = bytes
            altered[at] ^= 0x01
            #expect(throws: PartialCodec.DecodeError.self, "byte \(at)") { try PartialCodec.decode(altered) }
        }
        var longer = bytes
        longer.append(0)
        #expect(throws: PartialCodec.DecodeError.self) { try PartialCodec.decode(longer) }
    }

    /// A well-formed container (valid checksum) with an unknown component or version is refused, not
    /// read without it.
    @Test func unknownComponentsAndVersionsAreRefused() async throws {
        let bytes = PartialCodec.encode(try await Self.sample())
        func resealed(_ edit: (inout [UInt8]) -> Void) -> [UInt8] {
            var body = Array(bytes.dropLast(32))
            edit(&body)
            return body + SHA256.hash(body)
        }
        // Container version 2.
        let newer = resealed { $0[16] = 2 }
        #expect(throws: PartialCodec.DecodeError("partial format version 2; this vpcflow reads version 1")) {
            try PartialCodec.decode(newer)
        }
        // "inputs" renamed "inputz": unknown.
        let renamed = resealed { body in
            let name = Array("inputs".utf8)
            let at = (0..<body.count).first { Array(body[$0..<min(body.count, $0 + name.count)]) == name }!
            body[at + 5] = UInt8(ascii: "z")
        }
        #expect(throws: PartialCodec.DecodeError("unknown component \"inputz\" (written by a newer vpcflow?)")) {
            try PartialCodec.decode(renamed)
        }
        #expect(throws: (any Error).self) { try PartialCodec.decode(Array("not a partial at all, just some text............".utf8)) }
    }

    @Test func conflictsAreNamed() async throws {
        let partial = try await Self.sample()
        var other = partial
        // The same input twice.
        #expect(throws: Partial.Conflict.sameInput(partial.inputs[0].name)) { try other.merge(partial) }
        // Another snapshot.
        var otherSnapshot = partial
        otherSnapshot.inputs = []
        otherSnapshot.snapshot.rangesDigest = String(repeating: "0", count: 64)
        var a = partial
        #expect(throws: Partial.Conflict.self) { try a.merge(otherSnapshot) }
        #expect(a == partial, "a refused merge changes nothing")
        // Other labels, other options.
        var otherLabels = partial
        otherLabels.inputs = []
        otherLabels.snapshot.labelsDigest = nil
        #expect(throws: Partial.Conflict.self) { try a.merge(otherLabels) }
        var otherOptions = partial
        otherOptions.inputs = []
        otherOptions.options = ["fields": "version srcaddr dstaddr"]
        #expect(throws: Partial.Conflict.options("fields: unset against version srcaddr dstaddr")) { try a.merge(otherOptions) }
    }

    @Test func shardGroupsCompleteWhenEveryShardIsMerged() throws {
        let snapshot = Partial.Snapshot(
            rangesDigest: "d", syncToken: "1", createDate: "c", ipv4Entries: 0, ipv6Entries: 0, labelsDigest: nil, labelEntries: 0)
        func shard(_ i: Int) -> Partial {
            var p = Partial.empty(version: "t", snapshot: snapshot, options: [:])
            p.shards = [Partial.ShardGroup(listDigest: "L", count: 3, held: [i])]
            return p
        }
        var merged = shard(2)
        try merged.merge(shard(0))
        #expect(merged.shards == [Partial.ShardGroup(listDigest: "L", count: 3, held: [0, 2])])
        let encoded = try PartialCodec.decode(PartialCodec.encode(merged))
        #expect(encoded == merged)
        try merged.merge(shard(1))
        #expect(merged.shards.isEmpty)
        #expect(PartialCodec.encode(merged) == PartialCodec.encode(Partial.empty(version: "t", snapshot: snapshot, options: [:])))
    }
}
