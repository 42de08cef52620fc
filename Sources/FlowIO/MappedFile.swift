import CFlowIO
import Glibc

/// A regular file's bytes, memory-mapped read-only, or read with `pread` where mapping fails or is
/// not wanted.
///
/// **Hazard: SIGBUS.** A mapping is a view of the file, not a copy. If another process truncates the
/// file while it is mapped (a log rotated in place, a sync that rewrites a file, `truncate`),
/// touching a page past the new end raises SIGBUS, and by default the process dies with no report
/// (ripgrep's `searcher/mmap.rs` names the same hazard). vpcflow runs unattended over folders that
/// other programs still write, so every mapping is registered with the SIGBUS guard
/// (`Sources/CFlowIO/mapguard.c`): its handler maps zero pages over the rest of the faulting
/// mapping, counts the fault and returns, and `withBytes` (and `checkIntact()`) then throw "changed
/// while it was being read". Nothing read from a faulted mapping is ever trusted. When the guard's
/// table is full, or it cannot be installed, the file is read with `pread` instead, which sees a
/// shrunken file as a short read: the same error, never a signal. The guard costs nothing per byte:
/// one atomic load per `withBytes` call (BENCHMARKS.md, "The SIGBUS guard").
///
/// A file that is rewritten in place without shrinking, or that grows, raises no signal:
/// `verify()` compares the size and modification time with those seen at opening, for the caller
/// to call once it has read everything it planned. A file replaced by rename (what `aws s3 sync`
/// does) is not a change: the mapping and the descriptor keep the version that was opened.
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
    // the descriptor is only used with pread and fstat, which have no shared file position.
    nonisolated(unsafe) private let base: UnsafeRawPointer?
    private let fd: Int32
    /// The mapping's slot in the SIGBUS guard, or -1 without a mapping.
    private let guardSlot: Int32
    /// Size and modification time at opening, for `verify()`.
    private let openedModification: (seconds: Int, nanoseconds: Int)

    /// Opens `path` and maps it (installing the SIGBUS guard on first use). A file of size zero is valid and has no bytes.
    ///
    /// - Parameter allowMapping: pass `false` to use `pread` (tests compare both paths).
    /// - Throws: `FileSystemError` naming the path when it cannot be opened or is not a regular file.
    /// - Parameter keepDescriptor: keep the descriptor of a mapped file open for `verify()` (the
    ///   default). Pass `false` where many files stay open at once (`classify` opens every input
    ///   first): the mapping alone keeps the file, and `verify()` then knows only the guard's mark.
    /// - Parameter mapAbove: map only a file larger than this; a smaller one is read with `pread`
    ///   (for a file of a few kilobytes, one copy costs less than a mapping).
    public init(
        path: String, allowMapping: Bool = true, keepDescriptor: Bool = true, mapAbove: Int = 0
    ) throws(FileSystemError) {
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
        openedModification = (Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec))
        var slot: Int32 = -1
        var mapping: UnsafeRawPointer?
        if size > max(0, mapAbove), allowMapping, MapGuard.isInstalled,
            let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED
        {
            slot = vpcflow_mapguard_register(mapped, size)
            if slot >= 0 {
                _ = madvise(mapped, size, MADV_SEQUENTIAL)
                mapping = UnsafeRawPointer(mapped)
            } else {
                munmap(mapped, size)  // the guard's table is full: read this one with pread
            }
        }
        base = mapping
        guardSlot = slot
        isMapped = mapping != nil
        if isMapped && !keepDescriptor {
            Syscall.close(fd)
            self.fd = -1
        } else {
            self.fd = fd
        }
    }

    deinit {
        if let base {
            vpcflow_mapguard_unregister(guardSlot)
            munmap(UnsafeMutableRawPointer(mutating: base), count)
        }
        if fd >= 0 { Syscall.close(fd) }
    }

    /// Whether the SIGBUS guard has absorbed a fault in this file's mapping: the file shrank while
    /// it was mapped, and the bytes past its new end read as zeros.
    public var hasFaulted: Bool { guardSlot >= 0 && vpcflow_mapguard_faults(guardSlot) > 0 }

    /// Throws when the mapping has faulted (see `hasFaulted`). Readers that take bytes from the
    /// mapping without `withBytes` (zlib) call it after each read.
    public func checkIntact() throws(FileSystemError) {
        if hasFaulted { throw Self.changedError(path, "file shrank while it was being read (truncated underneath)") }
    }

    /// How the file compares with what was opened, once everything planned has been read.
    public enum Change: Sendable, Equatable {
        /// Same size and modification time (or replaced by rename: the opened version was read).
        case unchanged
        /// Longer than at opening: the first `count` bytes, as opened, were read.
        case grew(to: Int)
        /// Shorter than at opening, or it faulted: what was read cannot be trusted.
        case shrank(to: Int)
        /// Same size, another modification time: rewritten in place while read.
        case modified
    }

    /// Compares the open file's size and modification time with those at opening (one fstat).
    ///
    /// Without a descriptor (`keepDescriptor: false`), only a fault is seen (`.shrank`).
    public func verify() -> Change {
        if fd < 0 { return hasFaulted ? .shrank(to: 0) : .unchanged }
        guard let info = try? Syscall.fstat(fd, path) else { return .modified }
        let size = Int(info.st_size)
        if hasFaulted || size < count { return .shrank(to: size) }
        if size > count { return .grew(to: size) }
        if (Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec)) != openedModification { return .modified }
        return .unchanged
    }

    /// The error for a file that changed while it was read (`.ioError`, exit 74).
    static func changedError(_ path: String, _ reason: String) -> FileSystemError {
        FileSystemError(code: .changed, operation: "read", path: path, reason: reason)
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
            let result = body(Span(_unsafeElements: buffer))
            // A fault inside `body` replaced the rest of the mapping with zeros: `result` was computed
            // from bytes that are not the file's.
            try checkIntact()
            return result
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
            guard n > 0 else { throw Self.changedError(path, "file shrank while it was being read") }
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
