/// The chunk boundary rule, written once: a file is cut into consecutive ranges of about `size`
/// bytes, each ending just after a newline (or at the end of the file). So every chunk holds whole
/// lines and chunks cover the file exactly; a line longer than `size` but within the line limit
/// stays in one chunk.
///
/// A line longer than the limit (`LineLimit`) is the one exception: where no newline follows the
/// chunk's target end within `lineLimit + 2` bytes, the line there is over-long, and the chunk ends
/// inside it (`endsInsideLine`), just after those bytes. The chunk judges the line (its start is in
/// the chunk: at least `lineLimit + 2` of its bytes); the next chunk starts inside it and skips to
/// its newline. So no chunk exceeds `size + lineLimit + 2` bytes, whatever the file holds.
public enum ChunkPlan {
    public struct Chunk: Sendable, Equatable {
        public var range: Range<Int>
        /// The chunk ends inside an over-long line (the next one starts inside it).
        public var endsInsideLine: Bool
    }

    /// The chunks of a file of `count` bytes.
    ///
    /// - Parameters:
    ///   - size: the target chunk size; at least 1.
    ///   - newline: the offset of the first `\n` in `from..<before`, or nil when there is none.
    ///     (A mapped file answers from memory; the `pread` path reads a small window.)
    /// - Complexity: O(number of chunks) calls of `newline`.
    public static func chunks<E: Error>(
        count: Int, size: Int, lineLimit: Int = LineLimit.bytes, newline: (_ from: Int, _ before: Int) throws(E) -> Int?
    ) throws(E) -> [Chunk] {
        var result: [Chunk] = []
        var start = 0
        while start < count {
            let chunk = try next(from: start, count: count, size: size, lineLimit: lineLimit, newline: newline)
            result.append(chunk)
            start = chunk.range.upperBound
        }
        #if DEBUG
            checkInvariants(result.map(\.range), count: count)
        #endif
        return result
    }

    /// The chunk that starts at `start`: the rule itself. Planning one chunk at a time keeps the
    /// planner from touching (and so paging in) a byte at every boundary of a large file up front.
    /// - Precondition: `0 <= start < count`, `size >= 1`, `lineLimit >= 0`.
    public static func next<E: Error>(
        from start: Int, count: Int, size: Int, lineLimit: Int = LineLimit.bytes,
        newline: (_ from: Int, _ before: Int) throws(E) -> Int?
    ) throws(E) -> Chunk {
        precondition(size >= 1 && start >= 0 && start < count && lineLimit >= 0, "chunk size must be positive, start inside the file")
        guard count - start > size else { return Chunk(range: start..<count, endsInsideLine: false) }
        let probe = start + size - 1
        // The line through `probe` is over-long when none of `probe...probe + lineLimit + 1` is a
        // newline: at least lineLimit + 2 bytes of it, one of them perhaps a CR before its LF.
        let searchEnd = min(count, probe + lineLimit + 2)
        if let found = try newline(probe, searchEnd) {
            // The invariants, checked on every chunk the pipeline plans (not only in `chunks`): the
            // chunk is non-empty, starts at `start` and ends inside the file, at a newline the
            // search was asked for.
            precondition(found >= probe && found < searchEnd, "newline search answered outside its range")
            return Chunk(range: start..<found + 1, endsInsideLine: false)
        }
        return Chunk(range: start..<searchEnd, endsInsideLine: searchEnd < count)
    }

    /// The chunks of `bytes` held in memory.
    public static func chunks(in bytes: Span<UInt8>, size: Int, lineLimit: Int = LineLimit.bytes) -> [Chunk] {
        chunks(count: bytes.count, size: size, lineLimit: lineLimit) { (from, before) throws(Never) -> Int? in
            var i = from
            while i < before {
                if bytes[i] == 0x0A { return i }
                i += 1
            }
            return nil
        }
    }

    /// Debug check of a whole plan: the ranges are non-empty, consecutive, cover `0..<count` (each
    /// chunk's own bounds are checked by `next` in every build).
    static func checkInvariants(_ ranges: [Range<Int>], count: Int) {
        var expected = 0
        for range in ranges {
            precondition(range.lowerBound == expected && !range.isEmpty, "chunk plan has a gap or an empty chunk")
            expected = range.upperBound
        }
        precondition(expected == count, "chunk plan does not cover the file")
    }
}

