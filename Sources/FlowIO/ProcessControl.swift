import Glibc

/// Process-wide actions the command line needs.
public enum ProcessControl {
    /// Ends the process with `code`.
    public static func exit(_ code: Int32) -> Never { Glibc.exit(code) }
}

extension ProcessControl {
    /// Processors online now (the default number of jobs).
    public static var activeProcessorCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// This process's id.
    public static var processIdentifier: Int32 { getpid() }
}
