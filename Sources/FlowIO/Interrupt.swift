import Glibc
import Synchronization

/// Stop requests (Ctrl-C's SIGINT, a scheduler's SIGTERM, a closed terminal's SIGHUP) as a flag that
/// long-running work polls, so tasks stop promptly and the command exits 128 + the signal's number
/// without writing anything half-done.
///
/// A second stop signal kills the process at once (the signal's default action), except inside
/// `whileWritingReports`: there the handler only records it, so a set of reports is never cut
/// between two renames; the stop takes effect as soon as the renames are done.
public enum Interrupt {
    private static let flag = Atomic<Bool>(false)
    /// The first stop signal that arrived, or 0.
    private static let first = Atomic<Int32>(0)
    private static let critical = Atomic<Bool>(false)

    /// The signals that stop a run.
    public static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Installs the handler for SIGINT, SIGTERM and SIGHUP.
    ///
    /// The handler is installed without `SA_RESTART`; readers of pipes also poll the flag while they
    /// wait (see `Syscall.read`).
    public static func install() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { number in
            // Only async-signal-safe work here: atomic loads and stores, signal(2) and raise(3).
            let (exchanged, _) = Interrupt.first.compareExchange(expected: 0, desired: number, ordering: .relaxed)
            let repeated = !exchanged
            Interrupt.flag.store(true, ordering: .relaxed)
            if repeated && !Interrupt.critical.load(ordering: .relaxed) {
                signal(number, SIG_DFL)
                raise(number)
            }
        }
        sigemptyset(&action.sa_mask)
        for number in signals { sigaddset(&action.sa_mask, number) }
        action.sa_flags = 0
        for number in signals { sigaction(number, &action, nil) }
    }

    /// Whether a stop signal has arrived.
    public static var isRequested: Bool { flag.load(ordering: .relaxed) }

    /// The first stop signal's number (SIGINT 2, SIGHUP 1, SIGTERM 15), or nil.
    public static var received: Int32? {
        let number = first.load(ordering: .relaxed)
        return number == 0 ? nil : number
    }

    /// The signal's name for messages: "SIGTERM".
    public static func name(_ number: Int32) -> String {
        switch number {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        case SIGHUP: "SIGHUP"
        default: "signal \(number)"
        }
    }

    /// Runs `body` (the renames of a report set) with a second stop signal deferred, not fatal.
    public static func whileWritingReports<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        critical.store(true, ordering: .relaxed)
        defer { critical.store(false, ordering: .relaxed) }
        return try body()
    }
}
