// swift-tools-version: 6.2
import PackageDescription

/// One list of settings for every target, so no module is built differently from another.
let settings: [SwiftSetting] = [
    // Swift 6 language mode already implies complete concurrency checking; say it anyway so a
    // downgrade of the tools version cannot silently weaken it.
    .enableUpcomingFeature("StrictConcurrency"),
    // `any P` spelled out wherever an existential is used: existentials are never on the hot path
    // and the spelling makes them visible in review.
    .enableUpcomingFeature("ExistentialAny"),
    // Imports are internal unless marked public, so a module cannot leak Glibc or zlib to its users.
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "vpcflow",
    products: [
        .executable(name: "vpcflow", targets: ["vpcflow"]),
        .executable(name: "vpcflow-bench", targets: ["VpcflowBench"]),
        .executable(name: "vpcflow-count", targets: ["VpcflowCount"]),
    ],
    targets: [
        // The system zlib (gzip input). Only FlowIO imports it.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        // libcurl's easy interface, for `ranges update`: declarations only, the library is loaded
        // with dlopen when a download is asked for (HTTPFetch.swift says why).
        .systemLibrary(name: "CCurl", path: "Sources/CCurl"),
        // ISA-L's inflate, the faster gzip inflater: declarations only (the struct layout of its
        // ABI and the function types), the library is loaded with dlopen when present (Inflater.swift).
        .systemLibrary(name: "CIsal", path: "Sources/CIsal"),
        // The SIGBUS guard for mapped files: a signal handler, written in C so that it does only
        // async-signal-safe work (Sources/CFlowIO/include/mapguard.h). Only FlowIO imports it.
        .target(name: "CFlowIO", path: "Sources/CFlowIO"),
        // The only module that touches libc, zlib, ISA-L, libcurl or raw pointers.
        .target(name: "FlowIO", dependencies: ["CZlib", "CCurl", "CIsal", "CFlowIO"], swiftSettings: settings),
        // Everything else of the job: addresses, ranges, index, parsing, aggregation, reports.
        .target(name: "FlowEngine", dependencies: ["FlowIO"], swiftSettings: settings),
        // The command line: argument parsing, commands, help text, exit codes.
        .target(name: "FlowCLI", dependencies: ["FlowEngine", "FlowIO"], swiftSettings: settings),
        .executableTarget(name: "vpcflow", dependencies: ["FlowCLI"], swiftSettings: settings),
        .executableTarget(
            name: "VpcflowBench", dependencies: ["FlowEngine", "FlowIO"], path: "Benchmarks/VpcflowBench",
            swiftSettings: settings),
        // Counts a file on one thread without Swift concurrency, for valgrind's instruction counts.
        .executableTarget(
            name: "VpcflowCount", dependencies: ["FlowEngine", "FlowIO"], path: "Benchmarks/VpcflowCount",
            swiftSettings: settings),
        // CIsal: IsalLayoutTests holds its declarations to the real igzip_lib.h where it is installed.
        .testTarget(name: "FlowIOTests", dependencies: ["FlowIO", "CIsal"], swiftSettings: settings),
        .testTarget(
            name: "FlowEngineTests", dependencies: ["FlowEngine", "FlowIO"],
            // Fixtures are read from the source tree by path, not bundled.
            exclude: ["Fixtures"], swiftSettings: settings),
        .testTarget(
            // The executables are dependencies so that they are built for the tests that run them
            // (`vpcflow`; `vpcflow-bench generate` in BenchGeneratorTests).
            name: "FlowCLITests", dependencies: ["FlowCLI", "FlowEngine", "vpcflow", "VpcflowBench"],
            // Golden outputs are read from the source tree by path, not bundled.
            exclude: ["Golden"], swiftSettings: settings),
    ],
    swiftLanguageModes: [.v6]
)
