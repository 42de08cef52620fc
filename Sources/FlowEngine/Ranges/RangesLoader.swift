/// Reads AWS's `ip-ranges.json` into a `RangeSet`.
///
/// Every entry is kept, in file order, duplicates included. The document is validated completely
/// before anything is returned: the first problem is reported with the entry it is in.
///
/// Accepted variations seen in AWS's history: no `network_border_group` (files before April 2020;
/// the region is used), no `ipv6_prefixes` (before August 2016), a malformed `createDate` (kept as
/// text). Refused: a missing `syncToken`, `createDate` or `prefixes`, a missing `ip_prefix`,
/// `region` or `service`, and any CIDR that is invalid or has host bits set (never masked).
public enum RangesLoader {
    /// Parses and validates `bytes`, the contents of the file at `path` (used in messages).
    ///
    /// - Complexity: O(n) in the file size; the real 2.6 MB snapshot takes a few milliseconds.
    public static func load(_ bytes: [UInt8], path: String) throws(RangesError) -> RangeSet {
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            throw RangesError(path: path, location: "", message: "not valid JSON: \(error)")
        }
        guard case .object = document else {
            throw RangesError(path: path, location: "", message: "expected a JSON object at the top level")
        }
        let syncToken = try text(document, "syncToken", at: "", path: path)
        let createDate = try text(document, "createDate", at: "", path: path)
        guard let v4 = document["prefixes"]?.arrayValue else {
            throw RangesError(path: path, location: "prefixes", message: "missing or not an array")
        }
        var entries: [RangeEntry] = []
        entries.reserveCapacity(v4.count)
        for (index, item) in v4.enumerated() {
            entries.append(try entry(item, prefixKey: "ip_prefix", ipv4: true, at: "prefixes[\(index)]", path: path))
        }
        var v6Count = 0
        if let v6Value = document["ipv6_prefixes"] {
            guard let v6 = v6Value.arrayValue else {
                throw RangesError(path: path, location: "ipv6_prefixes", message: "not an array")
            }
            v6Count = v6.count
            entries.reserveCapacity(v4.count + v6.count)
            for (index, item) in v6.enumerated() {
                entries.append(
                    try entry(item, prefixKey: "ipv6_prefix", ipv4: false, at: "ipv6_prefixes[\(index)]", path: path))
            }
        }
        let provenance = RangesProvenance(
            path: path, syncToken: syncToken, createDate: createDate, ipv4Entries: v4.count, ipv6Entries: v6Count)
        return RangeSet(entries: entries, provenance: provenance)
    }

    private static func entry(
        _ item: JSONValue, prefixKey: String, ipv4: Bool, at location: @autoclosure () -> String, path: String
    ) throws(RangesError) -> RangeEntry {
        // `location` ("prefixes[17]") is built only for an error: formatting it for every entry
        // cost more than reading the entry.
        guard case .object = item else {
            throw RangesError(path: path, location: location(), message: "expected an object")
        }
        let cidrText = try text(item, prefixKey, at: location(), path: path)
        let region = try text(item, "region", at: location(), path: path)
        let service = try text(item, "service", at: location(), path: path)
        // Files before April 2020 have no network_border_group: the region stands in for it.
        let borderGroup = item["network_border_group"] == nil ? region : try text(item, "network_border_group", at: location(), path: path)
        let prefix: IPPrefix
        do {
            prefix = try IPPrefix(cidrText)
        } catch {
            throw RangesError(path: path, location: "\(location()).\(prefixKey)", message: error.description)
        }
        guard prefix.isIPv4 == ipv4 else {
            throw RangesError(
                path: path, location: "\(location()).\(prefixKey)",
                message: "\"\(cidrText)\" is an \(ipv4 ? "IPv6" : "IPv4") prefix in the \(ipv4 ? "IPv4" : "IPv6") list")
        }
        guard !region.isEmpty, !service.isEmpty else {
            throw RangesError(path: path, location: location(), message: "empty region or service")
        }
        return RangeEntry(prefix: prefix, region: region, service: service, networkBorderGroup: borderGroup, origin: .aws)
    }

    private static func text(
        _ object: JSONValue, _ key: String, at location: @autoclosure () -> String, path: String
    ) throws(RangesError) -> String {
        guard let value = object[key] else {
            throw RangesError(path: path, location: location(), message: "missing key \"\(key)\"")
        }
        guard let string = value.stringValue else {
            let at = location()
            throw RangesError(path: path, location: at.isEmpty ? key : "\(at).\(key)", message: "expected a string")
        }
        return string
    }
}
