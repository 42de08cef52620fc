import FlowIO

/// Reads a byte stream (a gzip stream, or standard input) as successive blocks of whole lines, in
/// one reusable buffer: the partial line at the end of a block is carried to the front of the next.
/// The block rule is the chunk rule of `ChunkPlan`: a block ends just after a newline, or at the end
/// of the data; a line longer than the buffer grows the buffer, up to the line limit (`LineLimit`): of
/// a longer line only the first `lineLimit + 1` bytes are kept (the scanner counts it as malformed), so
/// memory stays bounded whatever the stream holds.
struct LineBlockReader {
    enum Stream {
        case gzip(GzipReader)
        case descriptor(Int32, name: String)
    }

    private let stream: Stream
    private let lineLimit: Int
    private(set) var buffer: [UInt8]
    private var filled: Int
    private var blockEnd = 0
    private var ended = false
    /// Bytes read from the underlying stream so far (decompressed for gzip).
    private(set) var bytesRead = 0

    /// - Parameters:
    ///   - blockSize: the buffer's initial size.
    ///   - prefix: bytes already read from the stream (sniffed), delivered first.
    ///   - buffer: a buffer to read in (one given back by an earlier block), so that a stream of a
    ///     few kilobytes does not allocate and zero a block-sized buffer; resized to `blockSize`.
    init(
        _ stream: Stream, blockSize: Int, lineLimit: Int = LineLimit.bytes, prefix: [UInt8] = [],
        buffer: consuming [UInt8] = []
    ) {
        self.stream = stream
        self.lineLimit = lineLimit
        self.buffer = Self.sized(buffer, max(blockSize, prefix.count, 2))
        if !prefix.isEmpty { self.buffer.replaceSubrange(0..<prefix.count, with: prefix) }
        filled = prefix.count
        bytesRead = prefix.count
    }

    /// `buffer` made `size` bytes long (grown with zeros or cut), in place when it is not shared.
    private static func sized(_ buffer: consuming [UInt8], _ size: Int) -> [UInt8] {
        var buffer = buffer
        if buffer.isEmpty { return [UInt8](repeating: 0, count: size) }
        if buffer.count < size { buffer += repeatElement(0, count: size - buffer.count) }
        if buffer.count > size { buffer.removeLast(buffer.count - size) }
        return buffer
    }

    /// Moves `count` bytes of `buffer` from `source` down to `target` (`target <= source`), in place.
    @inline(__always)
    private static func move(_ buffer: inout [UInt8], from source: Int, to target: Int, count: Int) {
        precondition(target <= source && source + count <= buffer.count)
        var bytes = buffer.mutableSpan
        for i in 0..<count { bytes[target + i] = bytes[source + i] }
    }

    /// The next block's range in `buffer`, valid until the next call; nil at the end.
    mutating func next() throws(FileSystemError) -> Range<Int>? {
        if blockEnd > 0 {
            // Carry the partial line to the front.
            let carry = filled - blockEnd
            if carry > 0 { Self.move(&buffer, from: blockEnd, to: 0, count: carry) }
            filled = carry
            blockEnd = 0
        }
        while true {
            while !ended && filled < buffer.count {
                let n: Int
                switch stream {
                case .gzip(let reader): n = try reader.read(into: &buffer, from: filled)
                case .descriptor(let fd, let name):
                    n = try FileReading.read(fileDescriptor: fd, name: name, into: &buffer, from: filled)
                }
                if n == 0 { ended = true }
                filled += n
                bytesRead += n
            }
            if filled == 0 { return nil }
            var last = filled - 1
            while last >= 0 && buffer[last] != 0x0A { last -= 1 }
            if last >= 0 {
                blockEnd = last + 1
                return 0..<blockEnd
            }
            if ended {
                blockEnd = filled
                return 0..<filled
            }
            if filled > lineLimit {
                // The buffer holds one line longer than the limit: keep its first limit + 1 bytes
                // (enough for the scanner to judge it "line longer than ..."), drop the rest up
                // to its newline.
                try skipRestOfLine()
                continue
            }
            // A line longer than the buffer, still within the limit: grow and read on.
            buffer += [UInt8](repeating: 0, count: min(buffer.count, lineLimit + (64 << 10) - buffer.count))
        }
    }

    /// Reads on past the first `lineLimit + 1` bytes of the buffer's one line, discarding,
    /// until its newline (moved, with what follows it, to just after the kept bytes) or the end.
    private mutating func skipRestOfLine() throws(FileSystemError) {
        let kept = lineLimit + 1
        filled = kept
        if buffer.count < kept + (64 << 10) { buffer += [UInt8](repeating: 0, count: kept + (64 << 10) - buffer.count) }
        while true {
            let n: Int
            switch stream {
            case .gzip(let reader): n = try reader.read(into: &buffer, from: kept)
            case .descriptor(let fd, let name): n = try FileReading.read(fileDescriptor: fd, name: name, into: &buffer, from: kept)
            }
            bytesRead += n
            if n == 0 {
                ended = true
                return
            }
            if let newline = buffer[kept..<(kept + n)].firstIndex(of: 0x0A) {
                let rest = kept + n - newline
                Self.move(&buffer, from: newline, to: kept, count: rest)
                filled = kept + rest
                return
            }
        }
    }

    /// The buffer, for another stream to use, once this one is finished: the reader keeps none.
    mutating func giveUpBuffer() -> [UInt8] {
        var out: [UInt8] = []
        swap(&buffer, &out)
        filled = 0
        blockEnd = 0
        ended = true
        return out
    }

    /// The gzip reader, when the stream is gzip (for tests).
    var gzipReader: GzipReader? {
        if case .gzip(let reader) = stream { return reader }
        return nil
    }

    /// Whether the stream is used up: the next `next()` returns nil.
    var isFinished: Bool { ended && filled == blockEnd }

    /// Hands out the buffer that holds the block `next()` just returned (its bytes `0..<range`
    /// upper bound) and reads on in `fresh`: the partial line after the block is moved to its front.
    /// So a block goes to another task without a copy; `fresh` is a buffer that such a task gave
    /// back (any size: it is made the reader's buffer size).
    mutating func takeBlock(replacingWith fresh: consuming [UInt8]) -> [UInt8] {
        // The same size as the buffer it replaces, so that blocks do not depend on which buffer
        // came back.
        var next = Self.sized(fresh, buffer.count)
        let carry = filled - blockEnd
        do {
            var target = next.mutableSpan
            let source = buffer.span
            for i in 0..<carry { target[i] = source[blockEnd + i] }
        }
        filled = carry
        blockEnd = 0
        swap(&buffer, &next)
        return next
    }
}
