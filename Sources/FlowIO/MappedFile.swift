import Glibc

/// A regular file's bytes, memory-mapped read-only, or read into memory where mapping fails.
///
/// **Hazard: SIGBUS.** A mapping is a view of the file, not a copy. If another process truncates the
/// file while it is mapped, touching a page past the new end raises SIGBUS and the process dies; no
/// Swift error can be thrown. vpcflow reads flow logs that are complete and at rest (synced from S3),
/// so the risk is accepted for speed; a file that is still being written should be piped through
/// standard input (`cat file | vpcflow ... -`), which is read with `read(2)` into owned memory.
///
/// The mapping is advised `MADV_SEQUENTIAL` (read ahead, drop behind). Callers that finish a region
/// can `release(_:)` it so resident memory stays bounded on files larger than RAM.
///
/// Deliberately absent: writing, remapping a file that grows, and mapping anything that is not a
/// regular file (pipes and character devices go through `StreamReader`).
public final class MappedFile: Sendable {
    /// The path, as given.
    public let path: String
    /// The file's size in bytes when it was opened.
    public let count: Int
    /// Whether the bytes are a mapping (`true`) or an owned copy read with `pread` (`false`).
    public let isMapped: Bool

    // Safe to share: the memory is read-only for the object's whole life and unmapped in `deinit`.
    nonisolated(unsafe) private let base: UnsafeRawPointer?

    /// Opens and maps `path`. A file of size zero is valid and has no bytes.
    ///
    /// - Parameter allowMapping: pass `false` to force the `pread` path (tests compare both).
    /// - Throws: `FileSystemError` naming the path when it cannot be opened, is not a regular file,
    ///   or cannot be read.
    public init(path: String, allowMapping: Bool = true) throws(FileSystemError) {
        self.path = path
        let fd = try Syscall.open(path, O_RDONLY)
        defer { Syscall.close(fd) }
        let info = try Syscall.fstat(fd, path)
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            let isDirectory = (info.st_mode & S_IFMT) == S_IFDIR
            throw FileSystemError(
                code: .wrongKind, operation: "read", path: path,
                reason: isDirectory ? "is a directory" : "is not a regular file")
        }
        let size = Int(info.st_size)
        count = size
        if size == 0 {
            base = nil
            isMapped = false
            return
        }
        if allowMapping, let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED {
            _ = madvise(mapped, size, MADV_SEQUENTIAL)
            base = UnsafeRawPointer(mapped)
            isMapped = true
            return
        }
        // Fallback: read the whole file into owned memory with pread.
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
        var done = 0
        do {
            while done < size {
                let n = try Syscall.pread(fd, UnsafeMutableRawBufferPointer(rebasing: buffer[done...]), done, path)
                if n == 0 { break }
                done += n
            }
        } catch {
            buffer.deallocate()
            throw error
        }
        guard done == size else {
            buffer.deallocate()
            throw FileSystemError(
                code: .ioError, operation: "read", path: path, reason: "file shrank while it was being read")
        }
        base = UnsafeRawPointer(buffer.baseAddress)
        isMapped = false
    }

    deinit {
        guard let base else { return }
        if isMapped {
            munmap(UnsafeMutableRawPointer(mutating: base), count)
        } else {
            UnsafeMutableRawPointer(mutating: base).deallocate()
        }
    }

    /// Calls `body` with the bytes in `range` of the file. The span must not escape `body`.
    ///
    /// - Precondition: `range` lies within `0..<count`.
    public func withBytes<R, E: Error>(
        in range: Range<Int>, _ body: (Span<UInt8>) throws(E) -> R
    ) throws(E) -> R {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "range outside the file")
        guard let base, !range.isEmpty else {
            return try body(Span<UInt8>())
        }
        // Safe: `base` is valid for `count` bytes for the life of `self`, which outlives the call,
        // and the span cannot escape the closure.
        let buffer = UnsafeBufferPointer(
            start: (base + range.lowerBound).assumingMemoryBound(to: UInt8.self), count: range.count)
        return try body(Span(_unsafeElements: buffer))
    }

    /// Calls `body` with every byte of the file.
    public func withBytes<R, E: Error>(_ body: (Span<UInt8>) throws(E) -> R) throws(E) -> R {
        try withBytes(in: 0..<count, body)
    }

    /// Tells the kernel that `range` will not be read again, so its pages can leave memory.
    /// Does nothing for the `pread` fallback (the copy is owned and freed with the object).
    public func release(_ range: Range<Int>) {
        guard isMapped, let base, !range.isEmpty else { return }
        // madvise needs a page-aligned start; round inward so no byte of a neighbouring chunk is
        // dropped while another task may still read it (dropping is harmless but costs a re-read).
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (range.lowerBound + page - 1) / page * page
        let end = range.upperBound == count ? count : range.upperBound / page * page
        guard start < end else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: base + start), end - start, MADV_DONTNEED)
    }
}
