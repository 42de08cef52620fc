/// An I/O failure with enough context to act on: what was being done, to which path, and the
/// system's reason.
///
/// Malformed *records* are never reported with this type: they are data, counted and sampled by the
/// engine. This type is for files that cannot be opened, read, mapped or written.
public struct FileSystemError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is; decides the process exit code.
    public enum Code: Sendable, Equatable {
        /// The path does not exist, or is not readable by us (sysexits 66, EX_NOINPUT).
        case notFound
        /// Permission denied (sysexits 66 for inputs, 73 for outputs is not used: we report 74).
        case permissionDenied
        /// The path is a directory where a file was expected, or the reverse.
        case wrongKind
        /// Any other failure of a system call (sysexits 74, EX_IOERR).
        case ioError
        /// The file changed while it was being read: it shrank (truncated underneath a mapping or a
        /// `pread`), or was rewritten in place (sysexits 74, EX_IOERR). What was read is not trusted.
        case changed
        /// Writing to a pipe whose reader has gone (`vpcflow ... | head`): exit quietly.
        case brokenPipe
        /// A blocking read was interrupted by Ctrl-C (SIGINT): stop, exit 130.
        case interrupted
    }

    public let code: Code
    /// The operation, as a short verb phrase: "open", "read", "rename into place".
    public let operation: String
    /// The path involved, or "" for standard streams.
    public let path: String
    /// The `errno` value, when the failure came from a system call.
    public let errno: Int32?
    /// A human explanation of `errno` (strerror), or a message of our own.
    public let reason: String

    public init(code: Code, operation: String, path: String, errno: Int32? = nil, reason: String) {
        self.code = code
        self.operation = operation
        self.path = path
        self.errno = errno
        self.reason = reason
    }

    /// One line: `cannot open "logs/a.log": No such file or directory`.
    public var description: String {
        path.isEmpty ? "cannot \(operation): \(reason)" : "cannot \(operation) \"\(path)\": \(reason)"
    }
}
