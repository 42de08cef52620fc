import Glibc

/// Runs another program and measures it: wall time, exit status, peak memory. For the benchmark
/// harness; the engine never starts processes.
public enum ChildProcess {
    public struct Outcome: Sendable {
        /// The exit status, or 128 + signal number when a signal ended it.
        public let status: Int32
        public let seconds: Double
        /// Peak resident set size of the child, in bytes (wait4's ru_maxrss).
        public let peakResidentBytes: Int
    }

    /// Runs `arguments[0]` (a path) with `arguments`, standard output and error sent to /dev/null
    /// unless `quiet` is false, and waits for it.
    public static func run(_ arguments: [String], quiet: Bool = true) throws(FileSystemError) -> Outcome {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if quiet {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid = pid_t()
        let clock = ContinuousClock()
        let started = clock.now
        let spawned = posix_spawn(&pid, arguments[0], &actions, nil, &argv, environ)
        guard spawned == 0 else { throw Syscall.error("run", arguments[0], errno: spawned) }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw Syscall.error("wait for", arguments[0]) }
        }
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        // WIFEXITED / WEXITSTATUS / WTERMSIG, spelled out (they are C macros).
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Outcome(status: code, seconds: seconds, peakResidentBytes: Int(usage.ru_maxrss) * 1024)
    }
}
