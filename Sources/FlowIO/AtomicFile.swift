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
    private static func syncDirectory(of path: String) {
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
