import CIsal
import Foundation
import Testing

/// CIsal declares `struct inflate_state` itself (the build never includes the system header).
/// Where the header and gcc are installed (`libisal-dev`; `.ci/run` installs it), a small C program
/// compiled with the real header prints the size and the offsets of every field GzipReader touches,
/// and they must be ours.
struct IsalLayoutTests {
    static let header = "/usr/include/isa-l/igzip_lib.h"

    @Test("our inflate_state has the real header's size and field offsets")
    func layoutMatchesTheHeader() throws {
        guard FileManager.default.fileExists(atPath: Self.header) else {
            try Test.cancel("skipped: \(Self.header) is not installed (apt-get install libisal-dev)")
        }
        guard let gcc = ["/usr/bin/gcc", "/usr/bin/cc"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            try Test.cancel("skipped: no C compiler (gcc) to compile against \(Self.header)")
        }
        let fields = ["next_out", "avail_out", "total_out", "next_in", "avail_in", "block_state", "crc_flag"]
        let program = """
            #include <stddef.h>
            #include <stdio.h>
            #include <isa-l/igzip_lib.h>
            int main(void) {
                printf("size %zu\\n", sizeof(struct inflate_state));
            \(fields.map { "    printf(\"\($0) %zu\\n\", offsetof(struct inflate_state, \($0)));" }.joined(separator: "\n"))
                printf("flags %d %d %d\\n", ISAL_GZIP, ISAL_BLOCK_FINISH, ISAL_INCORRECT_CHECKSUM);
                return 0;
            }
            """
        let folder = NSTemporaryDirectory() + "vpcflow-isal-layout-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try program.write(toFile: "\(folder)/layout.c", atomically: false, encoding: .utf8)
        #expect(try Self.run(gcc, ["-o", "\(folder)/layout", "\(folder)/layout.c"]).status == 0, "the program compiles")
        let output = try Self.run("\(folder)/layout", []).output
        var real: [String: String] = [:]
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            if parts.count == 2 { real[String(parts[0])] = String(parts[1]) }
        }
        let ours: [String: Int] = [
            "size": vpcflow_isal_layout_size(), "next_out": vpcflow_isal_offset_next_out(),
            "avail_out": vpcflow_isal_offset_avail_out(), "total_out": vpcflow_isal_offset_total_out(),
            "next_in": vpcflow_isal_offset_next_in(), "avail_in": vpcflow_isal_offset_avail_in(),
            "block_state": vpcflow_isal_offset_block_state(), "crc_flag": vpcflow_isal_offset_crc_flag(),
        ]
        for (name, value) in ours {
            #expect(real[name] == String(value), "\(name): the header says \(real[name] ?? "nothing"), CIsal \(value)")
        }
        #expect(
            real["flags"] == "\(VPCFLOW_ISAL_GZIP) \(VPCFLOW_ISAL_BLOCK_FINISH) \(VPCFLOW_ISAL_INCORRECT_CHECKSUM)",
            "constants: the header says \(real["flags"] ?? "nothing")")
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
