import CIsal
import CZlib
import Glibc

/// Inflates gzip data as a stream, with zlib or ISA-L (`Inflater`): never the whole file in memory.
///
/// Multi-member files (several gzip streams one after another, as `cat a.gz b.gz` makes) are read
/// to the end. A stream that is truncated or corrupt throws `FileSystemError` (`.ioError`) naming
/// the path and the reason; whatever was inflated before the damage has already been returned.
///
/// Input comes from a `MappedFile` (the decoder reads the mapping directly, no copy, 4 MiB at a
/// time; the pages it has consumed are released, so resident memory stays flat however large the
/// file) or from a file descriptor (standard input), read in 1 MiB blocks into a buffer the reader
/// owns.
///
/// **ISA-L answers as zlib does.** ISA-L decodes a member only when its first four bytes are what
/// zlib accepts (magic, method 8, no reserved flag bits: ISA-L ignores those bits, zlib refuses
/// them); otherwise zlib decodes it. When ISA-L fails on a member of a file (corrupt, a bad
/// trailer, or truncated), the member is decoded again by zlib from its start, the bytes ISA-L had
/// already returned are skipped, and zlib goes on: the bytes returned and the error are zlib's,
/// whatever the buffer size (`GzipInflaterDifferentialTests`). A descriptor cannot be read twice:
/// there the error names ISA-L's reason and can come a few bytes earlier or later than zlib's.
///
/// Not thread-safe: one reader per task; `restart(_:)` reuses one for the next source.
public final class GzipReader {
    /// Where the compressed bytes come from.
    public enum Source {
        case mapped(MappedFile)
        /// A readable descriptor, plus bytes already read from it (the sniffed magic), which come
        /// first. A negative descriptor reads the prefix only.
        case descriptor(Int32, name: String, prefix: [UInt8])
    }

    /// The inflater asked for; members ISA-L cannot take are read with zlib.
    public let inflater: Inflater
    private var source: Source
    private var path: String
    private var prefix: [UInt8]

    /// zlib's stream, made on first use (zlib keeps a pointer back to it: one heap address).
    private var zlib: UnsafeMutablePointer<z_stream>?
    /// ISA-L's state (87 KB), made by `init` when `inflater` is `.isal`.
    private var isal: UnsafeMutablePointer<vpcflow_isal_inflate_state>?
    private let isalFunctions: ISAL.Functions?

    /// Descriptor input, or a file read with pread: the block the decoder reads from.
    private var inputBuffer = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    /// Where replayed bytes that were already returned are inflated to and dropped.
    private var scratch = UnsafeMutableRawBufferPointer(start: nil, count: 0)

    /// The input not yet consumed by the decoder.
    private var inNext: UnsafePointer<UInt8>?
    private var inAvail = 0
    /// File sources: the offset just past the input handed out so far, and how far it is released.
    private var fedTo = 0
    private var releasedTo = 0
    private var prefixOffset = 0
    private var inputEnded = false

    /// The decoder of the current member; nil between members.
    private var decoder: Inflater?
    /// Set once a member ended with no input left; more input means another member.
    private var memberEnded = false
    /// File sources: where the current member starts, and the bytes ISA-L returned of it.
    private var memberStart = 0
    private var memberDelivered = 0
    /// Bytes zlib inflates and drops before returning any (a member replayed after ISA-L failed).
    private var skip = 0
    /// File sources under ISA-L: its output waits here until it is `isalLag` bytes behind what
    /// ISA-L has decoded, or the member's trailer has been checked (`memberChecked`), because
    /// ISA-L is more lenient than zlib (it decodes with code sets zlib refuses, and goes on
    /// for a while past a distance zlib calls too far back): the bytes it returns past zlib's
    /// stopping point could not be taken back.
    private var pending = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    private var pendingStart = 0
    private var pendingEnd = 0
    private var memberChecked = false
    static let isalLag = 256 << 10
    private var finished = false
    /// Bytes written to the caller's buffer by the current `read`.
    private var produced = 0
    /// An error met by `inflate` after it had produced bytes: thrown by the next `read`.
    private var deferredError: FileSystemError?

