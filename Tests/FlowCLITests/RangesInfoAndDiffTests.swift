import Testing

/// `vpcflow ranges info` and `vpcflow ranges diff` on the real AWS snapshots, checked against the
/// numbers measured independently in ../shared/datasets/SOURCES.md.
@Suite("ranges info and ranges diff", .enabled(if: Fixtures.hasSnapshots, Fixtures.skipSnapshots))
struct RangesInfoAndDiffTests {
    static var newer: String { Fixtures.realSnapshot ?? "" }
    static var older: String { Fixtures.olderSnapshot ?? "" }

    @Test("ranges info shows syncToken and entry counts of the snapshot")
    func infoText() async throws {
        let result = try await Vpcflow.run(["ranges", "info", "--ranges", Self.newer])
        #expect(result.exited(0))
        let lines = result.stdoutText.split(separator: "\n").map(String.init)
        #expect(lines.contains("syncToken:   1787411825"))
        #expect(lines.contains("createDate:  2026-08-22-15-17-05"))
        #expect(lines.contains("entries:     16828 (IPv4 10668, IPv6 6160)"))
        #expect(lines.contains("prefixes:    IPv4 7905 distinct, IPv6 3108 distinct"))
        #expect(lines.contains { $0.hasPrefix("  AMAZON ") && $0.hasSuffix("  6084    2901") }, "\(result.stdoutText)")
    }

    @Test("ranges info --format json parses and carries the same numbers")
    func infoJSON() async throws {
        let result = try await Vpcflow.run(["ranges", "info", "--ranges", Self.newer, "--format", "json"])
        #expect(result.exited(0))
        let info = try JSON.object(result.stdout)
        #expect(info["sync_token"] as? String == "1787411825")
        #expect(info["create_date"] as? String == "2026-08-22-15-17-05")
        #expect(info["ipv4_entries"] as? Int == 10668)
        #expect(info["ipv6_entries"] as? Int == 6160)
        #expect(info["distinct_ipv4_prefixes"] as? Int == 7905)
        #expect(info["distinct_ipv6_prefixes"] as? Int == 3108)
        let services = try JSON.objects(info, "services")
        #expect(services.count == 28)
        let byName = Dictionary(uniqueKeysWithValues: services.map { ($0["name"] as? String ?? "", $0) })
        #expect(byName["AMAZON"]?["ipv4"] as? Int == 6084 && byName["AMAZON"]?["ipv6"] as? Int == 2901)
        #expect(byName["S3"]?["ipv4"] as? Int == 441 && byName["S3"]?["ipv6"] as? Int == 513)
        #expect(byName["IOT_CORE"]?["ipv4"] as? Int == 0 && byName["IOT_CORE"]?["ipv6"] as? Int == 41)
        #expect(services.reduce(0) { $0 + ($1["ipv4"] as? Int ?? 0) } == 10668)
        #expect(services.reduce(0) { $0 + ($1["ipv6"] as? Int ?? 0) } == 6160)
        #expect(try JSON.objects(info, "regions").count == 43)
    }

    @Test("ranges diff older newer: 512 added, 83 removed")
    func diffText() async throws {
        let result = try await Vpcflow.run(["ranges", "diff", Self.older, Self.newer])
        #expect(result.exited(0))
        #expect(result.stderrText == "")
        let lines = result.stdoutText.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("old: \(Self.older) (syncToken 1784760425, ") == true)
        #expect(lines.count > 1 && lines[1].hasPrefix("new: \(Self.newer) (syncToken 1787411825, "))
        #expect(lines.contains("added 512 entries, removed 83 entries"))
        let iot = lines.filter { $0.hasPrefix("  IOT_CORE ") }
        #expect(!iot.isEmpty)
        #expect(iot.allSatisfy { $0.hasSuffix(" 0") }, "IOT_CORE rows with removals:\n\(iot.joined(separator: "\n"))")
    }

    @Test("ranges diff --format json --entries: per family counts, IOT_CORE only added")
    func diffJSON() async throws {
        let result = try await Vpcflow.run(["ranges", "diff", "--format", "json", "--entries", Self.older, Self.newer])
        #expect(result.exited(0))
        let diff = try JSON.object(result.stdout)
        #expect(diff["added"] as? Int == 512)
        #expect(diff["removed"] as? Int == 83)
        let added = try JSON.objects(diff, "added_entries")
        let removed = try JSON.objects(diff, "removed_entries")
        let isIPv6 = { (entry: [String: Any]) in (entry["prefix"] as? String ?? "").contains(":") }
        #expect(added.filter { !isIPv6($0) }.count == 193)
        #expect(added.filter(isIPv6).count == 319)
        #expect(removed.filter { !isIPv6($0) }.count == 51)
        #expect(removed.filter(isIPv6).count == 32)
        #expect(added.filter { $0["service"] as? String == "IOT_CORE" }.count == 41)
        #expect(!removed.contains { $0["service"] as? String == "IOT_CORE" })
        let rows = try JSON.objects(diff, "by_service_and_region")
        #expect(rows.reduce(0) { $0 + ($1["added"] as? Int ?? 0) } == 512)
        #expect(rows.reduce(0) { $0 + ($1["removed"] as? Int ?? 0) } == 83)
        let iotRows = rows.filter { $0["service"] as? String == "IOT_CORE" }
        #expect(iotRows.reduce(0) { $0 + ($1["added"] as? Int ?? 0) } == 41)
        #expect(iotRows.allSatisfy { $0["removed"] as? Int == 0 })
    }

    @Test("ranges diff --entries lists 512 '+' and 83 '-' lines")
    func diffEntriesText() async throws {
        let result = try await Vpcflow.run(["ranges", "diff", "--entries", Self.older, Self.newer])
        #expect(result.exited(0))
        let lines = result.stdoutText.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("+ ") }.count == 512)
        #expect(lines.filter { $0.hasPrefix("- ") }.count == 83)
        #expect(lines.filter { $0.hasPrefix("+ ") && $0.contains(" IOT_CORE ") }.count == 41)
        #expect(!lines.contains { $0.hasPrefix("- ") && $0.contains(" IOT_CORE ") })
    }

    @Test("ranges diff the other way round swaps the counts; a file against itself is empty")
    func diffSymmetry() async throws {
        let reversed = try await Vpcflow.run(["ranges", "diff", Self.newer, Self.older])
        #expect(reversed.stdoutText.contains("\nadded 83 entries, removed 512 entries\n"))
        let same = try await Vpcflow.run(["ranges", "diff", "--format", "json", Self.newer, Self.newer])
        let diff = try JSON.object(same.stdout)
        #expect(diff["added"] as? Int == 0 && diff["removed"] as? Int == 0)
        #expect(try JSON.objects(diff, "by_service_and_region").isEmpty)
    }
}
