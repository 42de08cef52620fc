import Foundation
import Testing

/// `vpcflow ranges update` against a local HTTP server (python3's http.server on 127.0.0.1) serving
/// copies of the two real snapshots and broken files, with the cache in a temporary XDG_CACHE_HOME.
/// Every test starts from a cache state it sets up itself, and checks the cached file byte for byte.
@Suite(
    "ranges update from a local server",
    // One python server at a time: ten interpreters starting at once on a loaded 2-core machine
    // took longer than any sane timeout.
    .serialized,
    .enabled(if: LocalHTTPServer.python3 != nil, LocalHTTPServer.skipNoPython),
    .enabled(if: Fixtures.hasSnapshots, Fixtures.skipSnapshots))
struct RangesUpdateTests {
    /// One test's world: a served directory, a cache directory, and the server's base URL.
    struct World {
        let baseURL: String
        let cacheHome: String
        var cacheDirectory: String { "\(cacheHome)/vpcflow" }
        var cacheFile: String { "\(cacheDirectory)/ip-ranges.json" }

        /// `vpcflow ranges update --url BASE/NAME [--force]`.
        func update(_ name: String, force: Bool = false) async throws -> ProcessOutput {
            try await Vpcflow.run(
                ["ranges", "update", "--url", "\(baseURL)/\(name)"] + (force ? ["--force"] : []),
                environment: [
                    "XDG_CACHE_HOME": cacheHome,
                    // The request must go straight to 127.0.0.1, whatever proxy the machine uses.
                    "http_proxy": nil, "HTTP_PROXY": nil, "all_proxy": nil, "ALL_PROXY": nil,
                    "no_proxy": "127.0.0.1,localhost", "NO_PROXY": "127.0.0.1,localhost",
                ])
        }

        func cached() throws -> [UInt8]? {
            FileManager.default.fileExists(atPath: cacheFile) ? try Fixtures.read(cacheFile) : nil
        }

        func seedCache(_ bytes: [UInt8]) throws { try Fixtures.write(bytes, to: cacheFile) }