    /// Members that ISA-L failed on and zlib read again (for tests).
    private(set) var replayedMembers = 0
    /// Members begun with ISA-L (the others with zlib), for tests.
    public private(set) var isalMembers = 0

    /// How much of a mapping the decoder is given at once; released once consumed.
    static let mappedPiece = 4 << 20

    /// Whether `bytes` start with the gzip magic (1f 8b).
    public static func isGzip(_ bytes: Span<UInt8>) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// - Parameter inflater: `.isal` needs ISA-L loaded (`InflaterChoice.resolved`).
    /// - Throws: `FileSystemError` when the inflater cannot start (no ISA-L, zlib out of memory).
    public init(_ source: Source, inflater: Inflater = .zlib) throws(FileSystemError) {
        self.inflater = inflater
        self.source = source
        (path, prefix) = Self.describe(source)
        if inflater == .isal {
            guard let functions = ISAL.functions else {
                isalFunctions = nil
                throw failure("ISA-L cannot be loaded (\(ISAL.unavailableReason ?? ISAL.libraryName))")
            }
            isalFunctions = functions
            let state = UnsafeMutablePointer<vpcflow_isal_inflate_state>.allocate(capacity: 1)
            functions.initialize(state)
            isal = state
        } else {
            isalFunctions = nil
            _ = try zlibStream()
        }
        prepareInput()
    }

    deinit {
        if let zlib {
            inflateEnd(zlib)
            zlib.deallocate()
        }
        isal?.deallocate()
        inputBuffer.deallocate()
        scratch.deallocate()
        pending.deallocate()
    }

    /// Starts over on `source` with the same decoder state (no new zlib or ISA-L state, no new
    /// buffers unless the new source needs one this reader lacks): what a task does between files.
    public func restart(_ source: Source) throws(FileSystemError) {
        self.source = source
        (path, prefix) = Self.describe(source)
        inNext = nil
        inAvail = 0
        fedTo = 0
        releasedTo = 0
        prefixOffset = 0
        inputEnded = false
        decoder = nil
        memberEnded = false
        memberStart = 0
        memberDelivered = 0
        skip = 0
        pendingStart = 0
        pendingEnd = 0
        finished = false
        deferredError = nil
        prepareInput()
    }

    private static func describe(_ source: Source) -> (String, [UInt8]) {
        switch source {
        case .mapped(let file): (file.path, [])
        case .descriptor(_, let name, let bytes): (name, bytes)
        }
    }

    /// A 1 MiB input block for sources that are read, not mapped.
    private func prepareInput() {
        let needsBuffer: Bool
        if case .mapped(let file) = source { needsBuffer = !file.isMapped } else { needsBuffer = true }
        if needsBuffer && inputBuffer.count == 0 {
            inputBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        }
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
        // A mapping that faulted fed the decoder zeros: whatever it made of them (data or a
        // "corrupt" error) is not the file's, and the file is reported as changed while read.
        if case .mapped(let file) = source { try file.checkIntact() }
        if produced == 0, let deferred = deferredError {
            deferredError = nil
            finished = true
            throw deferred
        }
        return produced
    }

    /// Inflates into `buffer` until it is full, the data ends or an error is met (kept in
    /// `deferredError`). Returns bytes produced.
    private func inflate(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        produced = 0
        do {
            try inflateThrowing(into: buffer)
        } catch {
            deferredError = error
        }
        return produced
    }

    /// What one call of a decoder did.
    private enum Step {
        case going
        case memberEnd
        case failed(String)
    }

    private static let truncated = "unexpected end of file (truncated gzip stream)"

