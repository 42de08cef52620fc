import Testing

@testable import FlowIO

/// `HTTPFetch` without a server: the URL rule, a missing libcurl, and a refused connection. The
/// downloads themselves are tested end to end against a local server (`RangesUpdateTests`).
struct HTTPFetchTests {
    static func failure(_ url: String, libraries: [String] = HTTPFetch.libraryNames) -> HTTPFetch.Failure? {
        do {
            _ = try HTTPFetch.get(url, timeout: 5, libraries: libraries)
            return nil
        } catch {
            return error
        }
    }

    @Test("only http and https URLs are fetched", arguments: ["ftp://example.com/x", "file:///etc/hostname", "http:/x", "httpx://x", "ip-ranges.json", ""])
    func schemes(_ url: String) {
        // No library is needed to refuse them: none is given.
        let failure = Self.failure(url, libraries: [])
        #expect(failure?.reason == "not an http or https URL", "\(String(describing: failure))")
        #expect(failure?.url == url)
    }

    @Test("without libcurl the failure says what to install and what else to do")
    func noLibrary() {
        let failure = Self.failure("https://example.com/ip-ranges.json", libraries: ["libvpcflow-no-such-curl.so.9"])
        let reason = failure?.reason ?? ""
        #expect(reason.contains("libcurl is not installed"), "\(reason)")
        #expect(reason.contains("libvpcflow-no-such-curl.so.9"), "\(reason)")
        #expect(reason.contains("--ranges"), "\(reason)")
    }

    @Test(
        "a refused connection fails with libcurl's reason and the URL",
        .enabled(if: HTTPFetch.isAvailable, "libcurl is not installed on this machine"))
    func refused() {
        // Port 1 on the loopback address: nothing listens there.
        let url = "http://127.0.0.1:1/ip-ranges.json"
        let failure = Self.failure(url)
        #expect(failure?.url == url)
        #expect(failure?.description.hasPrefix("cannot download \(url): ") == true, "\(String(describing: failure))")
        #expect(failure?.reason.isEmpty == false)
    }
}
