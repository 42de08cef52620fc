import FlowIO

/// The fast path for AWS space-separated records: one forward pass that finds the fields and reads
/// the values together, eight bytes at a time where it can.
///
/// It takes only the common, plain shape of a line: fields separated by exactly one space, the line
/// ended by a bare LF, as many fields as the layout, log-status `OK` (when the layout has it), both
/// addresses valid, counters and timestamps decimal (at most 16 digits) or `-`, the action
/// `ACCEPT`, `REJECT` or `-`. Anything else (tabs, runs of spaces, CR, NODATA and SKIPDATA, a
/// malformed field, a line longer than `fastLineLimit`) makes it give up, and the line is judged by
/// the exact path (`RecordLayout.split` or the scanner, then `RecordReader.read`).
///
/// It reads through a `ByteWindow` of the 256 bytes from the line's start (the caller makes it;
/// where fewer remain, at the end of a chunk, the line takes the exact path), with no bounds check
/// per read. Offsets only grow; no field is started past `fastLineLimit`; a reader of a value reads
/// at most 24 bytes from its field's start, and the search for a field's end stops at the window's
/// end. So no read goes past the window, and a line that would need one is given up.
///
/// So it never decides anything the exact path would decide differently: when it returns a record,
/// `read` would have returned `.ok` with the same values. The tests hold it to the reference
/// summarizer on lines mutated at random around every rule.
extension RecordReader {
    /// The last offset (from the line's start) at which the fast path starts reading a field: a
    /// value's reader reads at most 24 bytes from there, within `ByteWindow.size`.
    static let fastLineLimit = ByteWindow.size - 24

    /// Reads the line at the start of `w`, in any space-separated layout (`roles`: the role of
    /// each column, as `RecordLayout.roleOfColumn`). `bytes` and `origin` (the window's start in
    /// `bytes`) are for the exact address parsers, which some IPv6 forms need.
    /// - Returns: the offset from the line's start just past its LF, with the record in `record`;
    ///   or -1 to send the line to the exact path (`record` then holds nothing of use).
    /// - Complexity: O(line length); no allocation.
    @inline(__always)
    static func readFused(
        _ w: ByteWindow, _ bytes: Span<UInt8>, origin: Int, roles: [Int8], into record: inout FlowRecord
    ) -> Int {
        record.reset()
        let lastColumn = roles.count - 1
        var p = 0
        for column in 0...lastColumn {
            guard p <= fastLineLimit else { return -1 }
            let end: Int
            switch roles[column] {
            case 0: end = addressField(w, bytes, origin, p, &record.source)
            case 1: end = addressField(w, bytes, origin, p, &record.destination)
            case 2: end = counterField(w, p, &record.packets, &record.missingCounters)
            case 3: end = counterField(w, p, &record.bytes, &record.missingCounters)
            case 4: end = timeField(w, p, &record.start)
            case 5: end = timeField(w, p, &record.end)
            case 6: end = actionField(w, p, &record.action)
            case 7: end = statusField(w, p)
            case 8: end = portField(w, p, &record.dstPort, max: 65535, absent: PortKey.noPort)
            case 9: end = portField(w, p, &record.protocolNumber, max: 255, absent: PortKey.noProtocol)
            case 10:
                end = skipField(w, p)
                if end > p, !(end == p &+ 1 && w.byte(at: p) == 0x2D) {
                    record.interfaceStart = origin &+ p
                    record.interfaceLength = end &- p
                }
            default: end = skipField(w, p)
            }
            p = after(w, end, column == lastColumn ? 0x0A : 0x20)
            guard p >= 0 else { return -1 }
        }
        return p
    }

    /// `readFused` for the default format (version 2: `version account-id interface-id srcaddr
    /// dstaddr srcport dstport protocol packets bytes start end action log-status`), the bulk of
    /// real flow logs, written out field by field so that no column is dispatched at run time.
    /// The record is read into `r` in place (it is large enough that returning it costs a copy).
    @inline(__always)
    static func readDefaultFormat(_ w: ByteWindow, _ bytes: Span<UInt8>, origin: Int, into r: inout FlowRecord) -> Int {
        r.reset()
        var p = 0
        skipStep(w, &p, usualLength: 1)  // version
        skipStep(w, &p, usualLength: 12)  // account-id
        let interface = p
        skipStep(w, &p, usualLength: 21)  // interface-id
        if p > interface &+ 2 || (p == interface &+ 2 && w.byte(at: interface) != 0x2D) {
            r.interfaceStart = origin &+ interface
            r.interfaceLength = p &- 1 &- interface
        }
        addressStep(w, bytes, origin, &p, &r.source)
        addressStep(w, bytes, origin, &p, &r.destination)
        skipStep(w, &p, usualLength: 0)  // srcport
        portStep(w, &p, &r.dstPort, max: 65535, absent: PortKey.noPort)
        portStep(w, &p, &r.protocolNumber, max: 255, absent: PortKey.noProtocol)
        counterStep(w, &p, &r.packets, &r.missingCounters)
        counterStep(w, &p, &r.bytes, &r.missingCounters)
        timeStep(w, &p, &r.start)
        timeStep(w, &p, &r.end)
        actionStep(w, &p, &r.action)
        statusStep(w, &p)
        return p
    }

