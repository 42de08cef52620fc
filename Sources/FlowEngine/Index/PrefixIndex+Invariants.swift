extension PrefixIndex {
    /// Debug-only structural checks: intervals start at 0, are strictly increasing and change class
    /// at every boundary; match sets are ascending and hold entries that contain the interval; the
    /// IPv4 table agrees with the intervals at and next to every boundary.
    func checkInvariants() {
        func checkSweep<A: FixedWidthInteger & UnsignedInteger & Sendable>(_ sweep: IntervalSweep<A>, _ family: String) {
            precondition(sweep.starts.first == 0, "\(family): intervals do not start at 0")
            for i in sweep.starts.indices.dropFirst() {
                precondition(sweep.starts[i - 1] < sweep.starts[i], "\(family): interval starts not increasing at \(i)")
                precondition(sweep.classes[i - 1] != sweep.classes[i], "\(family): equal neighbouring classes at \(i)")
            }
        }
        checkSweep(ipv4, "IPv4")
        checkSweep(ipv6, "IPv6")
        precondition(matchStart.count == primaryEntry.count + 1, "class tables disagree in size")
        for c in 0..<classCount {
            let members = matchSet(AddressClass(rawValue: UInt32(c)))
            precondition(zip(members, members.dropFirst()).allSatisfy { $0 < $1 }, "match set \(c) not ascending")
            precondition(c < 2 ? members.isEmpty : !members.isEmpty, "class \(c) has a wrong match set")
        }
        for (i, start) in ipv4.starts.enumerated() {
            let address = IPAddress.v4(start)
            precondition(ipv4Table.lookup(start) == ipv4.classes[i], "IPv4 table disagrees at \(address)")
            if start > 0 {
                precondition(ipv4Table.lookup(start - 1) == ipv4.classes[i - 1], "IPv4 table disagrees before \(address)")
            }
            for member in matchSet(ipv4.classes[i]) {
                precondition(entries[Int(member)].prefix.contains(address), "entry \(member) does not contain \(address)")
            }
        }
    }
}
