import CIsal
import Glibc

/// The library that inflates gzip input.
///
/// `zlib` is always there (linked). `isal` is Intel's ISA-L (`libisal.so.2`, Debian `libisal2`),
/// about 4.5× faster than zlib on flow logs here (issue 13), loaded with `dlopen` on first use,
/// as `HTTPFetch` loads libcurl: building needs nothing new, and a machine without it reads gzip
/// with zlib and gets the same reports.
public enum Inflater: String, Sendable, CaseIterable {
    case zlib
    case isal
}

/// What the command line asks for: `auto` is ISA-L when it loads, zlib otherwise.
public enum InflaterChoice: String, Sendable, CaseIterable {
    case auto
    case zlib
    case isal

    /// The inflater this choice means on this machine; nil for `isal` when ISA-L cannot be loaded
    /// (`ISAL.unavailableReason` says why). Loads the library once per process.
    public var resolved: Inflater? {
        switch self {
        case .zlib: .zlib
        case .isal: ISAL.isAvailable ? .isal : nil
        case .auto: ISAL.isAvailable ? .isal : .zlib
        }
    }
}

/// ISA-L's inflate, loaded once per process.
public enum ISAL {
    /// The file `dlopen` is given: `$VPCFLOW_ISAL_LIBRARY` when set (tests name one that does not
    /// exist, to prove the fallback), else the soname of ISA-L 2.x.
    public static var libraryName: String { library.name }

    /// Whether ISA-L loaded and has the three functions the reader calls.
    public static var isAvailable: Bool { library.functions != nil }

    /// Why ISA-L is not available (dlerror's text), or nil when it is.
    public static var unavailableReason: String? { library.functions == nil ? library.failure : nil }

    /// The functions, for `GzipReader`; nil when the library is absent.
    static var functions: Functions? { library.functions }

    struct Functions: Sendable {
        let initialize: vpcflow_isal_inflate_init_fn
        let reset: vpcflow_isal_inflate_init_fn
        let inflate: vpcflow_isal_inflate_fn
    }

    /// A Swift global is initialized once, on first use, under `swift_once`: every thread sees
    /// the same result and dlopen runs once.
    private static let library = Library.load()

    private struct Library: Sendable {
        let name: String
        let functions: Functions?
        let failure: String

        static func load() -> Library {
            let name = FileReading.environment("VPCFLOW_ISAL_LIBRARY").flatMap { $0.isEmpty ? nil : $0 } ?? "libisal.so.2"
            guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else {
                return Library(name: name, functions: nil, failure: dlerror().map { String(cString: $0) } ?? "\(name): cannot be loaded")
            }
            guard let initialize = dlsym(handle, "isal_inflate_init"), let reset = dlsym(handle, "isal_inflate_reset"),
                let inflate = dlsym(handle, "isal_inflate")
            else {
                dlclose(handle)
                return Library(name: name, functions: nil, failure: "\(name) has no isal_inflate_init, isal_inflate_reset or isal_inflate")
            }
            // The library stays loaded for the life of the process: the pointers are used by every reader.
            return Library(
                name: name,
                functions: Functions(
                    initialize: unsafeBitCast(initialize, to: vpcflow_isal_inflate_init_fn.self),
                    reset: unsafeBitCast(reset, to: vpcflow_isal_inflate_init_fn.self),
                    inflate: unsafeBitCast(inflate, to: vpcflow_isal_inflate_fn.self)),
                failure: "")
        }
    }
}
