import Foundation
import Testing

@testable import FlowIO

/// `restart(_:)`: one reader, its decoder state reused for source after source, reads each as a
/// new reader would, with either inflater, mapped, with pread and from a descriptor.
struct GzipReaderRestartTests {
    @Test("a restarted reader reads every source as a new one does", arguments: InflaterCases.all)
    func restartMatchesNewReaders(_ inflater: Inflater) throws {
        try InflaterCases.require(inflater)
        try IOTestSupport.withTemporaryDirectory { folder in
            let good = try GzipInflaterDifferentialTests.sample(in: folder)
            var corrupt = good
            corrupt[corrupt.count - 6] ^= 0x10  // the CRC of the second member
            let inputs: [[UInt8]] = [good, Array(good.dropLast(9)), [], corrupt, good + [0x1F, 0x8B, 0x08], good]
            let reused = try GzipReader(.descriptor(-1, name: "none", prefix: []), inflater: inflater)
            #expect(reused.inflater == inflater)
            for (i, bytes) in inputs.enumerated() {
                let path = "\(folder)/\(i).gz"
                try IOTestSupport.write(bytes, to: path)
                for kind in 0..<3 {
                    func source() throws -> GzipReader.Source {
                        kind == 2
                            ? .descriptor(-1, name: path, prefix: bytes)
                            : .mapped(try MappedFile(path: path, allowMapping: kind == 0))
                    }
                    try reused.restart(try source())
                    let again = Self.drain(reused)
                    let fresh = Self.drain(try GzipReader(try source(), inflater: inflater))
                    #expect(again == fresh, "input \(i), source kind \(kind)")
                    #expect((fresh.error == nil) == (i == 0 || i == 5 || (i == 2 && kind != 2)), "input \(i), kind \(kind): \(fresh.error ?? "no error")")
                }
            }
        }
    }

    static func drain(_ reader: GzipReader) -> GzipInflaterDifferentialTests.Outcome {
        var outcome = GzipInflaterDifferentialTests.Outcome()
        var buffer = [UInt8](repeating: 0, count: 3001)
        do {
            while true {
                let n = try reader.read(into: &buffer, from: 0)
                if n == 0 { return outcome }
                outcome.bytes += buffer[..<n]
            }
        } catch {
            outcome.error = "\(error)"
            return outcome
        }
    }
}
