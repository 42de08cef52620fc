/// The fast path for AWS space-separated records: one forward pass that finds the fields and reads
/// the values together, eight bytes at a time where it can.
///
/// It takes only the common, plain shape of a line: fields separated by exactly one space, the line
/// ended by a bare LF, as many fields as the layout, log-status `OK` (when the layout has it), both
/// addresses valid, counters and timestamps decimal (at most 16 digits) or `-`, the action
/// `ACCEPT`, `REJECT` or `-`. Anything else (tabs, runs of spaces, CR, NODATA and SKIPDATA, a
/// malformed field, a line near the end of the chunk) makes it give up, and the line is judged by
/// the exact path (`RecordLayout.split` or the scanner, then `RecordReader.read`).
///
/// So it never decides anything the exact path would decide differently: when it returns a record,
/// `read` would have returned `.ok` with the same values. The tests hold it to the reference
/// summarizer on lines mutated at random around every rule.
extension RecordReader {
    /// Reads the line that starts at `start`, in any space-separated layout (`roles`: the role of
    /// each column, as `RecordLayout.roleOfColumn`).
    /// - Returns: the offset just past the line's LF, with the record in `record`; or -1 to send
    ///   the line to the exact path (`record` then holds nothing of use).
    /// - Complexity: O(line length); no allocation.
    @inline(__always)
    static func readFused(_ bytes: Span<UInt8>, from start: Int, roles: [Int8], into record: inout FlowRecord) -> Int {
        record.reset()
        let lastColumn = roles.count - 1
        var p = start
        for column in 0...lastColumn {
            let end: Int
            switch roles[column] {
            case 0: end = addressField(bytes, p, &record.source)
            case 1: end = addressField(bytes, p, &record.destination)
            case 2: end = counterField(bytes, p, &record.packets, &record.missingCounters)
            case 3: end = counterField(bytes, p, &record.bytes, &record.missingCounters)
            case 4: end = timeField(bytes, p, &record.start)
            case 5: end = timeField(bytes, p, &record.end)
            case 6: end = actionField(bytes, p, &record.action)
            case 7: end = statusField(bytes, p)
            default: end = skipField(bytes, p)
            }
            p = after(bytes, end, column == lastColumn ? 0x0A : 0x20)
            guard p >= 0 else { return -1 }
        }
        return p
    }

    /// `readFused` for the default format (version 2: `version account-id interface-id srcaddr
    /// dstaddr srcport dstport protocol packets bytes start end action log-status`), the bulk of
    /// real flow logs, written out field by field so that no column is dispatched at run time.
    /// The record is read into `r` in place (it is large enough that returning it costs a copy).
    @inline(__always)
    static func readDefaultFormat(_ bytes: Span<UInt8>, from start: Int, into r: inout FlowRecord) -> Int {
        r.reset()
        var p = start
        skipStep(bytes, &p, usualLength: 1)  // version
        skipStep(bytes, &p, usualLength: 12)  // account-id
        skipStep(bytes, &p, usualLength: 21)  // interface-id
        addressStep(bytes, &p, &r.source)
        addressStep(bytes, &p, &r.destination)
        skipStep(bytes, &p, usualLength: 0)  // srcport
        skipStep(bytes, &p, usualLength: 0)  // dstport
        skipStep(bytes, &p, usualLength: 0)  // protocol
        counterStep(bytes, &p, &r.packets, &r.missingCounters)
        counterStep(bytes, &p, &r.bytes, &r.missingCounters)
        timeStep(bytes, &p, &r.start)
        timeStep(bytes, &p, &r.end)
        actionStep(bytes, &p, &r.action)
        statusStep(bytes, &p)
        return p
    }

    // The steps of the default format. Each takes the offset `p` of a field's first byte and moves
    // it past the field and its separator, or sets it to -1 when the line is given up; a step on
    // -1 does nothing. Fixed-width fields (version, account-id, interface-id, start, end, action:
    // in practice 1, 12, 21, 10, 10 and 6 bytes) are first tried at that width with one check, so
    // that the next offset follows a predicted branch instead of waiting for a separator search.