    private func inflateThrowing(into buffer: UnsafeMutableRawBufferPointer) throws(FileSystemError) {
        let start = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        while produced < buffer.count {
            var atEnd = false
            if inAvail == 0 {
                if try feed() {
                    memberEnded = false  // more input after a member: another member follows
                } else {
                    atEnd = true
                }
            }
            if decoder == nil {
                if atEnd {
                    // No more input: fine after a complete member, and for an empty file.
                    if memberEnded || isEmptySource {
                        finished = true
                        return
                    }
                    throw failure(Self.truncated)
                }
                try startMember()
            }
            let room = buffer.count - produced
            let (step, moved) =
                if decoder == .isal { isalStep(start + produced, room) } else { try zlibStep(start + produced, room) }
            switch step {
            case .memberEnd:
                decoder = nil
                skip = 0
                if inAvail == 0 { memberEnded = true }
            case .failed(let reason):
                try recover("corrupt gzip data: \(reason)")
            case .going:
                // At the end of the input a decoder may still hold decoded bytes that did not fit
                // the caller's last buffer: they come out first (fuzz finding F3). Once it moves
                // no more, the member is truncated. (With input left, a decoder always moves.)
                if !moved { try recover(Self.truncated) }
            }
        }
    }

    /// Picks the decoder of the member that starts at the next input byte, and resets it.
    private func startMember() throws(FileSystemError) {
        memberStart = fedTo - inAvail
        memberDelivered = 0
        memberChecked = false
        pendingStart = 0
        pendingEnd = 0
        if inflater == .isal, let isal, let isalFunctions, try headerSuitsIsal() {
            isalFunctions.reset(isal)
            isal.pointee.crc_flag = UInt32(VPCFLOW_ISAL_GZIP)
            decoder = .isal
            isalMembers += 1
        } else {
            inflateReset(try zlibStream())
            decoder = .zlib
        }
    }

    /// Whether the member's first four bytes are ones zlib accepts: 1f 8b, method 8 (deflate), no
    /// reserved flag bits. ISA-L ignores reserved bits and would inflate a member zlib refuses.
    /// Fewer than four bytes at hand on a descriptor: zlib decides.
    private func headerSuitsIsal() throws(FileSystemError) -> Bool {
        func suits(_ b0: UInt8, _ b1: UInt8, _ b2: UInt8, _ b3: UInt8) -> Bool {
            b0 == 0x1F && b1 == 0x8B && b2 == 8 && b3 & 0xE0 == 0
        }
        if inAvail >= 4, let inNext { return suits(inNext[0], inNext[1], inNext[2], inNext[3]) }
        guard case .mapped(let file) = source, memberStart + 4 <= file.count else { return false }
        return try file.withBytes(in: memberStart..<(memberStart + 4)) { suits($0[0], $0[1], $0[2], $0[3]) }
    }

    /// After ISA-L failed on a member of a file: zlib reads the member again from its start and
    /// drops the bytes ISA-L returned. Otherwise `reason` is thrown.
    private func recover(_ reason: String) throws(FileSystemError) {
        guard decoder == .isal, case .mapped = source else {
            let named = decoder == .isal ? reason + " (ISA-L)" : reason
            throw failure(named)
        }
        inflateReset(try zlibStream())
        decoder = .zlib
        skip = memberDelivered
        pendingStart = 0
        pendingEnd = 0
        fedTo = memberStart
        inNext = nil
        inAvail = 0
        memberEnded = false
        replayedMembers += 1
    }

