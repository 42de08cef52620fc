import CZlib
import Glibc

/// A file written front to back in one go (generated data sets), optionally gzip-compressed with
/// the system zlib. Not for reports: those use `AtomicFile`.
public final class FileWriter {
    public let path: String
    private let fd: Int32
    /// zlib keeps a pointer back to its z_stream, so the stream lives at one heap address.
    private var deflater: UnsafeMutablePointer<z_stream>?
    private var compressed: [UInt8] = []

    /// Creates (or truncates) `path`.
    /// - Parameters:
    ///   - gzip: compress as one gzip member.
    ///   - level: zlib's compression level, 1 (fastest) to 9; 6 is gzip's default.
    public init(path: String, gzip: Bool = false, level: Int = 6) throws(FileSystemError) {
        self.path = path
        fd = try Syscall.open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if gzip {
            let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            stream.initialize(to: z_stream())
            // 16 + MAX_WBITS: write a gzip header and trailer; memLevel 8 as gzip does.
            guard deflateInit2_(stream, Int32(max(0, min(9, level))), Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                stream.deallocate()
                Syscall.close(fd)
                throw FileSystemError(code: .ioError, operation: "compress", path: path, reason: "cannot start zlib")
            }
            deflater = stream
            compressed = [UInt8](repeating: 0, count: 1 << 18)
        }
    }

    /// Appends `bytes` (compressing them for a gzip writer).
    public func write(_ bytes: [UInt8]) throws(FileSystemError) {
        guard deflater != nil else {
            try Syscall.writeAll(fd, bytes, path)
            return
        }
        try deflate(bytes, finish: false)
    }

    /// Finishes the gzip member (if any) and closes the file.
    public func close() throws(FileSystemError) {
        if deflater != nil {
            try deflate([], finish: true)
            deflateEnd(deflater!)
            deflater!.deallocate()
            deflater = nil
        }
        Syscall.close(fd)
    }

    private func deflate(_ input: [UInt8], finish: Bool) throws(FileSystemError) {
        var input = input
        let count = input.count
        let stream = deflater!
        try input.withUnsafeMutableBufferPointer { (source) throws(FileSystemError) in
            stream.pointee.next_in = source.baseAddress
            stream.pointee.avail_in = uInt(count)
            while true {
                let produced = compressed.withUnsafeMutableBufferPointer { out -> (Int, Int32) in
                    stream.pointee.next_out = out.baseAddress
                    stream.pointee.avail_out = uInt(out.count)
                    let status = CZlib.deflate(stream, finish ? Z_FINISH : Z_NO_FLUSH)
                    return (out.count - Int(stream.pointee.avail_out), status)
                }
                if produced.0 > 0 { try Syscall.writeAll(fd, Array(compressed[0..<produced.0]), path) }
                if finish ? produced.1 == Z_STREAM_END : stream.pointee.avail_in == 0 && stream.pointee.avail_out > 0 { break }
                if produced.1 != Z_OK && produced.1 != Z_BUF_ERROR && produced.1 != Z_STREAM_END {
                    throw FileSystemError(code: .ioError, operation: "compress", path: path, reason: "zlib error \(produced.1)")
                }
            }
        }
    }
}
