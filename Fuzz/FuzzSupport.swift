// Shared by every fuzz target (compiled into each; not a target itself).

/// The input as hex, for messages: a disagreement names the bytes that caused it, so it can be
/// pasted into a regression test even without the crash file.
func hex(_ bytes: some Collection<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    for byte in bytes {
        text.append(digits[Int(byte >> 4)])
        text.append(digits[Int(byte & 15)])
    }
    return String(decoding: text, as: UTF8.self)
}

/// Stops the run: libFuzzer saves the input as a crash file, and the message says what disagreed.
func disagreement(_ what: String, _ input: some Collection<UInt8>) -> Never {
    fatalError("fuzz disagreement: \(what) [input hex \(hex(input))]")
}

/// The fuzzer's input as an array (an empty input may come with a null pointer).
func inputBytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
    guard let data, size > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: size))
}

/// Calls `body` with a span over a heap block of exactly `bytes.count` bytes, so that address
/// sanitizer reports a read one byte past the end (an array's spare capacity would hide it).
func withExactSpan<R>(_ bytes: [UInt8], _ body: (Span<UInt8>) -> R) -> R {
    let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(bytes.count, 1))
    defer { buffer.deallocate() }
    _ = buffer.initialize(from: bytes)
    return body(UnsafeBufferPointer(rebasing: buffer[0..<bytes.count]).span)
}

/// A tiny deterministic generator, for choices derived from the input.
struct InputRandom {
    var state: UInt64
    init(_ bytes: [UInt8]) {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        state = h
    }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