    // The steps of the default format. Each takes the offset `p` of a field's first byte and moves
    // it past the field and its separator, or sets it to -1 when the line is given up (`go`); a
    // step on -1 does nothing. Fixed-width fields (version, account-id, interface-id, start, end,
    // action: in practice 1, 12, 21, 10, 10 and 6 bytes) are first tried at that width with one
    // check, so that the next offset follows a predicted branch instead of waiting for a
    // separator search.

    /// Whether a step may read at `p`: not given up, and not past `fastLineLimit` (else gives up).
    @inline(__always)
    private static func go(_ p: inout Int) -> Bool {
        if UInt(bitPattern: p) <= UInt(fastLineLimit) { return true }
        p = -1
        return false
    }

    @inline(__always)
    private static func skipStep(_ w: ByteWindow, _ p: inout Int, usualLength: Int) {
        guard go(&p) else { return }
        if usualLength == 0 {
            p = after(w, skipField(w, p), 0x20)
        } else if fixedField(w, p, length: usualLength) {
            p &+= usualLength &+ 1
        } else {
            p = unusualSkip(w, p)
        }
    }

    // The steps' rare cases, out of line.

    @inline(never)
    private static func unusualSkip(_ w: ByteWindow, _ p: Int) -> Int {
        after(w, skipField(w, p), 0x20)
    }

    @inline(never)
    private static func unusualTime(_ w: ByteWindow, _ p: Int, _ time: inout UInt64?) -> Int {
        after(w, timeField(w, p, &time), 0x20)
    }

    @inline(never)
    private static func unusualAction(_ w: ByteWindow, _ p: Int, _ action: inout UInt64) -> Int {
        after(w, actionField(w, p, &action), 0x20)
    }

    @inline(__always)
    private static func addressStep(
        _ w: ByteWindow, _ bytes: Span<UInt8>, _ origin: Int, _ p: inout Int, _ address: inout IPAddress
    ) {
        guard go(&p) else { return }
        p = after(w, addressField(w, bytes, origin, p, &address), 0x20)
    }

    @inline(__always)
    private static func portStep(_ w: ByteWindow, _ p: inout Int, _ value: inout UInt32, max: UInt64, absent: UInt32) {
        guard go(&p) else { return }
        p = after(w, portField(w, p, &value, max: max, absent: absent), 0x20)
    }

    @inline(__always)
    private static func counterStep(_ w: ByteWindow, _ p: inout Int, _ value: inout UInt64, _ missing: inout Bool) {
        guard go(&p) else { return }
        p = after(w, counterField(w, p, &value, &missing), 0x20)
    }

    @inline(__always)
    private static func timeStep(_ w: ByteWindow, _ p: inout Int, _ time: inout UInt64?) {
        guard go(&p) else { return }
        if let seconds = tenDigits(w, p) {
            time = seconds
            p &+= 11
        } else {
            p = unusualTime(w, p, &time)
        }
    }

    @inline(__always)
    private static func actionStep(_ w: ByteWindow, _ p: inout Int, _ action: inout UInt64) {
        guard go(&p) else { return }
        if let value = acceptOrReject(w, p) {
            action = value
            p &+= 7
        } else {
            p = unusualAction(w, p, &action)
        }
    }

    /// The last field: log-status, then the line's LF.
    @inline(__always)
    private static func statusStep(_ w: ByteWindow, _ p: inout Int) {
        guard go(&p) else { return }
        p = after(w, statusField(w, p), 0x0A)
    }

