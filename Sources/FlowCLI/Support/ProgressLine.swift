import FlowEngine
import FlowIO

/// The progress line on standard error: bytes done of total, MB/s, ETA. Redrawn in place at most
/// ten times a second; only when standard error is a terminal.
struct ProgressLine {
    let enabled: Bool
    private var lastDrawn = -1.0
    private var drawn = false

    init(enabled: Bool) { self.enabled = enabled }

    mutating func update(_ progress: ProgressSnapshot) {
        guard enabled, progress.elapsedSeconds - lastDrawn >= 0.1 else { return }
        lastDrawn = progress.elapsedSeconds
        let megabytes = Double(progress.bytesDone) / 1e6
        let rate = megabytes / max(progress.elapsedSeconds, 1e-6)
        var text = "\r\(format(megabytes)) MB"
        if progress.bytesTotal > 0 {
            text += " of \(format(Double(progress.bytesTotal) / 1e6)) MB"
            let remaining = Double(progress.bytesTotal - progress.bytesDone) / 1e6 / max(rate, 1e-6)
            text += ", \(format(rate)) MB/s, ETA \(Int(remaining.rounded())) s   "
        } else {
            text += ", \(format(rate)) MB/s   "
        }
        var err = OutputStream.standardError()
        try? err.write(text)
        drawn = true
    }

    /// Erases the line.
    mutating func clear() {
        guard drawn else { return }
        var err = OutputStream.standardError()
        try? err.write("\r" + String(repeating: " ", count: 72) + "\r")
        drawn = false
    }

    private func format(_ value: Double) -> String { String(Int(value.rounded())) }
}