        /// Every name in the cache directory: only `ip-ranges.json` may be there (no temp files).
        func cacheListing() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: cacheDirectory).sorted()
        }
    }

    static let older = (try? Fixtures.read(Fixtures.olderSnapshot ?? "")) ?? []
    static let newer = (try? Fixtures.read(Fixtures.realSnapshot ?? "")) ?? []

    /// A valid ranges file, newer than both snapshots, but with a CIDR that has host bits set.
    static let hostBits = Array(
        """
        {"syncToken": "1799999999", "createDate": "2027-01-15-08-00-00",
         "prefixes": [{"ip_prefix": "3.2.34.1/26", "region": "af-south-1", "service": "AMAZON",
                       "network_border_group": "af-south-1"}],
         "ipv6_prefixes": []}
        """.utf8)

    /// Serves older.json, newer.json, truncated.json and host-bits.json while `body` runs.
    func withWorld(_ body: (World) async throws -> Void) async throws {
        try await withTemporaryDirectory { root in
            let www = "\(root)/www"
            try Fixtures.write(Self.older, to: "\(www)/older.json")
            try Fixtures.write(Self.newer, to: "\(www)/newer.json")
            try Fixtures.write(Array(Self.newer.prefix(Self.newer.count / 2)), to: "\(www)/truncated.json")
            try Fixtures.write(Self.hostBits, to: "\(www)/host-bits.json")
            try FileManager.default.createDirectory(atPath: "\(root)/cache", withIntermediateDirectories: true)
            try await LocalHTTPServer.serving(www) { baseURL in
                try await body(World(baseURL: baseURL, cacheHome: "\(root)/cache"))
            }
        }
    }

    @Test("(a) first update saves the download byte for byte")
    func firstUpdate() async throws {
        try await withWorld { world in
            let result = try await world.update("older.json")
            #expect(result.exited(0), "status \(result.status): \(result.stderrText)")
            #expect(try world.cached() == Self.older)
            #expect(result.stdoutText.contains("saved \(world.cacheFile) (syncToken 1784760425"), "\(result.stdoutText)")
            #expect(try world.cacheListing() == ["ip-ranges.json"])
        }
    }

    @Test("(b) a newer file replaces the cache and the output says what changed")
    func newerReplaces() async throws {
        try await withWorld { world in
            try world.seedCache(Self.older)
            let result = try await world.update("newer.json")
            #expect(result.exited(0), "status \(result.status): \(result.stderrText)")
            #expect(try world.cached() == Self.newer)
            #expect(result.stdoutText.contains("added 512 entries, removed 83 entries"), "\(result.stdoutText)")
            #expect(result.stdoutText.contains("IOT_CORE"))
            #expect(try world.cacheListing() == ["ip-ranges.json"])
        }
    }

    @Test("(c) an older file is refused without --force, cache unchanged")
    func olderRefused() async throws {
        try await withWorld { world in
            try world.seedCache(Self.newer)
            let result = try await world.update("older.json")
            #expect(!result.exited(0), "an older file was accepted")
            #expect(result.stderrText.contains("--force"), "stderr: \(result.stderrText)")
            #expect(try world.cached() == Self.newer)
            #expect(try world.cacheListing() == ["ip-ranges.json"])
        }
    }

    @Test("(d) --force accepts an older file; updating again restores the newer")
    func forceAcceptsOlder() async throws {
        try await withWorld { world in
            try world.seedCache(Self.newer)
            let forced = try await world.update("older.json", force: true)
            #expect(forced.exited(0), "status \(forced.status): \(forced.stderrText)")
            #expect(try world.cached() == Self.older)
            #expect(forced.stdoutText.contains("added 83 entries, removed 512 entries"), "\(forced.stdoutText)")
            let restored = try await world.update("newer.json")
            #expect(restored.exited(0))
            #expect(try world.cached() == Self.newer)
        }
    }

    @Test("the same file again is reported up to date and left alone")
    func sameFileUpToDate() async throws {
        try await withWorld { world in
            try world.seedCache(Self.newer)
            let result = try await world.update("newer.json")
            #expect(result.exited(0))
            #expect(result.stdoutText.contains("up to date"), "\(result.stdoutText)")
            #expect(try world.cached() == Self.newer)
        }
    }

    @Test("an unusable cached copy is replaced, with a warning")
    func corruptCacheReplaced() async throws {
        try await withWorld { world in
            try world.seedCache(Array("not json\n".utf8))
            let result = try await world.update("older.json")
            #expect(result.exited(0), "status \(result.status): \(result.stderrText)")
            #expect(result.stderrText.contains("warning: the cached copy is not usable"), "\(result.stderrText)")
            #expect(try world.cached() == Self.older)
            #expect(try world.cacheListing() == ["ip-ranges.json"])
        }
    }

    @Test("(e) a broken download fails and leaves the cache untouched", arguments: ["truncated.json", "host-bits.json"])
    func brokenDownload(_ name: String) async throws {
        try await withWorld { world in
            try world.seedCache(Self.newer)
            let result = try await world.update(name)
            #expect(!result.exited(0), "a broken file was accepted")
            #expect(result.exited(65), "status \(result.status)")
            #expect(result.stderrText.contains("not a valid ranges file"), "stderr: \(result.stderrText)")
            #expect(try world.cached() == Self.newer)
            #expect(try world.cacheListing() == ["ip-ranges.json"], "temporary files left behind")
        }
    }

    @Test("(e) a broken download into an empty cache creates nothing")
    func brokenDownloadEmptyCache() async throws {
        try await withWorld { world in
            let result = try await world.update("truncated.json")
            #expect(!result.exited(0))
            #expect(try world.cached() == nil)
            let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: world.cacheDirectory)) ?? []
            #expect(leftovers.isEmpty, "left behind: \(leftovers)")
        }
    }

    @Test("(f) a 404 exits 74 and leaves the cache untouched")
    func notFound() async throws {
        try await withWorld { world in
            try world.seedCache(Self.newer)
            let result = try await world.update("no-such-file.json")
            #expect(result.exited(74), "status \(result.status): \(result.stderrText)")
            #expect(result.stderrText.contains("404"), "stderr: \(result.stderrText)")
            #expect(try world.cached() == Self.newer)
            #expect(try world.cacheListing() == ["ip-ranges.json"])
        }
    }
}
