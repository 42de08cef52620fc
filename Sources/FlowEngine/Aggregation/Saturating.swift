/// Sums that stop at 2^64 - 1 instead of wrapping, and say that they stopped.
///
/// Flow-log counters are 64-bit, and one bad exporter can write 18446744073709551615 as a record's
/// `bytes`: two such records must not sum to 18446744073709551614. A sum that would pass the
/// ceiling stays at it, and the aggregate remembers that one did (`Aggregate.saturated`); the
/// reports then say that the figures at 18446744073709551615 are lower bounds. Real traffic comes
/// nowhere near: 2^64 bytes is 18 exabytes.
enum Saturating {
    static let ceiling = UInt64.max

    /// `a + b`, or the ceiling (setting `saturated`) when the sum does not fit.
    @inline(__always)
    static func add(_ a: UInt64, _ b: UInt64, _ saturated: inout Bool) -> UInt64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        if overflow {
            saturated = true
            return ceiling
        }
        return sum
    }
}
