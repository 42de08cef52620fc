import CCurl
import Glibc

/// Downloads a URL's body with libcurl, loaded with `dlopen` on the first download.
///
/// Why not URLSession: FoundationNetworking (and Foundation under it) made every start of
/// `vpcflow`, whatever the command, 15-20 ms slower: 51 shared libraries to load and relocate,
/// for the one command that downloads (BENCHMARKS.md, "Fixed cost"). libcurl is what
/// FoundationNetworking uses underneath; it is on every machine the Swift toolchain runs on
/// (libcurl4). Loading it only here keeps the other commands' start at a few milliseconds.
///
/// What the download does: TLS certificates are verified (libcurl's default); redirects are
/// followed (at most 10, http and https only); the proxy comes from the environment as for the
/// `curl` tool (`https_proxy`, `no_proxy`, ...); a compressed response is accepted and inflated;
/// the connection is given `timeout` seconds, and the transfer is abandoned when less than one byte
/// a second arrives for `timeout` seconds.
///
/// The call blocks its thread for the whole transfer: it is made once, by `ranges update`, with
/// nothing else to run.
public enum HTTPFetch {
    /// Why a download failed.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let url: String
        public let reason: String
        public var description: String { "cannot download \(url): \(reason)" }
    }

    /// libcurl's names, tried in order: the soname of libcurl 7 and 8 on Linux (OpenSSL build, then
    /// Debian's GnuTLS build), then the development link.
    public static let libraryNames = ["libcurl.so.4", "libcurl-gnutls.so.4", "libcurl.so"]

    /// Whether one of `libraryNames` loads (for tests that need a real libcurl).
    static var isAvailable: Bool { Curl.load(libraryNames) != nil }

    /// GETs `url` and returns the body of a 200 response.
    ///
    /// - Parameter libraries: where to look for libcurl (tests pass a name that does not exist).
    /// - Throws: `Failure` for a URL that is not http or https, no libcurl, a network or TLS error,
    ///   or any status other than 200.
    public static func get(
        _ url: String, timeout: Int = 60, userAgent: String = "vpcflow", libraries: [String] = libraryNames
    ) throws(Failure) -> [UInt8] {
        let scheme = url.prefix(while: { $0 != ":" }).lowercased()
        guard scheme == "http" || scheme == "https", url.dropFirst(scheme.count).hasPrefix("://") else {
            throw Failure(url: url, reason: "not an http or https URL")
        }
        guard let curl = Curl.load(libraries) else {
            throw Failure(
                url: url,
                reason:
                    "libcurl is not installed (looked for \(libraries.joined(separator: ", "))); install it (Debian and Ubuntu: apt-get install libcurl4), or download the file another way and pass it with --ranges or VPCFLOW_RANGES"
            )
        }
        return try curl.get(url, timeout: timeout, userAgent: userAgent)
    }
}

/// libcurl's easy interface, resolved from a `dlopen`ed library.
private struct Curl {
    typealias Handle = UnsafeMutableRawPointer

    let globalInit: @convention(c) (Int) -> Int32
    let easyInit: @convention(c) () -> Handle?
    let perform: @convention(c) (Handle) -> Int32
    let cleanup: @convention(c) (Handle) -> Void
    let strerror: @convention(c) (Int32) -> UnsafePointer<CChar>?
    /// The variadic functions, called through the shim's fixed-type wrappers.
    let setopt: UnsafeMutableRawPointer
    let getinfo: UnsafeMutableRawPointer

    /// The first of `names` that loads and has every function, or nil. The library stays loaded.
    static func load(_ names: [String]) -> Curl? {
        for name in names {
            guard let library = dlopen(name, RTLD_NOW | RTLD_LOCAL) else { continue }
            func symbol(_ name: String) -> UnsafeMutableRawPointer? { dlsym(library, name) }
            guard let globalInit = symbol("curl_global_init"), let easyInit = symbol("curl_easy_init"),
                let perform = symbol("curl_easy_perform"), let cleanup = symbol("curl_easy_cleanup"),
                let strerror = symbol("curl_easy_strerror"), let setopt = symbol("curl_easy_setopt"),
                let getinfo = symbol("curl_easy_getinfo")
            else {
                dlclose(library)
                continue
            }
            return Curl(
                globalInit: unsafeBitCast(globalInit, to: (@convention(c) (Int) -> Int32).self),
                easyInit: unsafeBitCast(easyInit, to: (@convention(c) () -> Handle?).self),
                perform: unsafeBitCast(perform, to: (@convention(c) (Handle) -> Int32).self),
                cleanup: unsafeBitCast(cleanup, to: (@convention(c) (Handle) -> Void).self),
                strerror: unsafeBitCast(strerror, to: (@convention(c) (Int32) -> UnsafePointer<CChar>?).self),
                setopt: setopt, getinfo: getinfo)
        }
        return nil
    }

