/// The identity of a ranges snapshot and of a labels file, by content: what a partial records so
/// that partials counted against different entry lists are never merged.
///
/// The digest is SHA-256 over a canonical text of the entry list, in order (order decides primary
/// attribution among entries of one CIDR, so it is part of the identity), one line per entry:
/// `prefix TAB region TAB service TAB network_border_group LF`, the prefix as vpcflow prints it
/// (`IPPrefix.description`: lower-case, compressed IPv6). AWS entries (IPv4 then IPv6, file order)
/// make the ranges digest; label entries (file order) make the labels digest. Two files that differ
/// only in whitespace, key order or fields vpcflow does not read have the same digest.
public enum RangesIdentity {
    public static func snapshot(of ranges: RangeSet) -> Partial.Snapshot {
        var aws = SHA256()
        var labels = SHA256()
        var labelCount = 0
        var line: [UInt8] = []
        for entry in ranges.entries {
            line.removeAll(keepingCapacity: true)
            line += entry.prefix.description.utf8
            line.append(0x09)
            line += entry.region.utf8
            line.append(0x09)
            line += entry.service.utf8
            line.append(0x09)
            line += entry.networkBorderGroup.utf8
            line.append(0x0A)
            switch entry.origin {
            case .aws: aws.update(line)
            case .label:
                labels.update(line)
                labelCount += 1
            }
        }
        let provenance = ranges.provenance
        return Partial.Snapshot(
            rangesDigest: Hex.encode(aws.finish()), syncToken: provenance.syncToken, createDate: provenance.createDate,
            ipv4Entries: provenance.ipv4Entries, ipv6Entries: provenance.ipv6Entries,
            labelsDigest: provenance.labelsPath == nil ? nil : Hex.encode(labels.finish()),
            labelEntries: provenance.labelEntries)
    }
}
