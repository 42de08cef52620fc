import FlowIO

/// `--shard I/N`: which inputs of a list shard I of N reads.
///
/// **The rule** (so that a driver in another language can predict it): take the logical names of the
/// whole input list, each once; order them by the first 8 bytes of SHA-256 of the name's UTF-8
/// bytes read as a big-endian unsigned 64-bit integer, then by the name's bytes; the input at
/// position p (from 0) belongs to shard p mod N. In Python:
///
/// ```python
/// key = lambda n: (int.from_bytes(hashlib.sha256(n.encode()).digest()[:8], "big"), n.encode())
/// shard_of = {n: p % N for p, n in enumerate(sorted(set(names), key=key))}
/// ```
///
/// Every input is in exactly one shard, and shards differ in size by at most one input. Why not
/// "hash mod N" on its own: with a random hash, shard sizes are multinomial, and for 10,000 names
/// and N = 64 the largest shard is expected near 1.19x the mean (measured: 1.29x at worst over 50
/// generated S3 key sets; 46 of 50 above 1.15x). The price of the exact balance is that the shards
/// depend on the whole list: every shard must be given the same list. Each partial records the
/// list's digest (`listDigest`) and its shard, and `merge` refuses to write reports from a group
/// of shards that is incomplete, or whose lists differ (see `Partial.ShardGroup`).
public struct ShardPlan: Sendable, Equatable {
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) {
        precondition(count >= 1 && index >= 0 && index < count)
        self.index = index
        self.count = count
    }

    /// The 64-bit key of a name: the first 8 bytes of its SHA-256, big-endian.
    public static func key(_ name: String) -> UInt64 {
        let digest = SHA256.hash(Array(name.utf8))
        var key: UInt64 = 0
        for byte in digest.prefix(8) { key = key << 8 | UInt64(byte) }
        return key
    }

    /// The shard of every name (names that appear twice count once).
    public static func assignment(_ names: [String], count: Int) -> [String: Int] {
        let ordered = Array(Set(names)).map { (key($0), $0) }.sorted {
            $0.0 != $1.0 ? $0.0 < $1.0 : ByteOrder.precedes($0.1, $1.1)
        }
        var shard: [String: Int] = [:]
        for (position, entry) in ordered.enumerated() { shard[entry.1] = position % count }
        return shard
    }

    /// Which of `names` this shard keeps, in their order.
    public func keeps(_ names: [String]) -> [Bool] {
        let shard = Self.assignment(names, count: count)
        return names.map { shard[$0] == index }
    }

    /// SHA-256 of the list's names, unique and sorted by their bytes, each followed by LF.
    public static func listDigest(_ names: [String]) -> String {
        var hasher = SHA256()
        for name in Array(Set(names)).sorted(by: ByteOrder.precedes) {
            hasher.update(Array(name.utf8) + [0x0A])
        }
        return Hex.encode(hasher.finish())
    }
}
