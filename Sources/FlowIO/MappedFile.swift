import Glibc

/// A regular file's bytes, memory-mapped read-only, or read with `pread` where mapping fails or is
/// not wanted.
///
/// **Hazard: SIGBUS.** A mapping is a view of the file, not a copy. If another process truncates the
/// file while it is mapped, touching a page past the new end raises SIGBUS and the process dies; no
/// Swift error can be thrown. vpcflow reads flow logs that are complete and at rest (synced from S3),
/// so the risk is accepted for speed; a file that is still being written should be piped through
/// standard input (`cat file | vpcflow ... -`), which is read with `read(2)` into owned memory.
///
/// The mapping is advised `MADV_SEQUENTIAL` (read ahead, drop behind). Callers that finish a region
/// `release(_:)` it so resident memory stays bounded on files larger than RAM.
///
/// Without a mapping, each `withBytes(in:)` reads its range with `pread` into a buffer of its own:
/// the same results, one copy more, and memory bounded by the ranges asked for.
///
/// Deliberately absent: writing, remapping a file that grows, and anything that is not a regular
/// file (pipes and character devices are read as streams).
public final class MappedFile: Sendable {
    /// The path, as given.
    public let path: String
    /// The file's size in bytes when it was opened.
    public let count: Int
    /// Whether the bytes are a mapping (`true`) or read on demand with `pread` (`false`).
    public let isMapped: Bool

    // Safe to share: the memory is read-only for the object's whole life and unmapped in `deinit`;
    // the descriptor is only used with pread, which has no shared file position.
    nonisolated(unsafe) private let base: UnsafeRawPointer?
    private let fd: Int32

    /// Opens `path` and maps it. A file of size zero is valid and has no bytes.
    ///
    /// - Parameter allowMapping: pass `false` to use `pread` (tests compare both paths).
    /// - Throws: `FileSystemError` naming the path when it cannot be opened or is not a regular file.
    public init(path: String, allowMapping: Bool = true) throws(FileSystemError) {
        self.path = path
        let fd = try Syscall.open(path, O_RDONLY)
        let info: Glibc.stat
        do {
            info = try Syscall.fstat(fd, path)
        } catch {
            Syscall.close(fd)
            throw error
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            Syscall.close(fd)
            let isDirectory = (info.st_mode & S_IFMT) == S_IFDIR
            throw FileSystemError(
                code: .wrongKind, operation: "read", path: path,
                reason: isDirectory ? "is a directory" : "is not a regular file")
        }
        let size = Int(info.st_size)
        count = size
        if size > 0, allowMapping, let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED {
            _ = madvise(mapped, size, MADV_SEQUENTIAL)
            base = UnsafeRawPointer(mapped)
            isMapped = true
            Syscall.close(fd)  // the mapping keeps the file
            self.fd = -1
        } else {
            base = nil
            isMapped = false
            self.fd = fd
        }
    }

    deinit {
        if let base { munmap(UnsafeMutableRawPointer(mutating: base), count) }
        if fd >= 0 { Syscall.close(fd) }
    }

    /// Calls `body` with the bytes in `range` of the file. The span must not escape `body`.
    ///
    /// - Precondition: `range` lies within `0..<count`.
    /// - Throws: `FileSystemError` when the `pread` path cannot read the range (the file shrank).
    public func withBytes<R>(in range: Range<Int>, _ body: (Span<UInt8>) -> R) throws(FileSystemError) -> R {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "range outside the file")
        if range.isEmpty { return body(Span<UInt8>()) }
        if let base {
            // Safe: `base` is valid for `count` bytes for the life of `self`, which outlives the
            // call, and the span cannot escape the closure.
            let buffer = UnsafeBufferPointer(
                start: (base + range.lowerBound).assumingMemoryBound(to: UInt8.self), count: range.count)
            return body(Span(_unsafeElements: buffer))
        }
        var bytes = [UInt8](repeating: 0, count: range.count)
        var done = 0
        while done < range.count {
            let n = try bytes.withUnsafeMutableBytes { raw in
                Result { () throws(FileSystemError) in
                    try Syscall.pread(
                        fd, UnsafeMutableRawBufferPointer(rebasing: raw[done...]), range.lowerBound + done, path)
                }
            }.get()
            guard n > 0 else {
                throw FileSystemError(
                    code: .ioError, operation: "read", path: path, reason: "file shrank while it was being read")
            }
            done += n
        }
        return body(bytes.span)
    }

    /// Calls `body` with every byte of the file.
    public func withBytes<R>(_ body: (Span<UInt8>) -> R) throws(FileSystemError) -> R {
        try withBytes(in: 0..<count, body)
    }

    /// The first byte of the mapping, for FlowIO's streaming readers (zlib input); nil without one.
    var unsafeBaseAddress: UnsafeRawPointer? { base }

    /// Tells the kernel that `range` will not be read again, so its pages can leave memory.
    /// Does nothing without a mapping.
    public func release(_ range: Range<Int>) {
        guard let base, !range.isEmpty else { return }
        // madvise needs a page-aligned start; round inward so that no page shared with a
        // neighbouring range that another task may still be reading is dropped.
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (range.lowerBound + page - 1) / page * page
        let end = range.upperBound == count ? count : range.upperBound / page * page
        guard start < end else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: base + start), end - start, MADV_DONTNEED)
    }
}
