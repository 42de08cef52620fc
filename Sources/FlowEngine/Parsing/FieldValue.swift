/// Values of single fields, read from bytes in place.
enum FieldValue {
    enum Status { case ok, nodata, skipdata }

    /// `-`: the field does not apply to this record.
    @inline(__always)
    static func isMissing(_ field: Span<UInt8>) -> Bool { field.count == 1 && field[0] == 0x2D }

    /// `OK`, `NODATA`, `SKIPDATA` (exact, upper case), else nil.
    @inline(__always)
    static func status(_ field: Span<UInt8>) -> Status? {
        switch field.count {
        case 2 where field[0] == 0x4F && field[1] == 0x4B: return .ok
        case 6 where field.equals("NODATA"): return .nodata
        case 8 where field.equals("SKIPDATA"): return .skipdata
        default: return nil
        }
    }

    /// 0 for `ACCEPT`, 1 for `REJECT`, 2 for `-`, else nil.
    @inline(__always)
    static func action(_ field: Span<UInt8>) -> UInt64? {
        if field.count == 6 {
            if field.equals("ACCEPT") { return 0 }
            if field.equals("REJECT") { return 1 }
        }
        return isMissing(field) ? 2 : nil
    }

    /// An unsigned decimal that fits in 64 bits: digits only, no sign, no spaces.
    @inline(__always)
    static func decimal(_ field: Span<UInt8>) -> UInt64? {
        var field = field
        if field.count > 20 {
            // Zero padding does not change the value: drop it before judging the length.
            var first = 0
            while first < field.count - 1, field[first] == 0x30 { first += 1 }
            field = field.extracting(first...)
        }
        let count = field.count
        guard count > 0, count <= 20 else { return nil }
        if count < 20 {
            // Up to 19 digits cannot overflow 64 bits: no overflow checks per digit.
            var value: UInt64 = 0
            for i in 0..<count {
                let digit = field[i] &- 0x30
                guard digit < 10 else { return nil }
                value = value &* 10 &+ UInt64(digit)
            }
            return value
        }
        var value: UInt64 = 0
        for i in 0..<count {
            let digit = field[i] &- 0x30
            guard digit < 10 else { return nil }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(digit))
            guard !o1, !o2 else { return nil }
            value = sum
        }
        return value
    }

    /// A timestamp in seconds. Values above 10^11 (after the year 5000 as seconds) are read as
    /// milliseconds, which some pipelines write.
    @inline(__always)
    static func seconds(_ value: UInt64) -> UInt64 { value > 100_000_000_000 ? value / 1000 : value }
}
