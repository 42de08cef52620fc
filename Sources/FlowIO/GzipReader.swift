import CZlib
import Glibc

/// Inflates gzip data as a stream with the system zlib: never the whole file in memory.
///
/// Multi-member files (several gzip streams one after another, as `cat a.gz b.gz` makes) are read
/// to the end. A stream that is truncated or corrupt throws `FileSystemError` (`.ioError`) naming
/// the path and zlib's reason; whatever was inflated before the damage has already been returned.
///
/// Input comes from a `MappedFile` (zlib reads the mapping directly, no copy) or from a file
/// descriptor (standard input), read in 1 MiB blocks into a buffer the reader owns.
///
/// Not thread-safe: one reader per task.
public final class GzipReader {
    /// Where the compressed bytes come from.
    public enum Source {
        case mapped(MappedFile)
        /// A readable descriptor, plus bytes already read from it (the sniffed magic), which come
        /// first. A negative descriptor reads the prefix only.
        case descriptor(Int32, name: String, prefix: [UInt8])
    }

    private let source: Source
    private let path: String
    /// zlib keeps a pointer back to its z_stream, so the stream lives at one heap address.
    private let stream: UnsafeMutablePointer<z_stream>
    private var finished = false
    /// Mapped input: how far zlib has been given the file.
    private var mappedOffset = 0
    /// Descriptor input: the block zlib reads from, owned by the reader.
    private let inputBuffer: UnsafeMutableRawBufferPointer
    private let prefix: [UInt8]
    private var prefixOffset = 0
    private var inputEnded = false
    /// Set once a member ended with no input left; more input means another member.
    private var memberEnded = false

    /// Whether `bytes` start with the gzip magic (1f 8b).
    public static func isGzip(_ bytes: Span<UInt8>) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    public init(_ source: Source) throws(FileSystemError) {
        self.source = source
        switch source {
        case .mapped(let file):
            path = file.path
            prefix = []
            inputBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: file.isMapped ? 0 : 1 << 20, alignment: 16)
        case .descriptor(_, let name, let bytes):
            path = name
            prefix = bytes
            inputBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        }
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // 16 + MAX_WBITS: expect a gzip header and trailer.
        let status = inflateInit2_(stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            inputBuffer.deallocate()
            stream.deallocate()
            throw failure("cannot start zlib (\(status))")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
        inputBuffer.deallocate()
    }

    /// Fills `buffer[offset...]` with inflated bytes, as many as fit or remain; returns how many
    /// were written (0 only at the end of the data).
    ///
    /// - Throws: `FileSystemError` for corrupt or truncated data, or a read error.
    ///
    /// Bytes inflated before the damage are returned first, and the error is thrown by the next call,
    /// so that what comes out before an error does not depend on the size of the caller's buffer.
    public func read(into buffer: inout [UInt8], from offset: Int) throws(FileSystemError) -> Int {
        if let deferred = deferredError {
            deferredError = nil
            finished = true
            throw deferred
        }
        guard !finished, offset < buffer.count else { return 0 }
        let produced = buffer.withUnsafeMutableBytes { raw in
            inflate(into: UnsafeMutableRawBufferPointer(rebasing: raw[offset...]))
        }
        // A mapping that faulted fed zlib zeros: whatever it made of them (data or a "corrupt" error)
        // is not the file's, and the file is reported as changed while read.
        if case .mapped(let file) = source { try file.checkIntact() }
        if produced == 0, let deferred = deferredError {
            deferredError = nil
            finished = true
            throw deferred
        }
        return produced
    }

    /// An error met by `inflate` after it had produced bytes: thrown by the next `read`.
    private var deferredError: FileSystemError?

    /// Inflates into `buffer` until it is full, the data ends or an error is met (kept in
    /// `deferredError`). Returns bytes produced.
    private func inflate(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        do {
            return try inflateThrowing(into: buffer)
        } catch {
            deferredError = error
            return buffer.count - Int(stream.pointee.avail_out)
        }
    }

