import Glibc
import Synchronization

/// Ctrl-C (SIGINT) as a flag that long-running work polls, so tasks stop promptly and the command
/// can exit 130 without writing anything half-done.
public enum Interrupt {
    private static let flag = Atomic<Bool>(false)

    /// Installs the SIGINT handler. A second Ctrl-C while the first is being handled kills the
    /// process at once (the default action is restored by the first).
    ///
    /// The handler is installed without `SA_RESTART`; readers of pipes also poll the flag while they
    /// wait (see `Syscall.read`).
    public static func install() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            // Only async-signal-safe work here: an atomic store and restoring the default action.
            Interrupt.flag.store(true, ordering: .relaxed)
            signal(SIGINT, SIG_DFL)
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
    }

    /// Whether SIGINT has arrived.
    public static var isRequested: Bool { flag.load(ordering: .relaxed) }

    /// For tests: sets the flag as a SIGINT would.
    public static func request() { flag.store(true, ordering: .relaxed) }
}

/// Resource figures for reports and benchmarks.
public enum ResourceUsage {
    /// The process's peak resident set size in bytes (getrusage's ru_maxrss).
    public static func peakResidentBytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss) * 1024
    }
}

extension FileReading {
    /// Reads from a descriptor into `buffer[offset...]`; returns how many bytes (0 at the end).
    public static func read(fileDescriptor fd: Int32, name: String, into buffer: inout [UInt8], from offset: Int)
        throws(FileSystemError) -> Int
    {
        guard offset < buffer.count else { return 0 }
        return try buffer.withUnsafeMutableBytes { raw in
            Result { () throws(FileSystemError) in
                try Syscall.read(fd, UnsafeMutableRawBufferPointer(rebasing: raw[offset...]), name)
            }
        }.get()
    }
}

extension ResourceUsage {
    /// This process's id.
    public static var processIdentifier: Int32 { getpid() }
}
