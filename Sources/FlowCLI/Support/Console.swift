import FlowIO

/// Standard output and error for a command. Output is buffered and flushed at the end (or when
/// large); errors go out at once.
struct Console: ~Copyable {
    var out = OutputStream.standardOutput()
    var err = OutputStream.standardError()

    /// Writes to standard output; a closed pipe becomes a quiet `CLIError`.
    mutating func print(_ text: String) throws(CLIError) {
        do { try out.write(text) } catch { throw CLIError.io(error) }
    }

    mutating func write(_ bytes: [UInt8]) throws(CLIError) {
        do { try out.write(bytes) } catch { throw CLIError.io(error) }
    }

    mutating func flush() throws(CLIError) {
        do { try out.flush() } catch { throw CLIError.io(error) }
    }

    /// Writes a line to standard error. Failures to write a diagnostic are ignored: there is nowhere
    /// left to report them.
    mutating func diagnose(_ text: String) {
        try? err.write(text.hasSuffix("\n") ? text : text + "\n")
    }
}
