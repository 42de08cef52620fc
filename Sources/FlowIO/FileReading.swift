import Glibc

/// Whole-file reads for small inputs (ranges files, label files) and the standard input.
public enum FileReading {
    /// Reads a whole file into memory.
    ///
    /// - Throws: `FileSystemError` naming the path.
    public static func readAll(_ path: String) throws(FileSystemError) -> [UInt8] {
        let file = try MappedFile(path: path, allowMapping: false)
        // One copy of the whole buffer (a byte-at-a-time append cost 13 instructions a byte:
        // 10 ms of every run for the 2.6 MB ranges file). Safe: the buffer is the span's own
        // storage, read only inside the closure.
        return try file.withBytes { span in span.withUnsafeBufferPointer { Array($0) } }
    }

    /// Reads a file descriptor (a pipe, standard input) to its end.
    public static func readAll(fileDescriptor fd: Int32, name: String) throws(FileSystemError) -> [UInt8] {
        var result: [UInt8] = []
        let block = 1 << 20
        var scratch = [UInt8](repeating: 0, count: block)
        while true {
            let n = try scratch.withUnsafeMutableBytes { raw in
                Result { () throws(FileSystemError) in try Syscall.read(fd, raw, name) }
            }.get()
            if n == 0 { return result }
            result.append(contentsOf: scratch[0..<n])
        }
    }

    /// Reads a file that reports no size (procfs, a named pipe) by reading it to its end.
    public static func readToEnd(_ path: String) throws(FileSystemError) -> [UInt8] {
        let fd = try Syscall.open(path, O_RDONLY)
        defer { Syscall.close(fd) }
        return try readAll(fileDescriptor: fd, name: path)
    }

    /// Reads standard input to its end.
    public static func readStandardInput() throws(FileSystemError) -> [UInt8] {
        try readAll(fileDescriptor: 0, name: "<stdin>")
    }

    /// What a path is, without following it further than `stat(2)` does.
    public enum Kind: Sendable, Equatable { case missing, regular, directory, other }

    /// The kind of `path` (following symbolic links).
    public static func kind(of path: String) -> Kind {
        guard let info = Syscall.fileStatus(path) else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        default: return .other
        }
    }

    /// The size of a regular file, or nil.
    public static func size(of path: String) -> Int? {
        guard let info = Syscall.fileStatus(path), (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(info.st_size)
    }

    /// The value of an environment variable, or nil when unset or empty.
    public static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        let text = String(cString: value)
        return text.isEmpty ? nil : text
    }
}

extension FileReading {
    /// Reads from a descriptor into `buffer[offset...]`; returns how many bytes (0 at the end).
    public static func read(fileDescriptor fd: Int32, name: String, into buffer: inout [UInt8], from offset: Int)
        throws(FileSystemError) -> Int
    {
        guard offset < buffer.count else { return 0 }
        return try buffer.withUnsafeMutableBytes { raw in
            Result { () throws(FileSystemError) in
                try Syscall.read(fd, UnsafeMutableRawBufferPointer(rebasing: raw[offset...]), name)
            }
        }.get()
    }
}
