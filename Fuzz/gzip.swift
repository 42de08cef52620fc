// Fuzz target: the gzip reader (`GzipReader`, FlowIO), on bytes in memory.
//
// Input: one control byte, then a payload. The low two bits of the control byte choose the mode:
// - 0: the payload is read as a gzip file as it is (arbitrary bytes: bad headers, bad CRCs, bad
//   lengths, trailing garbage, members of any kind). Holds: no crash, no sanitizer report, and the
//   same bytes and the same verdict (end or error) whichever buffer size the caller reads into;
//   with bit 6 set, also the same from a file through `MappedFile` (mapped, or pread with bit 7),
//   and from that file ISA-L (where libisal.so.2 loads) gives exactly zlib's bytes and error text
//   (`GzipReader` replays a member ISA-L fails on with zlib, and keeps its output back until the
//   member's trailer is checked);
// - 1: the payload is compressed here with zlib as one gzip member; it must read back exactly;
// - 2: the same as two members (cut at a point from the control byte), as `cat a.gz b.gz` makes;
//   it must read back exactly;
// - 3: one member with its last 1 to 16 bytes cut off; the reader must throw (truncated), after
//   returning at most a prefix of the payload.
// Output is capped at 4 MiB per input (a gzip bomb is not a finding).
import CZlib
import FlowIO
import Glibc

private let cap = 4 << 20
private let strict = getenv("VPCFLOW_FUZZ_STRICT").map { String(cString: $0) } == "1"

/// Everything the reader yields, reading into a buffer of `size` bytes at offset `offset`.
private func inflateAll(_ bytes: [UInt8], size: Int, offset: Int) -> (output: [UInt8], error: String?) {
    var output: [UInt8] = []
    do {
        let reader = try GzipReader(.descriptor(-1, name: "fuzz.gz", prefix: bytes))
        var buffer = [UInt8](repeating: 0, count: size + offset)
        while output.count < cap {
            let n = try reader.read(into: &buffer, from: offset)
            if n == 0 { break }
            if n > size { fatalError("read \(n) bytes into \(size)") }
            output += buffer[offset..<(offset + n)]
        }
        return (output, nil)
    } catch {
        return (output, "\(error)")
    }
}

/// A scratch file of this process, rewritten for each input.
private let scratchPath: String = {
    let folder = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
    return "\(folder)/vpcflow-fuzz-gzip-\(getpid()).gz"
}()

