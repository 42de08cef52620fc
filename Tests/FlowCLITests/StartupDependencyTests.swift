import Foundation
import Testing

/// The binary's modules do not import Foundation. Loading Foundation and FoundationNetworking made
/// every command start 15-20 ms later (51 shared libraries instead of 16; BENCHMARKS.md, "Fixed
/// cost"), a price paid by each `vpcflow ranges lookup` in a script and by each summarize run.
/// Tests may import it; the sources under `Sources/` may not.
struct StartupDependencyTests {
    static let forbidden = ["Foundation", "FoundationEssentials", "FoundationNetworking", "FoundationInternationalization"]

    @Test("no source of the vpcflow binary imports Foundation")
    func noFoundation() throws {
        let sources = "\(Fixtures.packageRoot)/Sources"
        let files = try FileManager.default.subpathsOfDirectory(atPath: sources).filter { $0.hasSuffix(".swift") }
        #expect(files.count > 20, "found only \(files.count) Swift files under \(sources)")
        var offenders: [String] = []
        for file in files {
            let text = try String(contentsOfFile: "\(sources)/\(file)", encoding: .utf8)
            for line in text.split(separator: "\n") {
                // `import Foundation`, `public import Foundation`, `@preconcurrency import ...`.
                let words = line.split(separator: " ")
                guard let at = words.firstIndex(of: "import"), at + 1 < words.count else { continue }
                let module = words[at + 1].split(separator: ".").first.map(String.init) ?? ""
                if Self.forbidden.contains(module) { offenders.append("\(file): \(line)") }
            }
        }
        #expect(offenders.isEmpty, "imports Foundation: \(offenders)")
    }
}
