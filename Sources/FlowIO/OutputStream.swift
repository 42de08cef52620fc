import Glibc

/// A buffered writer to standard output or standard error.
///
/// Writing into a closed pipe (`vpcflow classify ... | head -1`) throws `FileSystemError` with code
/// `.brokenPipe` instead of killing the process with SIGPIPE: `ignoreBrokenPipeSignal()` must be
/// called once at start-up, and the command line exits quietly on that error.
///
/// Not thread-safe: one writer per stream, used from one task.
public struct OutputStream: ~Copyable {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private let capacity: Int

    /// A writer for standard output.
    public static func standardOutput(capacity: Int = 1 << 16) -> OutputStream { OutputStream(fd: 1, capacity: capacity) }
    /// A writer for standard error; it flushes at every `write` so messages are never held back.
    public static func standardError() -> OutputStream { OutputStream(fd: 2, capacity: 0) }

    private init(fd: Int32, capacity: Int) {
        self.fd = fd
        self.capacity = capacity
        buffer.reserveCapacity(capacity)
    }

    /// Appends bytes; flushes when the buffer is full.
    public mutating func write(_ bytes: some Sequence<UInt8>) throws(FileSystemError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= capacity { try flush() }
    }

    /// Appends a string's UTF-8.
    public mutating func write(_ text: String) throws(FileSystemError) {
        try write(text.utf8)
    }

    /// Writes out what is buffered.
    public mutating func flush() throws(FileSystemError) {
        guard !buffer.isEmpty else { return }
        let name = fd == 1 ? "<stdout>" : "<stderr>"
        try Syscall.writeAll(fd, buffer, name)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Makes writes into a closed pipe fail with EPIPE instead of terminating the process.
    public static func ignoreBrokenPipeSignal() {
        signal(SIGPIPE, SIG_IGN)
    }

    /// Whether the stream is a terminal (for progress lines).
    public static func isTerminal(fileDescriptor fd: Int32) -> Bool { Syscall.isatty(fd) }
}
