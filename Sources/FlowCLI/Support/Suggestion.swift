/// "did you mean ...?" for a mistyped command, option or field name: the known name nearest to
/// what was typed, by edit distance (Damerau-Levenshtein with adjacent transpositions, so `bytse`
/// is one edit from `bytes`), when it is near enough to be a typo rather than another word.
enum Suggestion {
    /// The nearest of `candidates` to `typed`, or nil when none is within
    /// `max(1, min(typed.count, candidate.count) / 3)` edits (case ignored). Ties go to the
    /// candidate listed first.
    static func nearest(to typed: String, in candidates: [String]) -> String? {
        let word = Array(typed.lowercased().utf8)
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            let other = Array(candidate.lowercased().utf8)
            let allowed = max(1, min(word.count, other.count) / 3)
            let d = distance(word, other)
            guard d <= allowed, d < (best?.distance ?? Int.max) else { continue }
            best = (candidate, d)
        }
        return best?.name
    }

    /// `" (did you mean \"x\"?)"`, or "" without a near name.
    static func hint(_ typed: String, in candidates: [String], prefix: String = "") -> String {
        guard let name = nearest(to: typed, in: candidates) else { return "" }
        return " (did you mean \"\(prefix)\(name)\"?)"
    }

    /// Optimal string alignment distance between two byte strings.
    static func distance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        let width = b.count + 1
        var table = [Int](repeating: 0, count: (a.count + 1) * width)
        for i in 0...a.count { table[i * width] = i }
        for j in 0...b.count { table[j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(table[(i - 1) * width + j] + 1, table[i * width + j - 1] + 1, table[(i - 1) * width + j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, table[(i - 2) * width + j - 2] + 1)
                }
                table[i * width + j] = value
            }
        }
        return table[a.count * width + b.count]
    }
}
