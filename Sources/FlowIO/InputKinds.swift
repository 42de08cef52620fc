import Dispatch
import Glibc

/// What the command line needs to know about an input path beyond `FileReading.kind`: which file
/// it is (to read a file given twice only once), and whether it is a stream (a named pipe, a
/// socket, a process substitution such as `<(zcat x.gz)`) or a device.
public enum InputKinds {
    /// A file's identity: the device and inode `stat(2)` reports, after following links.
    public struct Identity: Hashable, Sendable {
        public let device: UInt64
        public let inode: UInt64
    }

    /// The identity of the file at `path`, or nil when it cannot be stat'ed.
    public static func identity(of path: String) -> Identity? { status(path)?.identity }

    /// What one `stat(2)` says of an input: which file it is, its size when it is a regular file,
    /// and how it is read when it is neither a regular file nor a directory.
    public struct Status: Sendable {
        public let identity: Identity
        public let size: Int?
        public let special: Special?
    }

    /// `status` of every path, stat'ed on every core: a listed folder of 20,000 files would
    /// otherwise spend its first tenth of a second stat'ing them one after another.
    public static func statuses(_ paths: [String]) -> [Status?] {
        guard paths.count >= 512 else { return paths.map(status) }
        var result = [Status?](repeating: nil, count: paths.count)
        let pieces = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) * 4
        result.withUnsafeMutableBufferPointer { buffer in
            // Safe: each iteration writes only its own slice of `buffer`, which outlives the call.
            nonisolated(unsafe) let slots = buffer
            DispatchQueue.concurrentPerform(iterations: pieces) { piece in
                let start = paths.count * piece / pieces
                let end = paths.count * (piece + 1) / pieces
                for i in start..<end { slots[i] = status(paths[i]) }
            }
        }
        return result
    }

    /// One `stat(2)` of `path` (following links); nil when it cannot be stat'ed.
    public static func status(_ path: String) -> Status? {
        guard let info = Syscall.fileStatus(path) else { return nil }
        return Status(
            identity: Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)),
            size: (info.st_mode & S_IFMT) == S_IFREG ? Int(info.st_size) : nil, special: kind(info))
    }

    /// How an input that is neither a regular file nor a directory is read.
    public enum Special: Sendable, Equatable {
        /// A FIFO or a socket: read with read(2) to its end, like standard input.
        case stream
        /// A character or block device (`/dev/zero`, a disk): refused, since a device may never
        /// end and is no log file.
        case device
    }

    private static func kind(_ info: Glibc.stat) -> Special? {
        switch info.st_mode & S_IFMT {
        case S_IFIFO, S_IFSOCK: return .stream
        case S_IFCHR, S_IFBLK: return .device
        default: return nil
        }
    }

    /// Opens a stream input for reading.
    public static func openStream(_ path: String) throws(FileSystemError) -> Int32 {
        try Syscall.open(path, O_RDONLY)
    }

    public static func close(_ fd: Int32) { Syscall.close(fd) }
}