    /// Whether the `length` bytes at `p` are a field (no byte below 0x21) followed by one space.
    /// Written without branches (selects on `length` fold away where it is a constant): with a
    /// loop or a switch the optimizer sometimes kept it out of line, at twice the instructions
    /// (measured with `vpcflow-count`, BENCHMARKS.md).
    /// - Precondition: `length` is 1...23.
    @inline(__always)
    private static func fixedField(_ w: ByteWindow, _ p: Int, length: Int) -> Bool {
        // The first one or two whole words of field bytes (none for a field shorter than eight
        // bytes), then the word whose top byte is the one after the field.
        let whole: UInt64 = length >= 8 ? .max : 0
        let first = SWAR.bytesBelow0x21(w.word(at: p)) & whole
        let second = SWAR.bytesBelow0x21(w.word(at: p &+ (length >= 16 ? 8 : 0))) & whole
        let shift = UInt64(8 &* max(0, 7 &- length))  // a field shorter than seven bytes: its word moved up
        let tail = w.word(at: max(p, p &+ length &- 7)) &<< shift
        let tailBelow = SWAR.bytesBelow0x21(tail) & (SWAR.highBits &<< shift)
        // The whole words' top byte is a field byte, the tail word's top byte the one after the
        // field, at the same bit: so the tail's separator bit is cleared before the three are
        // or-ed (or-ing it in, as before, let a tab at offset 7 of a field of 15 or more bytes pass: F5).
        return first | second | (tailBelow ^ 0x80 << 56) == 0 && tail >> 56 == 0x20
    }

    /// start or end of exactly ten digits followed by a space, in seconds; nil for anything else.
    /// Ten digits are below 10^11, so they are seconds as they stand (`FieldValue.seconds` would
    /// leave them as they are; its test and division are not made).
    @inline(__always)
    private static func tenDigits(_ w: ByteWindow, _ p: Int) -> UInt64? {
        let first = w.word(at: p) ^ SWAR.zeroDigits
        let second = w.word(at: p &+ 8) ^ SWAR.zeroDigits
        guard SWAR.nonDigits(first) == 0, SWAR.nonDigits(second) & 0xFF_FFFF == 0x80_0000,
            second >> 16 & 0xFF == 0x20 ^ 0x30
        else { return nil }
        return SWAR.value8(first) &* 100 &+ (second & 0xFF) &* 10 &+ (second >> 8 & 0xFF)
    }

    /// `ACCEPT ` (0) or `REJECT ` (1); nil for anything else.
    @inline(__always)
    private static func acceptOrReject(_ w: ByteWindow, _ p: Int) -> UInt64? {
        let word = w.word(at: p) & 0xFF_FFFF_FFFF_FFFF
        let spaceAfter: UInt64 = 0x20 << 48
        if word == accept | spaceAfter { return 0 }
        if word == reject | spaceAfter { return 1 }
        return nil
    }

    // Each field reader takes the offset `p` (at most `fastLineLimit`) of a field's first byte,
    // stores what it read, and returns the offset of the first byte after the field, or -1 when
    // the field is not what the fast path takes. `after` then checks the separator.

    /// The offset after the separator `separator` at `end`, or -1 when `end` is -1 or holds
    /// another byte.
    @inline(__always)
    private static func after(_ w: ByteWindow, _ end: Int, _ separator: UInt8) -> Int {
        end >= 0 && w.byte(at: end) == separator ? end &+ 1 : -1
    }

    /// A field that is not read: it ends at its first byte below 0x21, and is not empty.
    @inline(__always)
    private static func skipField(_ w: ByteWindow, _ p: Int) -> Int {
        let end = fieldEnd(w, p)
        return end > p ? end : -1
    }

    /// An address: a dotted quad read from two words, else IPv6 classified by word masks, else
    /// whatever the exact parsers make of the field (an IPv6 address with an IPv4 tail), else nothing.
    @inline(__always)
    private static func addressField(
        _ w: ByteWindow, _ bytes: Span<UInt8>, _ origin: Int, _ p: Int, _ address: inout IPAddress
    ) -> Int {
        let low = w.word(at: p)
        let high = w.word(at: p &+ 8)
        let lowLength = SWAR.leadingCount(SWAR.bytesBelow0x21(low))
        let length = lowLength < 8 ? lowLength : 8 &+ SWAR.leadingCount(SWAR.bytesBelow0x21(high))
        if let value = IPAddress.parseIPv4(w, at: p, low: low, high: high, length: length) {
            address = .v4(value)
            return p &+ length
        }
        return otherAddressField(w, bytes, origin, p, &address)
    }

