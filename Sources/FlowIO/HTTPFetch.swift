import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Downloads a URL's body with URLSession (which verifies TLS certificates).
public enum HTTPFetch {
    /// Why a download failed.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let url: String
        public let reason: String
        public var description: String { "cannot download \(url): \(reason)" }
    }

    /// GETs `url` and returns the body of a 200 response.
    ///
    /// - Throws: `Failure` for a bad URL, a network error, or any status other than 200.
    public static func get(_ url: String, timeout: Double = 60) async throws(Failure) -> [UInt8] {
        guard let target = URL(string: url), let scheme = target.scheme, ["http", "https"].contains(scheme) else {
            throw Failure(url: url, reason: "not an http or https URL")
        }
        var request = URLRequest(url: target)
        request.timeoutInterval = timeout
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw Failure(url: url, reason: error.localizedDescription)
        }
        guard let http = response as? HTTPURLResponse else {
            throw Failure(url: url, reason: "no HTTP response")
        }
        guard http.statusCode == 200 else {
            throw Failure(url: url, reason: "HTTP status \(http.statusCode)")
        }
        return [UInt8](data)
    }
}
