/// The longest line vpcflow reads as a line: 1 MiB. A flow-log record is well under 2 KB (every
/// field of version 8 fits in about 1 KB), so a longer line is never a record.
///
/// The rule, the same on every path (mapped or `pread` plain files, gzip, standard input, pipes):
/// a line of more than `bytes` bytes (its line end not counted) is one malformed data line, "line
/// longer than 1048576 bytes", whatever it holds (blank, header-like or not), and it never decides
/// an input's format: when the first non-blank line is over-long, the input is read with the
/// default format (or `--fields`). Memory stays bounded by the limit, not by the line:
///
/// - a stream (standard input, a pipe, an inflated gzip) keeps only the line's first `bytes + 1`
///   bytes and reads past the rest (`LineBlockReader`);
/// - a plain file's chunk plan cuts inside an over-long line (`ChunkPlan.next`): the chunk that holds
///   the line's start judges it, the chunks that follow skip to its end, so no chunk is much larger
///   than the chunk size, and a 300 MB line is read in 8 MiB pieces, like the rest of the file.
public enum LineLimit {
    public static let bytes = 1 << 20
    /// The smallest limit a run accepts (`SummarizeOptions.lineLimit`): above the fast path's window
    /// (`ByteWindow.size`: no line it reads is over-long) and a malformed sample's length (the chunk
    /// that judges a cut line holds the sample's bytes).
    public static let minimum = 512

    static func reason(_ limit: Int) -> String { "line longer than \(limit) bytes" }
}
