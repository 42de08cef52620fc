import Glibc

/// Writes files so that readers see either the old content or the whole new content, never a part:
/// the bytes go to a temporary file in the same directory, which is flushed to disk (`fsync`) and
/// then renamed over the destination. An interrupted run leaves at most a `.tmp` file behind, which
/// the next successful write of the same path replaces.
public enum AtomicFile {
    /// Replaces `path` with `bytes`.
    ///
    /// - Throws: `FileSystemError` naming the path; the destination is untouched on failure.
    public static func write(_ bytes: [UInt8], to path: String) throws(FileSystemError) {
        try write([(path, bytes)])
    }

    /// Replaces several files as one step as far as a file system allows: every temporary file is
    /// written and flushed first, and only then are they renamed into place, one after another. A
    /// failure before the renames leaves every destination untouched.
    ///
    /// - Throws: `FileSystemError` naming the path that failed.
    public static func write(_ files: [(path: String, bytes: [UInt8])]) throws(FileSystemError) {
        var written: [(temporary: String, path: String)] = []
        do throws(FileSystemError) {
            for file in files {
                let temporary = "\(file.path).tmp-\(Syscall.getpid())"
                do throws(FileSystemError) {
                    let fd = try Syscall.open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
                    written.append((temporary, file.path))
                    defer { Syscall.close(fd) }
                    try Syscall.writeAll(fd, file.bytes, temporary)
                    try Syscall.fsync(fd, temporary)
                } catch {
                    // Name the file the user asked for, not our temporary one (ENOSPC, EACCES, EROFS).
                    throw FileSystemError(
                        code: error.code, operation: error.operation, path: file.path, errno: error.errno,
                        reason: error.reason)
                }
            }
            for file in written { try Syscall.rename(file.temporary, file.path) }
        } catch {
            for file in written { Syscall.unlink(file.temporary) }
            throw error
        }
        if let first = files.first { syncDirectory(of: first.path) }
    }

    /// Creates `path` and its missing parents, like `mkdir -p`.
    ///
    /// - Returns: the folders it created, outermost first (to remove them again with
    ///   `OutputDirectory.removeIfEmpty` when a run writes nothing).
    @discardableResult
    public static func createDirectory(_ path: String) throws(FileSystemError) -> [String] {
        var created: [String] = []
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            switch FileReading.kind(of: prefix) {
            case .directory: break
            case .missing:
                try Syscall.mkdir(prefix)
                created.append(prefix)
            case .regular, .other:
                throw FileSystemError(code: .wrongKind, operation: "create directory", path: prefix, reason: "File exists")
            }
            prefix += "/"
        }
        return created
    }

    /// Makes the rename durable: fsync of the containing directory. Best effort.
    static func syncDirectory(of path: String) {
        let directory: String
        if let slash = path.lastIndex(of: "/") {
            directory = slash == path.startIndex ? "/" : String(path[..<slash])
        } else {
            directory = "."
        }
        guard let fd = try? Syscall.open(directory, O_RDONLY | O_DIRECTORY) else { return }
        try? Syscall.fsync(fd, directory)
        Syscall.close(fd)
    }
}

/// A file written piece by piece and then put in place at once, for output too large to hold
/// (`vpcflow enrich`): the bytes go to `path.tmp-PID` in the same folder; `commit()` flushes and
/// renames it over `path`; `abandon()` (or dropping the writer uncommitted) removes it, leaving any
/// earlier file at `path` as it was.
public final class AtomicFileWriter {
    public let path: String
    private let temporary: String
    private var fd: Int32

    public init(path: String) throws(FileSystemError) {
        self.path = path
        temporary = "\(path).tmp-\(Syscall.getpid())"
        do throws(FileSystemError) {
            fd = try Syscall.open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        } catch {
            throw FileSystemError(code: error.code, operation: error.operation, path: path, errno: error.errno, reason: error.reason)
        }
    }

    public func write(_ bytes: [UInt8]) throws(FileSystemError) {
        precondition(fd >= 0, "written after commit or abandon")
        do throws(FileSystemError) {
            try Syscall.writeAll(fd, bytes, temporary)
        } catch {
            throw FileSystemError(code: error.code, operation: error.operation, path: path, errno: error.errno, reason: error.reason)
        }
    }

    /// Flushes the file to disk and renames it into place.
    public func commit() throws(FileSystemError) {
        precondition(fd >= 0, "committed twice")
        do throws(FileSystemError) {
            try Syscall.fsync(fd, temporary)
            Syscall.close(fd)
            fd = -1
            try Syscall.rename(temporary, path)
        } catch {
            abandon()
            throw FileSystemError(code: error.code, operation: error.operation, path: path, errno: error.errno, reason: error.reason)
        }
        AtomicFile.syncDirectory(of: path)
    }

    /// Removes the temporary file; `path` is untouched.
    public func abandon() {
        if fd >= 0 {
            Syscall.close(fd)
            fd = -1
        }
        Syscall.unlink(temporary)
    }

    deinit { if fd >= 0 { abandon() } }
}
