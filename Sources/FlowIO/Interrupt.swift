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
}