/// `bytes` written to the scratch file and read back through `MappedFile` and `GzipReader(.mapped)`.
private func readMapped(_ bytes: [UInt8], allowMapping: Bool, inflater: Inflater = .zlib, bufferSize: Int = 1 << 16)
    -> (output: [UInt8], error: String?)
{
    let fd = open(scratchPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0 else { fatalError("cannot create \(scratchPath)") }
    let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
    guard written == bytes.count else { fatalError("cannot write \(scratchPath)") }
    var output: [UInt8] = []
    do {
        let file = try MappedFile(path: scratchPath, allowMapping: allowMapping)
        let reader = try GzipReader(.mapped(file), inflater: inflater)
        var buffer = [UInt8](repeating: 0, count: bufferSize)
        while output.count < cap {
            let n = try reader.read(into: &buffer, from: 0)
            if n == 0 { break }
            output += buffer[..<n]
        }
        return (output, nil)
    } catch {
        return (output, "\(error)")
    }
}

/// One gzip member of `text`, made by zlib's deflate.
private func gzipMember(_ text: ArraySlice<UInt8>, level: Int32) -> [UInt8] {
    var stream = z_stream()
    guard deflateInit2_(&stream, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK
    else { fatalError("deflateInit2 failed") }
    var input = Array(text)
    var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 64)
    let status = input.withUnsafeMutableBufferPointer { inp in
        output.withUnsafeMutableBufferPointer { out in
            stream.next_in = inp.baseAddress
            stream.avail_in = uInt(inp.count)
            stream.next_out = out.baseAddress
            stream.avail_out = uInt(out.count)
            return deflate(&stream, Z_FINISH)
        }
    }
    guard status == Z_STREAM_END else { fatalError("deflate failed: \(status)") }
    let count = Int(stream.total_out)
    deflateEnd(&stream)
    return Array(output[..<count])
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGzip(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = inputBytes(data, size)
    guard let control = input.first else { return 0 }
    let payload = Array(input.dropFirst())
    let level = Int32(control >> 2 & 7) + 1
    switch control & 3 {
    case 0:
        let whole = inflateAll(payload, size: 1 << 16, offset: 0)
        let sizes = [1, 7, 512, 4093]
        let small = inflateAll(payload, size: sizes[Int(control >> 2 & 3)], offset: Int(control >> 4))
        // A capped read may stop at another point; compare what both produced within the cap.
        // Known finding F2 (FUZZING.md): before damage, how many bytes come out depends on the
        // buffer size, both ways (the bytes of the call that meets a bad CRC are dropped; at a
        // truncation, output zlib still holds is never drained). Until it is fixed, one output
        // must be a prefix of the other; VPCFLOW_FUZZ_STRICT=1 asks for equality.
        let sameBytes =
            strict || whole.error == nil
            ? whole.output == small.output
            : small.output.starts(with: whole.output) || whole.output.starts(with: small.output)
        if whole.output.count < cap && small.output.count < cap {
            if !sameBytes || (whole.error == nil) != (small.error == nil) {
                disagreement(
                    "buffer sizes disagree: \(whole.output.count) bytes, error \(whole.error ?? "none") vs \(small.output.count) bytes, error \(small.error ?? "none")",
                    input)
            }
        }
        // Half of these inputs also as a file, read through `MappedFile` (mapped, or with pread
        // when bit 7 is set), as `GzipItem` reads them: the same bytes and verdict.
        // (Only input with the gzip magic: nothing else reaches a `GzipReader`, and an empty
        // descriptor source is "truncated" where an empty file is empty.)
        if control & 0x40 != 0, GzipReader.isGzip(payload.span) {
            let file = readMapped(payload, allowMapping: control & 0x80 == 0)
            if file.output != whole.output || (file.error == nil) != (whole.error == nil) {
                disagreement(
                    "file and memory disagree: \(file.output.count) bytes, error \(file.error ?? "none") vs \(whole.output.count) bytes, error \(whole.error ?? "none")",
                    input)
            }
            if ISAL.isAvailable {
                // Into a large buffer (ISA-L decodes straight into it) and a small one (through its own).
                let bufferSize = control & 0x20 != 0 ? 4 << 20 : 4093
                let isal = readMapped(payload, allowMapping: control & 0x80 == 0, inflater: .isal, bufferSize: bufferSize)
                if isal.output.count < cap && file.output.count < cap && (isal.output != file.output || isal.error != file.error) {
                    disagreement(
                        "ISA-L and zlib disagree on a file: \(isal.output.count) bytes, error \(isal.error ?? "none") vs \(file.output.count) bytes, error \(file.error ?? "none")",
                        input)
                }
            }
        }
    case 1:
        let read = inflateAll(gzipMember(payload[...], level: level), size: 4096, offset: 3)
        if read.output != payload || read.error != nil {
            disagreement("one member did not read back: \(read.output.count) of \(payload.count) bytes, error \(read.error ?? "none")", input)
        }
    case 2:
        let cut = payload.isEmpty ? 0 : Int(control >> 5) * payload.count / 7
        let file = gzipMember(payload[..<cut], level: level) + gzipMember(payload[cut...], level: 9 - level)
        let read = inflateAll(file, size: 1000, offset: 0)
        if read.output != payload || read.error != nil {
            disagreement("two members (cut at \(cut)) did not read back: \(read.output.count) of \(payload.count) bytes, error \(read.error ?? "none")", input)
        }
    default:
        let member = gzipMember(payload[...], level: level)
        let drop = Int(control >> 4) + 1
        let read = inflateAll(Array(member.dropLast(drop)), size: 333, offset: 0)
        if read.error == nil {
            disagreement("a member without its last \(drop) bytes read without an error (\(read.output.count) bytes)", input)
        }
        if !payload.starts(with: read.output) { disagreement("a truncated member yielded bytes that are not the payload's start", input) }
    }
    return 0
}