    private func inflateThrowing(into buffer: UnsafeMutableRawBufferPointer) throws(FileSystemError) -> Int {
        stream.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(min(buffer.count, Int(UInt32.max)))
        while stream.pointee.avail_out > 0 {
            if stream.pointee.avail_in == 0 {
                guard try feed() else {
                    // No more input: fine after a complete member, truncation otherwise.
                    if memberEnded || (mappedOffset == 0 && isEmptySource) {
                        finished = true
                        break
                    }
                    // zlib may still hold decoded bytes that did not fit the caller's last buffer:
                    // hand them out before calling the stream truncated (fuzz finding F3).
                    let room = stream.pointee.avail_out
                    let status = CZlib.inflate(stream, Z_NO_FLUSH)
                    if status == Z_STREAM_END {
                        memberEnded = true
                        continue
                    }
                    if (status == Z_OK || status == Z_BUF_ERROR) && stream.pointee.avail_out < room { continue }
                    if status != Z_OK && status != Z_BUF_ERROR {
                        let reason = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                        throw failure("corrupt gzip data: \(reason)")
                    }
                    throw failure("unexpected end of file (truncated gzip stream)")
                }
                if memberEnded {
                    // Another member follows; zlib needs a reset to read its header.
                    memberEnded = false
                    inflateReset(stream)
                }
            }
            let status = CZlib.inflate(stream, Z_NO_FLUSH)
            switch status {
            case Z_OK, Z_BUF_ERROR:
                continue
            case Z_STREAM_END:
                if stream.pointee.avail_in > 0 {
                    inflateReset(stream)
                } else {
                    memberEnded = true
                }
            default:
                let reason = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                throw failure("corrupt gzip data: \(reason)")
            }
        }
        return buffer.count - Int(stream.pointee.avail_out)
    }

    private var isEmptySource: Bool {
        if case .mapped(let file) = source { return file.count == 0 }
        return false
    }

    /// Points zlib at more input; false when there is none.
    private func feed() throws(FileSystemError) -> Bool {
        switch source {
        case .mapped(let file):
            guard mappedOffset < file.count else { return false }
            guard let base = file.unsafeBaseAddress else {
                // Not mapped: pread the next block into the reader's own buffer.
                let piece = min(file.count - mappedOffset, inputBuffer.count)
                try file.withBytes(in: mappedOffset..<(mappedOffset + piece)) { span in
                    span.withUnsafeBytes { inputBuffer.copyMemory(from: $0) }
                }
                stream.pointee.next_in = inputBuffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_in = uInt(piece)
                mappedOffset += piece
                return true
            }
            let piece = min(file.count - mappedOffset, 1 << 30)
            // Safe: the mapping lives as long as `file`, which `source` holds; zlib only reads it.
            stream.pointee.next_in = UnsafeMutablePointer(
                mutating: (base + mappedOffset).assumingMemoryBound(to: Bytef.self))
            stream.pointee.avail_in = uInt(piece)
            mappedOffset += piece
            return true
        case .descriptor(let fd, let name, _):
            var count = 0
            if prefixOffset < prefix.count {
                // Bytes read before the reader existed come first, a buffer at a time.
                count = min(prefix.count - prefixOffset, inputBuffer.count)
                prefix.withUnsafeBytes { bytes in
                    inputBuffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[prefixOffset..<(prefixOffset + count)]))
                }
                prefixOffset += count
            } else {
                // A negative descriptor means: the prefix was all there is.
                guard !inputEnded, fd >= 0 else { return false }
                count = try Syscall.read(fd, inputBuffer, name)
                if count == 0 {
                    inputEnded = true
                    return false
                }
            }
            stream.pointee.next_in = inputBuffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_in = uInt(count)
            return true
        }
    }

    private func failure(_ reason: String) -> FileSystemError {
        FileSystemError(code: .ioError, operation: "decompress", path: path, reason: reason)
    }
}
