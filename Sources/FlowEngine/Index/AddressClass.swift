/// The equivalence class of an address under a `PrefixIndex`: two addresses have the same class
/// exactly when the same entries contain them (and, when none does, when both are private or both
/// are internet). Everything a report needs about an address follows from its class, so the hot path
/// looks up a class once and then only indexes small tables by it.
public struct AddressClass: Hashable, Sendable, Comparable {
    public let rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Public address in no entry.
    public static let internet = AddressClass(rawValue: 0)
    /// Private address (see `PrivateNetworks`) in no entry.
    public static let privateNetwork = AddressClass(rawValue: 1)

    public static func < (lhs: AddressClass, rhs: AddressClass) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Who a flow's address is counted for under `primary` attribution.
public enum Attribution: Sendable, Hashable {
    /// The entry at this index of the index's `entries`.
    case entry(Int)
    /// No entry contains the address, and it is private.
    case privateNetwork
    /// No entry contains the address, and it is public.
    case internet
}

/// The address blocks that count as `PRIVATE` when no entry contains an address (README, Decisions):
/// RFC 1918, shared address space (RFC 6598), link-local, loopback, IPv6 unique-local, IPv6
/// link-local and the IPv6 loopback.
///
/// Deliberately not here: other special-purpose blocks (documentation ranges such as 192.0.2.0/24,
/// multicast, `::`): they are `INTERNET`, as README's Decisions say.
public enum PrivateNetworks {
    public static let prefixes: [IPPrefix] = [
        "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16", "127.0.0.0/8",
        "fc00::/7", "fe80::/10", "::1/128",
    ].map { try! IPPrefix($0) }
}
