import Glibc

/// A report folder, made ready before any input is read: created if missing, proved writable, and
/// locked against a second run writing into it at the same time.
///
/// **Two runs, one folder.** The lock is an exclusive `flock(2)` on the folder itself, taken without
/// waiting: a second run that finds it held refuses at once (the command exits 75, EX_TEMPFAIL,
/// naming the folder) rather than waiting for a run that may take all night. Nothing is left in the
/// folder for the lock (no lock file to go stale): the kernel releases it when the process ends,
/// however it ends. Advisory only, and as reliable as the file system's `flock` (local file systems;
/// NFS emulates it with byte-range locks).
///
/// **Writable.** A folder that exists but cannot be written (permissions, a read-only mount) is
/// found here, by creating and removing a probe file, not after a night's input has been read.
public final class OutputDirectory: Sendable {
    /// The folder, as given.
    public let path: String
    /// The folders this run created, outermost first; removed again by `removeIfEmpty()`.
    public let created: [String]
    private let fd: Int32

    /// Why a folder cannot be used.
    public enum Failure: Error, Sendable {
        /// Another process holds the folder's lock.
        case busy(path: String)
        /// It cannot be created, opened or written.
        case io(FileSystemError)
    }

    /// Creates, probes and locks `path`.
    public init(_ path: String) throws(Failure) {
        self.path = path
        let created: [String]
        do {
            created = try AtomicFile.createDirectory(path)
        } catch {
            throw .io(error)
        }
        let fd: Int32
        do {
            fd = try Syscall.open(path, O_RDONLY | O_DIRECTORY)
        } catch {
            Self.remove(created)
            throw .io(error)
        }
        do {
            guard try Syscall.tryLockExclusive(fd, path) else {
                Syscall.close(fd)
                throw Failure.busy(path: path)
            }
            let probe = "\(path)/.vpcflow-probe-\(Syscall.getpid())"
            let probeFD = try Syscall.open(probe, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            Syscall.close(probeFD)
            Syscall.unlink(probe)
        } catch let failure as Failure {
            Self.remove(created)
            throw failure
        } catch let error as FileSystemError {
            Syscall.close(fd)
            Self.remove(created)
            throw .io(FileSystemError(code: error.code, operation: "write to", path: path, errno: error.errno, reason: error.reason))
        } catch {
            Syscall.close(fd)
            Self.remove(created)
            throw .io(FileSystemError(code: .ioError, operation: "write to", path: path, reason: "\(error)"))
        }
        self.created = created
        self.fd = fd
    }

    deinit { Syscall.close(fd) }  // releases the lock

    /// Removes the folders this run created, innermost first, where they are still empty: a run
    /// that writes nothing (interrupted, `--fail-fast`, a full disk) leaves no empty report folder.
    public func removeIfEmpty() { Self.remove(created) }

    /// Removes the report `name` from the folder if it is there (a report an earlier run wrote and
    /// this one does not); a file that is not there, or cannot be removed, is left as it is.
    public func removeReport(_ name: String) {
        precondition(!name.contains("/"), "a report's name, not a path")
        Syscall.unlink(path.hasSuffix("/") ? path + name : path + "/" + name)
    }

    private static func remove(_ folders: [String]) {
        for folder in folders.reversed() where !Syscall.rmdir(folder) { break }
    }
}
