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
        let temporary = "\(path).tmp-\(Syscall.getpid())"
        let fd = try Syscall.open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        do {
            try Syscall.writeAll(fd, bytes, temporary)
            try Syscall.fsync(fd, temporary)
            Syscall.close(fd)
            try Syscall.rename(temporary, path)
        } catch {
            Syscall.close(fd)
            Syscall.unlink(temporary)
            throw error
        }
        syncDirectory(of: path)
    }

    /// Creates `path` and its missing parents, like `mkdir -p`.
    public static func createDirectory(_ path: String) throws(FileSystemError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if FileReading.kind(of: prefix) != .directory { try Syscall.mkdir(prefix) }
            prefix += "/"
        }
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
