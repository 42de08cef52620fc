import Glibc

/// Lists the files an input directory holds.
public enum DirectoryWalk {
    /// Every regular file below `root` (following symbolic links to files, not to directories),
    /// plus every symbolic link that leads nowhere (dangling, or a loop), which the caller fails to
    /// open and reports by name;
    /// hidden names (starting with `.`) skipped at every level, sorted by path (byte order) so runs
    /// are reproducible. The S3 layout `AWSLogs/<account>/vpcflowlogs/<region>/YYYY/MM/DD/` comes out
    /// in date order.
    ///
    /// - Throws: `FileSystemError` naming the first directory that cannot be read.
    public static func regularFiles(under root: String) throws(FileSystemError) -> [String] {
        var files: [String] = []
        var pending = [root]
        while let directory = pending.popLast() {
            guard let handle = opendir(directory) else { throw Syscall.error("read directory", directory) }
            defer { closedir(handle) }
            while let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
                }
                if name.hasPrefix(".") { continue }
                let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
                // The entry's type from readdir where the file system gives it: a regular file or
                // a directory needs no stat (a link or an unknown type is stat'ed, as below).
                switch Int32(entry.pointee.d_type) {
                case Int32(DT_REG):
                    files.append(path)
                    continue
                case Int32(DT_DIR):
                    pending.append(path)
                    continue
                default: break
                }
                var info = Glibc.stat()
                // A dangling link or a link loop: listed, so that opening it names it as an input
                // that cannot be read instead of dropping it without a word.
                guard stat(path, &info) == 0 else {
                    files.append(path)
                    continue
                }
                switch info.st_mode & S_IFMT {
                case S_IFREG: files.append(path)
                case S_IFDIR:
                    var linkInfo = Glibc.stat()
                    if lstat(path, &linkInfo) == 0, (linkInfo.st_mode & S_IFMT) == S_IFDIR { pending.append(path) }
                default: continue
                }
            }
        }
        return files.sorted(by: ByteOrder.precedes)
    }
}
