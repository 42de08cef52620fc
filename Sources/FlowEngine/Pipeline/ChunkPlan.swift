/// The chunk boundary rule, written once: a file is cut into consecutive ranges of about `size`
/// bytes, each ending just after a newline (or at the end of the file). So every chunk holds whole
/// lines, chunks cover the file exactly, and a line longer than `size` stays in one chunk.
public enum ChunkPlan {
    /// The chunks of a file of `count` bytes.
    ///
    /// - Parameters:
    ///   - size: the target chunk size; at least 1.
    ///   - newline: the offset of the first `\n` at or after an offset, or nil when there is none.
    ///     (A mapped file answers from memory; the `pread` path reads a small window.)
    /// - Complexity: O(number of chunks) calls of `newline`.
    public static func ranges<E: Error>(count: Int, size: Int, newline: (Int) throws(E) -> Int?) throws(E)
        -> [Range<Int>]
    {
        var result: [Range<Int>] = []
        var start = 0
        while start < count {
            let range = try next(from: start, count: count, size: size, newline: newline)
            result.append(range)
            start = range.upperBound
        }
        #if DEBUG
            checkInvariants(result, count: count)
        #endif
        return result
    }

    /// The chunk that starts at `start`: the rule itself. Planning one chunk at a time keeps the
    /// planner from touching (and so paging in) a byte at every boundary of a large file up front.
    /// - Precondition: `0 <= start < count`, `size >= 1`.
    public static func next<E: Error>(from start: Int, count: Int, size: Int, newline: (Int) throws(E) -> Int?)
        throws(E) -> Range<Int>
    {
        precondition(size >= 1 && start >= 0 && start < count, "chunk size must be positive, start inside the file")
        var end = count
        if count - start > size, let found = try newline(start + size - 1) {
            end = found + 1
        }
        return start..<end
    }

    /// The chunks of `bytes` held in memory.
    public static func ranges(in bytes: Span<UInt8>, size: Int) -> [Range<Int>] {
        ranges(count: bytes.count, size: size) { (offset) throws(Never) -> Int? in
            var i = offset
            while i < bytes.count {
                if bytes[i] == 0x0A { return i }
                i += 1
            }
            return nil
        }
    }

    /// Debug check: the ranges are non-empty, consecutive, cover `0..<count`.
    static func checkInvariants(_ ranges: [Range<Int>], count: Int) {
        var expected = 0
        for range in ranges {
            precondition(range.lowerBound == expected && !range.isEmpty, "chunk plan has a gap or an empty chunk")
            expected = range.upperBound
        }
        precondition(expected == count, "chunk plan does not cover the file")
    }
}

