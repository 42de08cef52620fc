import CFlowIO
import Glibc

/// The system calls vpcflow makes, each wrapped once: retried on `EINTR`, failures turned into
/// `FileSystemError` with the path and the system's reason. Nothing outside FlowIO imports Glibc.
enum Syscall {
    /// Builds the error for the current `errno`.
    static func error(_ operation: String, _ path: String, errno code: Int32 = errno) -> FileSystemError {
        let kind: FileSystemError.Code
        switch code {
        case ENOENT, ENOTDIR, ELOOP: kind = .notFound
        case EACCES, EPERM: kind = .permissionDenied
        case EISDIR: kind = .wrongKind
        case EPIPE: kind = .brokenPipe
        default: kind = .ioError
        }
        return FileSystemError(
            code: kind, operation: operation, path: path, errno: code, reason: String(cString: strerror(code)))
    }

    static func open(_ path: String, _ flags: Int32, _ mode: mode_t = 0) throws(FileSystemError) -> Int32 {
        while true {
            let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
            if fd >= 0 { return fd }
            if errno == EINTR { continue }
            throw error("open", path)
        }
    }

    static func close(_ fd: Int32) {
        // close(2) must not be retried on EINTR on Linux: the descriptor is already released.
        _ = Glibc.close(fd)
    }

    static func fstat(_ fd: Int32, _ path: String) throws(FileSystemError) -> Glibc.stat {
        var info = Glibc.stat()
        if Glibc.fstat(fd, &info) != 0 { throw error("stat", path) }
        return info
    }

    static func fileStatus(_ path: String) -> Glibc.stat? {
        var info = Glibc.stat()
        return stat(path, &info) == 0 ? info : nil
    }

    /// Reads up to `buffer.count` bytes at `offset`; returns how many were read (0 at end of file).
    static func pread(
        _ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer, _ offset: Int, _ path: String
    ) throws(FileSystemError) -> Int {
        while true {
            let n = Glibc.pread(fd, buffer.baseAddress, buffer.count, off_t(offset))
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw error("read", path)
        }
    }

    /// Reads up to `buffer.count` bytes from the current position (pipes, standard input).
    ///
    /// A read that would wait (an idle pipe) waits in `poll` in slices of 200 ms and checks for
    /// Ctrl-C between them, throwing `.interrupted`: the signal may be delivered to another thread
    /// (libdispatch has its own), so EINTR alone cannot be relied on. Other interruptions are retried.
    static func read(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer, _ path: String) throws(FileSystemError)
        -> Int
    {
        var waiting = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while poll(&waiting, 1, 200) == 0 || (errno == EINTR && waiting.revents == 0) {
            if Interrupt.isRequested {
                throw FileSystemError(code: .interrupted, operation: "read", path: path, reason: "interrupted")
            }
        }
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno == EINTR {
                if Interrupt.isRequested {
                    throw FileSystemError(code: .interrupted, operation: "read", path: path, reason: "interrupted")
                }
                continue
            }
            throw error("read", path)
        }
    }

    /// Writes all of `bytes`, looping over short writes.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], _ path: String) throws(FileSystemError) {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(FileSystemError) in try writeAll(fd, raw, path) }
        }
        try result.get()
    }

    /// Writes all of `buffer`, looping over short writes.
    static func writeAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer, _ path: String) throws(FileSystemError) {
        var done = 0
        while done < buffer.count {
            let n = Glibc.write(fd, buffer.baseAddress! + done, buffer.count - done)
            if n >= 0 {
                done += n
            } else if errno != EINTR {
                throw error("write", path)
            }
        }
    }

    static func fsync(_ fd: Int32, _ path: String) throws(FileSystemError) {
        while Glibc.fsync(fd) != 0 {
            // Some file systems (and pipes) do not support fsync; that is not a failure to write.
            if errno == EINVAL || errno == EROFS { return }
            if errno != EINTR { throw error("sync", path) }
        }
    }

    static func rename(_ from: String, _ to: String) throws(FileSystemError) {
        if Glibc.rename(from, to) != 0 { throw error("rename into place", to) }
    }

    static func unlink(_ path: String) {
        _ = Glibc.unlink(path)
    }

    static func mkdir(_ path: String) throws(FileSystemError) {
        if Glibc.mkdir(path, 0o755) != 0 && errno != EEXIST { throw error("create directory", path) }
    }

    /// Removes an empty directory; false when it is not empty or cannot be removed.
    @discardableResult
    static func rmdir(_ path: String) -> Bool { Glibc.rmdir(path) == 0 }

    /// Takes an exclusive advisory lock without waiting; false when another process holds it.
    static func tryLockExclusive(_ fd: Int32, _ path: String) throws(FileSystemError) -> Bool {
        let code = vpcflow_try_lock_exclusive(fd)
        if code == EWOULDBLOCK { return false }
        if code != 0 { throw error("lock", path, errno: code) }
        return true
    }

    static func isatty(_ fd: Int32) -> Bool { Glibc.isatty(fd) != 0 }

    static func getpid() -> Int32 { Glibc.getpid() }
}