    /// One call of zlib into `room` bytes at `out` (or into the scratch buffer while skipping).
    private func zlibStep(_ out: UnsafeMutablePointer<UInt8>, _ room: Int) throws(FileSystemError) -> (Step, Bool) {
        let stream = try zlibStream()
        let skipping = skip > 0
        if skipping && scratch.count == 0 {
            scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 16)
        }
        let target = skipping ? scratch.baseAddress!.assumingMemoryBound(to: UInt8.self) : out
        let space = skipping ? min(skip, scratch.count) : min(room, Int(UInt32.max))
        // Safe: zlib only reads the input (the mapping or the reader's block), and writes at most
        // `space` bytes at `target`, which the caller's buffer or the scratch buffer holds.
        stream.pointee.next_in = UnsafeMutablePointer(mutating: inNext)
        stream.pointee.avail_in = uInt(inAvail)
        stream.pointee.next_out = target
        stream.pointee.avail_out = uInt(space)
        let status = CZlib.inflate(stream, Z_NO_FLUSH)
        let consumed = inAvail - Int(stream.pointee.avail_in)
        inNext = UnsafePointer(stream.pointee.next_in)
        inAvail = Int(stream.pointee.avail_in)
        let made = space - Int(stream.pointee.avail_out)
        if skipping { skip -= made } else { produced += made }
        switch status {
        case Z_STREAM_END:
            return (.memberEnd, true)
        case Z_OK, Z_BUF_ERROR:
            return (.going, consumed > 0 || made > 0)
        default:
            return (.failed(stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(status)"), true)
        }
    }

    /// One step of ISA-L: from a file, into the caller's buffer with the last `isalLag` bytes kept
    /// back in `pending` (or through `pending` while bytes wait there); from a descriptor, straight
    /// into the caller's buffer.
    private func isalStep(_ out: UnsafeMutablePointer<UInt8>, _ room: Int) -> (Step, Bool) {
        guard case .mapped = source else { return isalDecode(out, room) }
        let waiting = pendingEnd - pendingStart
        let free = memberChecked ? waiting : waiting - Self.isalLag
        if free > 0 {
            let n = min(free, room)
            out.update(from: pending.baseAddress!.assumingMemoryBound(to: UInt8.self) + pendingStart, count: n)
            pendingStart += n
            produced += n
            memberDelivered += n
            return (.going, true)
        }
        if memberChecked { return (.memberEnd, true) }
        if pending.count == 0 {
            pending = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.isalLag + (1 << 20), alignment: 16)
        }
        if waiting == 0 && room > Self.isalLag {
            // Nothing waits: decode straight into the caller's buffer and keep back only the last
            // `isalLag` bytes (copied to `pending`), or none once the trailer is checked. A member
            // that fits the room (a small file) is never copied; a long one, 256 KiB per call.
            let before = (produced, memberDelivered)
            let (step, moved) = isalDecode(out, room)
            let made = produced - before.0
            (produced, memberDelivered) = before
            switch step {
            case .memberEnd:
                produced += made
                memberDelivered += made
                memberChecked = true  // the next step reports the member's end
                return (.going, true)
            case .failed:
                return (step, moved)  // nothing of this call was handed out
            case .going:
                let keep = min(made, Self.isalLag)
                let deliver = made - keep
                if keep > 0 {
                    pending.baseAddress!.copyMemory(from: UnsafeRawPointer(out + deliver), byteCount: keep)
                }
                pendingStart = 0
                pendingEnd = keep
                produced += deliver
                memberDelivered += deliver
                return (.going, moved)
            }
        }
        if pendingEnd == pending.count {
            // Keep the bytes still waiting at the front (at most the lag, 256 KiB per 1 MiB decoded).
            pending.baseAddress!.copyMemory(from: pending.baseAddress! + pendingStart, byteCount: waiting)
            pendingStart = 0
            pendingEnd = waiting
        }
        let base = pending.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let before = (produced, memberDelivered)
        let (step, moved) = isalDecode(base + pendingEnd, pending.count - pendingEnd)
        pendingEnd += produced - before.0
        (produced, memberDelivered) = before
        if case .memberEnd = step {
            memberChecked = true  // the trailer is checked: all of it may go out
            return (.going, true)
        }
        return (step, moved)
    }