    /// `addressField` for anything but a dotted quad: kept out of line, so that the quad's path is
    /// inlined without the registers and code of the rest. IPv6 is read through the window (the
    /// field ends inside it, `fieldEnd`); a field that parser leaves (an IPv4 tail) goes to the exact
    /// parsers, which take it from `bytes` (at `origin + p`, checked as any span read).
    @inline(never)
    private static func otherAddressField(
        _ w: ByteWindow, _ bytes: Span<UInt8>, _ origin: Int, _ p: Int, _ address: inout IPAddress
    ) -> Int {
        let end = fieldEnd(w, p)
        guard end > p else { return -1 }
        if let value = IPAddress.parseIPv6(w, at: p, length: end &- p) {
            address = .v6(value)
            return end
        }
        guard let value = IPAddress.parse(bytes, (origin &+ p)..<(origin &+ end)) else { return -1 }
        address = value
        return end
    }

    /// packets or bytes: a decimal, or `-` (0, and `missing` set).
    @inline(__always)
    private static func counterField(_ w: ByteWindow, _ p: Int, _ value: inout UInt64, _ missing: inout Bool) -> Int {
        var read: UInt64? = nil
        let end = decimal(w, p, &read)
        if let read { value = read } else { missing = true }
        return end
    }

    /// dstport or protocol: a decimal up to `max`, else (`-`, or a larger number) `absent`, as
    /// `RecordReader.readDetails` reads it; anything but digits or `-` goes to the exact path.
    @inline(__always)
    private static func portField(_ w: ByteWindow, _ p: Int, _ value: inout UInt32, max: UInt64, absent: UInt32) -> Int {
        var read: UInt64? = nil
        let end = decimal(w, p, &read)
        if let read, read <= max { value = UInt32(truncatingIfNeeded: read) } else { value = absent }
        return end
    }

    /// start or end: a decimal in seconds (or milliseconds, `FieldValue.seconds`), or `-` (nil).
    @inline(__always)
    private static func timeField(_ w: ByteWindow, _ p: Int, _ time: inout UInt64?) -> Int {
        var read: UInt64? = nil
        let end = decimal(w, p, &read)
        time = read.map(FieldValue.seconds)
        return end
    }

    /// ACCEPT (0), REJECT (1) or `-` (2).
    @inline(__always)
    private static func actionField(_ w: ByteWindow, _ p: Int, _ action: inout UInt64) -> Int {
        let word = w.word(at: p)
        switch word & 0xFFFF_FFFF_FFFF {
        case accept:
            action = 0
            return p &+ 6
        case reject:
            action = 1
            return p &+ 6
        default:
            guard word & 0xFF == 0x2D else { return -1 }
            action = 2
            return p &+ 1
        }
    }

    /// log-status `OK` (NODATA and SKIPDATA take the exact path).
    @inline(__always)
    private static func statusField(_ w: ByteWindow, _ p: Int) -> Int {
        w.word(at: p) & 0xFFFF == ok ? p &+ 2 : -1
    }

    /// "ACCEPT", "REJECT" and "OK" as little-endian words.
    private static let accept: UInt64 = 0x5450_4543_4341
    private static let reject: UInt64 = 0x5443_454A_4552
    private static let ok: UInt64 = 0x4B4F

    /// The offset of the first byte below 0x21 at or after `p`, or -1 when there is none in the
    /// window (the caller then gives up).
    @inline(__always)
    private static func fieldEnd(_ w: ByteWindow, _ p: Int) -> Int {
        var q = p
        while q <= ByteWindow.size &- 8 {
            let separators = SWAR.bytesBelow0x21(w.word(at: q))
            if separators != 0 { return q &+ SWAR.leadingCount(separators) }
            q &+= 8
        }
        return -1
    }

    /// A decimal of 1 to 16 digits (stored in `value`), or `-` (nil), starting at `p`. -1 for
    /// anything else (the exact path reads longer numbers and refuses junk).
    @inline(__always)
    private static func decimal(_ w: ByteWindow, _ p: Int, _ value: inout UInt64?) -> Int {
        let first = w.word(at: p) ^ SWAR.zeroDigits
        let count = SWAR.leadingCount(SWAR.nonDigits(first))
        if count == 0 {
            guard first & 0xFF == 0x2D ^ 0x30 else { return -1 }
            value = nil
            return p &+ 1
        }
        if count < 8 {
            value = SWAR.value(first, count: count)
            return p &+ count
        }
        let second = w.word(at: p &+ 8) ^ SWAR.zeroDigits
        let more = SWAR.leadingCount(SWAR.nonDigits(second))
        guard more < 8 else { return -1 }
        let high = SWAR.value8(first)
        value = more == 0 ? high : high &* SWAR.powerOf10(more) &+ SWAR.value(second, count: more)
        return p &+ 8 &+ more
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
        dstPort = PortKey.noPort
        protocolNumber = PortKey.noProtocol
        interfaceLength = 0
    }
}
