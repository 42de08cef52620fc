import FlowIO

/// Repeated timing with a warm-up; reports median, min and max.
struct Measurement {
    var seconds: [Double]

    var median: Double { seconds.sorted()[seconds.count / 2] }
    var min: Double { seconds.min()! }
    var max: Double { seconds.max()! }

    /// Runs `body` `warmup` times untimed, then `runs` times timed.
    static func run(runs: Int, warmup: Int = 2, _ body: () -> Void) -> Measurement {
        for _ in 0..<warmup { body() }
        let clock = ContinuousClock()
        var seconds: [Double] = []
        for _ in 0..<runs {
            let elapsed = clock.measure(body)
            seconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        }
        return Measurement(seconds: seconds)
    }
}

/// Formats a number with a fixed number of decimals (no Foundation).
func fixed(_ value: Double, _ decimals: Int) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    var text = String(rounded)
    if let dot = text.firstIndex(of: ".") {
        let fraction = text[text.index(after: dot)...]
        if fraction.count < decimals { text += String(repeating: "0", count: decimals - fraction.count) }
    } else if decimals > 0 {
        text += "." + String(repeating: "0", count: decimals)
    }
    return text
}

/// SplitMix64, for reproducible benchmark inputs.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