    @inline(__always)
    private static func skipStep(_ bytes: Span<UInt8>, _ p: inout Int, usualLength: Int) {
        guard p >= 0 else { return }
        if usualLength == 0 {
            p = after(bytes, skipField(bytes, p), 0x20)
        } else if fixedField(bytes, p, length: usualLength) {
            p += usualLength + 1
        } else {
            p = unusualSkip(bytes, p)
        }
    }

    // The steps' rare cases, out of line.

    @inline(never)
    private static func unusualSkip(_ bytes: Span<UInt8>, _ p: Int) -> Int {
        after(bytes, skipField(bytes, p), 0x20)
    }

    @inline(never)
    private static func unusualTime(_ bytes: Span<UInt8>, _ p: Int, _ time: inout UInt64?) -> Int {
        after(bytes, timeField(bytes, p, &time), 0x20)
    }

    @inline(never)
    private static func unusualAction(_ bytes: Span<UInt8>, _ p: Int, _ action: inout UInt64) -> Int {
        after(bytes, actionField(bytes, p, &action), 0x20)
    }

    @inline(__always)
    private static func addressStep(_ bytes: Span<UInt8>, _ p: inout Int, _ address: inout IPAddress) {
        guard p >= 0 else { return }
        p = after(bytes, addressField(bytes, p, &address), 0x20)
    }

    @inline(__always)
    private static func counterStep(_ bytes: Span<UInt8>, _ p: inout Int, _ value: inout UInt64, _ missing: inout Bool) {
        guard p >= 0 else { return }
        p = after(bytes, counterField(bytes, p, &value, &missing), 0x20)
    }

    @inline(__always)
    private static func timeStep(_ bytes: Span<UInt8>, _ p: inout Int, _ time: inout UInt64?) {
        guard p >= 0 else { return }
        if let seconds = tenDigits(bytes, p) {
            time = seconds
            p += 11
        } else {
            p = unusualTime(bytes, p, &time)
        }
    }

    @inline(__always)
    private static func actionStep(_ bytes: Span<UInt8>, _ p: inout Int, _ action: inout UInt64) {
        guard p >= 0 else { return }
        if let value = acceptOrReject(bytes, p) {
            action = value
            p += 7
        } else {
            p = unusualAction(bytes, p, &action)
        }
    }

    /// The last field: log-status, then the line's LF.
    @inline(__always)
    private static func statusStep(_ bytes: Span<UInt8>, _ p: inout Int) {
        guard p >= 0 else { return }
        p = after(bytes, statusField(bytes, p), 0x0A)
    }

    /// Whether the `length` bytes at `p` are a field (no byte below 0x21) followed by one space.
    /// Written without branches but the bounds check (selects on `length` fold away where it is a
    /// constant): with a loop or a switch the optimizer sometimes kept it out of line, at twice the
    /// instructions (measured with `vpcflow-count`, BENCHMARKS.md).
    /// - Precondition: `length` is 1...23.
    @inline(__always)
    private static func fixedField(_ bytes: Span<UInt8>, _ p: Int, length: Int) -> Bool {
        guard p &+ length &+ 8 <= bytes.count else { return false }
        // The first one or two whole words of field bytes (none for a field shorter than eight
        // bytes), then the word whose top byte is the one after the field.
        let whole: UInt64 = length >= 8 ? .max : 0
        let first = SWAR.bytesBelow0x21(bytes.word(at: p)) & whole
        let second = SWAR.bytesBelow0x21(bytes.word(at: p &+ (length >= 16 ? 8 : 0))) & whole
        let shift = UInt64(8 &* max(0, 7 &- length))  // a field shorter than seven bytes: its word moved up
        let tail = bytes.word(at: max(p, p &+ length &- 7)) &<< shift
        let tailBelow = SWAR.bytesBelow0x21(tail) & (SWAR.highBits &<< shift)
        return first | second | tailBelow == 0x80 << 56 && tail >> 56 == 0x20
    }