    /// The body received so far; libcurl's write callback appends to it.
    private final class Body {
        var bytes: [UInt8] = []
    }

    func get(_ url: String, timeout: Int, userAgent: String) throws(HTTPFetch.Failure) -> [UInt8] {
        func fail(_ reason: String) -> HTTPFetch.Failure { HTTPFetch.Failure(url: url, reason: reason) }
        let initialized = globalInit(Int(VPCFLOW_CURL_GLOBAL_DEFAULT))
        guard initialized == 0, let handle = easyInit() else {
            throw fail("libcurl could not start (code \(initialized))")
        }
        defer { cleanup(handle) }

        let body = Body()
        var message = [CChar](repeating: 0, count: Int(VPCFLOW_CURL_ERROR_SIZE))
        let code = message.withUnsafeMutableBufferPointer { messageBuffer -> Int32 in
            func long(_ option: Int32, _ value: Int) -> Int32 {
                vpcflow_curl_setopt_long(setopt, handle, option, value)
            }
            // String options are copied by libcurl (since 7.17), so the C strings may end here.
            func text(_ option: Int32, _ value: String) -> Int32 {
                value.withCString { vpcflow_curl_setopt_pointer(setopt, handle, option, $0) }
            }
            let set = [
                text(Int32(VPCFLOW_CURLOPT_URL), url),
                text(Int32(VPCFLOW_CURLOPT_USERAGENT), userAgent),
                // "": every encoding this libcurl can inflate.
                text(Int32(VPCFLOW_CURLOPT_ACCEPT_ENCODING), ""),
                long(Int32(VPCFLOW_CURLOPT_PROTOCOLS), Int(VPCFLOW_CURLPROTO_HTTP_HTTPS)),
                long(Int32(VPCFLOW_CURLOPT_REDIR_PROTOCOLS), Int(VPCFLOW_CURLPROTO_HTTP_HTTPS)),
                long(Int32(VPCFLOW_CURLOPT_FOLLOWLOCATION), 1),
                long(Int32(VPCFLOW_CURLOPT_MAXREDIRS), 10),
                long(Int32(VPCFLOW_CURLOPT_CONNECTTIMEOUT), timeout),
                long(Int32(VPCFLOW_CURLOPT_LOW_SPEED_LIMIT), 1),
                long(Int32(VPCFLOW_CURLOPT_LOW_SPEED_TIME), timeout),
                // No signals from libcurl's resolver timeouts in a multi-threaded process.
                long(Int32(VPCFLOW_CURLOPT_NOSIGNAL), 1),
                vpcflow_curl_setopt_pointer(
                    setopt, handle, Int32(VPCFLOW_CURLOPT_ERRORBUFFER), messageBuffer.baseAddress),
                vpcflow_curl_setopt_pointer(
                    setopt, handle, Int32(VPCFLOW_CURLOPT_WRITEDATA),
                    Unmanaged.passUnretained(body).toOpaque()),
                vpcflow_curl_setopt_write(setopt, handle) { data, size, count, context in
                    let length = size * count
                    guard let data, let context else { return length }
                    let body = Unmanaged<Body>.fromOpaque(context).takeUnretainedValue()
                    body.bytes.append(contentsOf: UnsafeRawBufferPointer(start: data, count: length))
                    return length
                },
            ]
            // An option libcurl refuses fails the download with its code.
            let code = set.first(where: { $0 != 0 }) ?? perform(handle)
            // The message buffer is valid only in this closure: the handle must not keep it.
            _ = vpcflow_curl_setopt_pointer(setopt, handle, Int32(VPCFLOW_CURLOPT_ERRORBUFFER), nil)
            return code
        }
        // `body` must outlive the transfer: libcurl holds it unretained.
        withExtendedLifetime(body) {}
        guard code == 0 else {
            let detail = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            let summary = strerror(code).map { String(cString: $0) } ?? "libcurl error \(code)"
            throw fail(detail.isEmpty ? summary : detail)
        }
        var status = 0
        _ = vpcflow_curl_getinfo_long(getinfo, handle, Int32(VPCFLOW_CURLINFO_RESPONSE_CODE), &status)
        guard status == 200 else { throw fail("HTTP status \(status)") }
        return body.bytes
    }
}
