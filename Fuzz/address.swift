// Fuzz target: the address parsers.
//
// Input: one control byte, then the text of an address field (any bytes).
// Holds, for every input:
// - the word-at-a-time dotted-quad parser (`IPAddress.parseIPv4(_:at:low:high:length:)`) gives the
//   exact parser's verdict and value, wherever the field sits in the window and whatever follows it;
// - the word-at-a-time IPv6 parser gives the exact parser's value, or gives up (nil) only where it
//   is allowed to: a field with a `.` (an IPv4 tail) or longer than 39 bytes;
// - `IPAddress.parse` equals glibc's `inet_pton` (AF_INET, then AF_INET6) on text without NUL
//   (the one documented difference), and its `description` parses back to the same address;
// - `IPPrefix.parse` of the text never crashes, and an accepted prefix prints and parses back to itself.
// The control byte picks the field's offset in the window and what fills the bytes after it.
import FlowIO
import Glibc

@testable import FlowEngine

/// Offsets in the 256-byte window where the fast path may start an address (232 is
/// `RecordReader.fastLineLimit`, the last one).
private let offsets = [0, 1, 7, 13, 100, 216, 225, 232]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAddress(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = inputBytes(data, size)
    guard let control = input.first else { return 0 }
    let text = Array(input.dropFirst())
    let n = text.count

    let exact4 = IPAddress.parseIPv4(text.span, from: 0, to: n)
    let exact6 = IPAddress.parseIPv6(text.span, from: 0, to: n)
    let parsed = withExactSpan(text) { IPAddress.parse($0) }
    let expected: IPAddress? = exact4.map(IPAddress.v4) ?? exact6.map(IPAddress.v6)
    if parsed != expected { disagreement("IPAddress.parse \(String(describing: parsed)) != parseIPv4/parseIPv6 \(String(describing: expected))", input) }

    // The field in a window: `p` bytes of other text before it, then the field, then filler.
    let p = offsets[Int(control & 7)]
    let total = ByteWindow.size + 8
    if p + n <= total {
        var buffer = [UInt8](repeating: 0x41, count: total)
        for i in 0..<n { buffer[p + i] = text[i] }
        let fill: UInt8? = [nil, 0x20, 0x2E, 0x30, 0x3A, 0x0A, 0x00, 0xFF][Int(control >> 3 & 7)]
        for i in (p + n)..<total { buffer[i] = fill ?? (n == 0 ? 0x20 : text[(i - p) % n]) }
        withExactSpan(buffer) { span in
            let low = span.word(at: p)
            let high = span.word(at: p + 8)
            let word4 = span.withWindow(at: 0) { IPAddress.parseIPv4($0, at: p, low: low, high: high, length: n) } ?? nil
            if word4 != exact4 {
                disagreement("word IPv4 \(String(describing: word4)) != exact \(String(describing: exact4)) at offset \(p)", input)
            }
            // The IPv6 parser's precondition: the field ends inside the window.
            if p + n < ByteWindow.size {
                let word6 = span.withWindow(at: 0) { IPAddress.parseIPv6($0, at: p, length: n) } ?? nil
                if let word6 {
                    if word6 != exact6 {
                        disagreement("word IPv6 \(String(word6, radix: 16)) != exact \(String(describing: exact6)) at offset \(p)", input)
                    }
                } else if exact6 != nil, !text.contains(0x2E), n <= 39 {
                    disagreement("word IPv6 gave up on a valid address without a dot at offset \(p)", input)
                }
            }
        }
    }

    // glibc as the independent oracle (it reads a C string, so not past a NUL).
    if !text.contains(0) {
        var cString = text
        cString.append(0)
        var buffer = [UInt8](repeating: 0, count: 16)
        var glibc: IPAddress? = nil
        let family4 = cString.withUnsafeBufferPointer { inet_pton(AF_INET, UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), &buffer) }
        if family4 == 1 {
            glibc = .v4(buffer[0..<4].reduce(0) { $0 << 8 | UInt32($1) })
        } else if cString.withUnsafeBufferPointer({ inet_pton(AF_INET6, UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), &buffer) }) == 1 {
            glibc = .v6(buffer.reduce(0) { $0 << 8 | UInt128($1) })
        }
        if glibc != parsed {
            disagreement("IPAddress.parse \(String(describing: parsed)) != inet_pton \(String(describing: glibc))", input)
        }
    }
    if let parsed {
        let again = IPAddress(parsed.description)
        if again != parsed { disagreement("\(parsed) prints as \(parsed.description), which parses as \(String(describing: again))", input) }
    }

    // Prefixes: never a crash; an accepted one round-trips.
    if let prefix = try? withExactSpan(text, { span in Result { () throws(CIDRError) in try IPPrefix.parse(span) } }).get() {
        let again = try? IPPrefix(prefix.description)
        if again != prefix { disagreement("prefix \(prefix) does not parse back from its description", input) }
    }
    return 0
}
