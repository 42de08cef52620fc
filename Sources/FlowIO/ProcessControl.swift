import Glibc

/// Process-wide actions the command line needs.
public enum ProcessControl {
    /// Ends the process with `code`.
    public static func exit(_ code: Int32) -> Never { Glibc.exit(code) }
}