    /// start or end of exactly ten digits followed by a space, in seconds; nil for anything else.
    @inline(__always)
    private static func tenDigits(_ bytes: Span<UInt8>, _ p: Int) -> UInt64? {
        guard p + 16 <= bytes.count else { return nil }
        let first = bytes.word(at: p) ^ SWAR.zeroDigits
        let second = bytes.word(at: p + 8) ^ SWAR.zeroDigits
        guard SWAR.nonDigits(first) == 0, SWAR.nonDigits(second) & 0xFF_FFFF == 0x80_0000,
            second >> 16 & 0xFF == 0x20 ^ 0x30
        else { return nil }
        return FieldValue.seconds(SWAR.value8(first) &* 100 &+ (second & 0xFF) &* 10 &+ (second >> 8 & 0xFF))
    }

    /// `ACCEPT ` (0) or `REJECT ` (1); nil for anything else.
    @inline(__always)
    private static func acceptOrReject(_ bytes: Span<UInt8>, _ p: Int) -> UInt64? {
        guard p + 8 <= bytes.count else { return nil }
        let word = bytes.word(at: p) & 0xFF_FFFF_FFFF_FFFF
        let spaceAfter: UInt64 = 0x20 << 48
        if word == accept | spaceAfter { return 0 }
        if word == reject | spaceAfter { return 1 }
        return nil
    }

    // Each field reader takes the offset `p` of a field's first byte, stores what it read, and
    // returns the offset of the first byte after the field, or -1 when the field is not what the
    // fast path takes. `after` then checks the separator.

    /// The offset after the separator `separator` at `end`, or -1 when `end` is -1 or holds
    /// another byte.
    @inline(__always)
    private static func after(_ bytes: Span<UInt8>, _ end: Int, _ separator: UInt8) -> Int {
        end >= 0 && end < bytes.count && bytes[end] == separator ? end + 1 : -1
    }

    /// A field that is not read: it ends at its first byte below 0x21, and is not empty.
    @inline(__always)
    private static func skipField(_ bytes: Span<UInt8>, _ p: Int) -> Int {
        let end = fieldEnd(bytes, p)
        return end > p ? end : -1
    }

    /// An address: a dotted quad read from two words, else IPv6 a group per word, else whatever the
    /// exact parsers make of the field (an IPv6 address with an IPv4 tail), else nothing.
    @inline(__always)
    private static func addressField(_ bytes: Span<UInt8>, _ p: Int, _ address: inout IPAddress) -> Int {
        if p &+ 24 <= bytes.count {
            let low = bytes.word(at: p)
            let high = bytes.word(at: p &+ 8)
            let lowLength = SWAR.leadingCount(SWAR.bytesBelow0x21(low))
            let length = lowLength < 8 ? lowLength : 8 &+ SWAR.leadingCount(SWAR.bytesBelow0x21(high))
            if let value = IPAddress.parseIPv4(bytes, at: p, low: low, high: high, length: length) {
                address = .v4(value)
                return p + length
            }
        }
        return otherAddressField(bytes, p, &address)
    }

    /// `addressField` for anything but a dotted quad with room after it: kept out of line, so that
    /// the quad's path is inlined without the registers and code of the rest.
    @inline(never)
    private static func otherAddressField(_ bytes: Span<UInt8>, _ p: Int, _ address: inout IPAddress) -> Int {
        let end = fieldEnd(bytes, p)
        guard end > p else { return -1 }
        if end + 8 <= bytes.count, let value = IPAddress.parseIPv6Groups(bytes, from: p, to: end) {
            address = .v6(value)
            return end
        }
        guard let value = IPAddress.parse(bytes, p..<end) else { return -1 }
        address = value
        return end
    }

