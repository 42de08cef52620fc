/// The longest line vpcflow reads as a line: 1 MiB. A flow-log record is well under 2 KB (every
/// field of version 8 fits in about 1 KB), so a longer line is never a record: it is counted as one
/// malformed line, "line longer than 1048576 bytes", and only its first `bytes + 1` bytes are ever
/// held in memory by a stream (standard input, a pipe, gzip), so that an input without newlines
/// (a 300 MB line, a binary file, a pipe from /dev/zero) reads in bounded memory.
public enum LineLimit {
    public static let bytes = 1 << 20
    static let reason = "line longer than \(bytes) bytes"
}