    /// One call of ISA-L into `room` bytes at `out`.
    private func isalDecode(_ out: UnsafeMutablePointer<UInt8>, _ room: Int) -> (Step, Bool) {
        let state = isal!
        let space = min(room, Int(UInt32.max))
        // Safe: ISA-L only reads the input and writes at most `space` bytes at `out`.
        state.pointee.next_in = UnsafeMutablePointer(mutating: inNext)
        state.pointee.avail_in = UInt32(inAvail)
        state.pointee.next_out = out
        state.pointee.avail_out = UInt32(space)
        let status = isalFunctions!.inflate(state)
        let consumed = inAvail - Int(state.pointee.avail_in)
        inNext = UnsafePointer(state.pointee.next_in)
        inAvail = Int(state.pointee.avail_in)
        let made = space - Int(state.pointee.avail_out)
        produced += made
        memberDelivered += made
        if status < 0 { return (.failed(Self.isalReason(status)), true) }
        if state.pointee.block_state == Int32(VPCFLOW_ISAL_BLOCK_FINISH) { return (.memberEnd, true) }
        return (.going, consumed > 0 || made > 0)
    }

    private static func isalReason(_ status: Int32) -> String {
        switch Int(status) {
        case VPCFLOW_ISAL_INVALID_BLOCK: "invalid deflate block"
        case VPCFLOW_ISAL_INVALID_SYMBOL: "invalid deflate symbol"
        case VPCFLOW_ISAL_INVALID_LOOKBACK: "invalid distance"
        case VPCFLOW_ISAL_INVALID_WRAPPER: "invalid gzip header"
        case VPCFLOW_ISAL_UNSUPPORTED_METHOD: "unknown compression method"
        case VPCFLOW_ISAL_INCORRECT_CHECKSUM: "incorrect data or length check"
        default: "ISA-L error \(status)"
        }
    }

    private func zlibStream() throws(FileSystemError) -> UnsafeMutablePointer<z_stream> {
        if let zlib { return zlib }
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // 16 + MAX_WBITS: expect a gzip header and trailer.
        let status = inflateInit2_(stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            stream.deallocate()
            throw failure("cannot start zlib (\(status))")
        }
        zlib = stream
        return stream
    }

    private var isEmptySource: Bool {
        if case .mapped(let file) = source { return file.count == 0 }
        return false
    }

    /// Points the input at more bytes; false when there are none.
    private func feed() throws(FileSystemError) -> Bool {
        switch source {
        case .mapped(let file):
            guard let base = file.unsafeBaseAddress else {
                guard fedTo < file.count else { return false }
                // Not mapped: pread the next block into the reader's own buffer.
                let piece = min(file.count - fedTo, inputBuffer.count)
                try file.withBytes(in: fedTo..<(fedTo + piece)) { span in
                    span.withUnsafeBytes { inputBuffer.copyMemory(from: $0) }
                }
                inNext = UnsafePointer(inputBuffer.baseAddress!.assumingMemoryBound(to: UInt8.self))
                inAvail = piece
                fedTo += piece
                return true
            }
            // Everything before `fedTo` has been consumed: its pages can leave memory (§3 of
            // issue 13; a replay after an ISA-L failure reads them again from the file).
            if fedTo > releasedTo {
                file.release(releasedTo..<fedTo)
                releasedTo = fedTo
            }
            guard fedTo < file.count else { return false }
            let piece = min(file.count - fedTo, Self.mappedPiece)
            // Safe: the mapping lives as long as `file`, which `source` holds; decoders only read it.
            inNext = UnsafePointer((base + fedTo).assumingMemoryBound(to: UInt8.self))
            inAvail = piece
            fedTo += piece
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
            inNext = UnsafePointer(inputBuffer.baseAddress!.assumingMemoryBound(to: UInt8.self))
            inAvail = count
            return true
        }
    }

    private func failure(_ reason: String) -> FileSystemError {
        FileSystemError(code: .ioError, operation: "decompress", path: path, reason: reason)
    }
}