    /// packets or bytes: a decimal, or `-` (0, and `missing` set).
    @inline(__always)
    private static func counterField(_ bytes: Span<UInt8>, _ p: Int, _ value: inout UInt64, _ missing: inout Bool) -> Int {
        var read: UInt64? = nil
        let end = decimal(bytes, p, &read)
        if let read { value = read } else { missing = true }
        return end
    }

    /// start or end: a decimal in seconds (or milliseconds, `FieldValue.seconds`), or `-` (nil).
    @inline(__always)
    private static func timeField(_ bytes: Span<UInt8>, _ p: Int, _ time: inout UInt64?) -> Int {
        var read: UInt64? = nil
        let end = decimal(bytes, p, &read)
        time = read.map(FieldValue.seconds)
        return end
    }

    /// ACCEPT (0), REJECT (1) or `-` (2).
    @inline(__always)
    private static func actionField(_ bytes: Span<UInt8>, _ p: Int, _ action: inout UInt64) -> Int {
        guard p + 8 <= bytes.count else { return -1 }
        let word = bytes.word(at: p)
        switch word & 0xFFFF_FFFF_FFFF {
        case accept:
            action = 0
            return p + 6
        case reject:
            action = 1
            return p + 6
        default:
            guard word & 0xFF == 0x2D else { return -1 }
            action = 2
            return p + 1
        }
    }

    /// log-status `OK` (NODATA and SKIPDATA take the exact path).
    @inline(__always)
    private static func statusField(_ bytes: Span<UInt8>, _ p: Int) -> Int {
        p + 8 <= bytes.count && bytes.word(at: p) & 0xFFFF == ok ? p + 2 : -1
    }

    /// "ACCEPT", "REJECT" and "OK" as little-endian words.
    private static let accept: UInt64 = 0x5450_4543_4341
    private static let reject: UInt64 = 0x5443_454A_4552
    private static let ok: UInt64 = 0x4B4F

    /// The offset of the first byte below 0x21 at or after `p`, or -1 when there is none before
    /// the last eight bytes of `bytes` (the caller then gives up).
    @inline(__always)
    private static func fieldEnd(_ bytes: Span<UInt8>, _ p: Int) -> Int {
        var q = p
        while q + 8 <= bytes.count {
            let separators = SWAR.bytesBelow0x21(bytes.word(at: q))
            if separators != 0 { return q + SWAR.leadingCount(separators) }
            q += 8
        }
        return -1
    }

    /// A decimal of 1 to 16 digits (stored in `value`), or `-` (nil), starting at `p`. -1 for
    /// anything else (the exact path reads longer numbers and refuses junk).
    @inline(__always)
    private static func decimal(_ bytes: Span<UInt8>, _ p: Int, _ value: inout UInt64?) -> Int {
        guard p + 16 <= bytes.count else { return -1 }
        let first = bytes.word(at: p) ^ SWAR.zeroDigits
        let count = SWAR.leadingCount(SWAR.nonDigits(first))
        if count == 0 {
            guard bytes[p] == 0x2D else { return -1 }
            value = nil
            return p + 1
        }
        if count < 8 {
            value = SWAR.value(first, count: count)
            return p + count
        }
        let second = bytes.word(at: p + 8) ^ SWAR.zeroDigits
        let more = SWAR.leadingCount(SWAR.nonDigits(second))
        guard more < 8 else { return -1 }
        let high = SWAR.value8(first)
        value = more == 0 ? high : high &* SWAR.powerOf10(more) &+ SWAR.value(second, count: more)
        return p + 8 + more
    }
}

extension FlowRecord {
    /// Sets every field to what a line without that column means (addresses are always read).
    @inline(__always)
    mutating func reset() {
        packets = 0
        bytes = 0
        missingCounters = false
        start = nil
        end = nil
        action = 2
    }
}
