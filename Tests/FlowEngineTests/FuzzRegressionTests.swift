import FlowIO
import Testing

@testable import FlowEngine

/// Inputs found by the fuzz targets in `Fuzz/` (FUZZING.md lists each finding), each the minimized
/// reproducer, named after what broke.
struct FuzzRegressionTests {
    /// Fuzz finding F1 (`chunk` target). A CSV header without `srcaddr`/`dstaddr` gets them by
    /// position (columns 0 and 1), but `bytes` already has column 1, so `roleOfColumn` keeps one
    /// role for it and no line ever records `dstaddr`: `RecordReader.read` force-unwrapped its
    /// range and the process died (SIGILL) on the first data line with as many fields as the header.
    /// Run in a child process: on the code that had the bug, the crash would end the test run.
    @Test("a CSV header whose positional address columns are taken by other fields does not crash the reader")
    func csvHeaderWithoutAddressesOverlappingColumns() async {
        await #expect(processExitsWith: .success) {
            let ranges = #"{"syncToken":"1","createDate":"x","prefixes":[{"ip_prefix":"10.0.0.0/8","region":"r","service":"AMAZON"}],"ipv6_prefixes":[]}"#
            let index = PrefixIndex(try! RangesLoader.load(Array(ranges.utf8), path: "r.json"))
            // The minimized input, hex 2c62797465730a2c: a header `,bytes`, then a line `,`.
            for text in [",bytes\n,", ",bytes\n,\n10.0.0.1,5\n", "bytes,packets\n1,2\n", "start,bytes,action,x\n1,2,ACCEPT,4\n"] {
                let bytes = Array(text.utf8)
                // Refusing the header (nil) is as good as reading it; a crash is not.
                if let aggregate = SummarizeJob.countOnThisThread(bytes.span, index: index) {
                    precondition(aggregate.records.isConserved, "counts not conserved for \(text.debugDescription)")
                }
            }
        }
    }

    /// Fuzz finding F2 (`gzip` target). `GzipReader.read(into:from:)` drops the bytes it inflated in
    /// the call that meets the damage (here a bad CRC at the end of the only member): read one byte
    /// at a time, the caller gets `abc` (the LF was inflated by the call that found the bad CRC) and
    /// then the error; read into a 64 KiB buffer, only the error. So what "the records read before
    /// the damage" are depends on the caller's buffer size (`GzipItem` reads 4 MiB blocks: up to
    /// 4 MiB of text before the damage is never counted).
    @Test("a corrupt gzip yields the same bytes before its error whatever the read buffer's size", arguments: InflaterCases.all)
    func gzipBytesBeforeDamageDoNotDependOnBufferSize(_ inflater: Inflater) throws {
        try InflaterCases.require(inflater)
        // gzip -n of "abc\n" with its CRC-32 zeroed (the length, 4, kept).
        let corrupt: [UInt8] = [
            0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0x4b, 0x4c, 0x4a, 0xe6, 0x02, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x04, 0x00, 0x00, 0x00,
        ]
        let small = Self.readAll(corrupt, bufferSize: 1, inflater)
        let large = Self.readAll(corrupt, bufferSize: 1 << 16, inflater)
        #expect(small.failed && large.failed, "a bad CRC is an error")
        #expect(small.bytes == large.bytes, "1-byte reads gave \(small.bytes), 64 KiB reads gave \(large.bytes)")
    }

    /// Fuzz finding F3, F2 the other way (`gzip` target). At a truncation, `GzipReader` throws as soon
    /// as zlib has no input left, without draining the output zlib has already decoded and still
    /// holds: read one byte at a time, a truncated member yields 5 bytes and the error; read into a
    /// 64 KiB buffer, all 40 and the error. `LineBlockReader` reads into whatever room is left
    /// after a partial line, so the records before a truncation that are counted depend on where
    /// the blocks fall.
    @Test("a truncated gzip yields every byte zlib decoded before its error whatever the read buffer's size", arguments: InflaterCases.all)
    func truncatedGzipDrainsDecodedBytesWithSmallBuffers(_ inflater: Inflater) throws {
        try InflaterCases.require(inflater)
        // gzip -n of "abc\n" × 10 without its last 9 bytes.
        let truncated: [UInt8] = [
            0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0x4b, 0x4c, 0x4a, 0xe6, 0x4a, 0x24, 0x02, 0x03,
        ]
        let small = Self.readAll(truncated, bufferSize: 1, inflater)
        let large = Self.readAll(truncated, bufferSize: 1 << 16, inflater)
        #expect(small.failed && large.failed, "a truncated member is an error")
        #expect(small.bytes == large.bytes, "1-byte reads gave \(small.bytes.count) bytes, 64 KiB reads \(large.bytes.count)")
    }

    /// F5 (`chunk`, long run): the fast path's fixed-length field test or-ed the separator bit of its
    /// tail word with the top byte of the field's first word, the same bit, so a tab at offset 7 of
    /// the 21-byte interface-id (where the tail word does not reach back to it) passed as a field
    /// byte: the line was counted OK with 14 fields where the exact path splits it into 15
    /// (malformed). The other offsets are the neighbouring cases, which the tail word did catch.
    /// Each line is followed by records, so that it takes the fast path (a chunk's last 264 bytes
    /// take the exact one).
    @Test("a tab inside a field the fast path skips is a separator there too", arguments: [
        ("account-id", 7), ("interface-id", 7), ("interface-id", 15), ("interface-id", 20), ("interface-id", 4),
    ])
    func tabInsideSkippedField(_ field: String, _ offset: Int) throws {
        let index = PrefixIndex(try TestSupport.exampleRanges())
        let good = "2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 20 4249 1418530010 1418530070 REJECT OK"
        var line = Array(good.utf8)
        line[(field == "account-id" ? 2 : 15) + offset] = 0x09
        // A tab at the field's last byte, before its space, only doubles the separator: still a record.
        let isRecord = field == "interface-id" && offset == 20
        let text = line + Array("\n\(good)\n\(good)\n\(good)\n".utf8)
        let counted = SummarizeJob.countOnThisThread(text.span, index: index)
        let aggregate = try #require(counted)
        #expect(aggregate.records.ok == (isRecord ? 4 : 3), "\(field), tab at \(offset)")
        #expect(aggregate.records.malformed == (isRecord ? 0 : 1), "\(field), tab at \(offset)")
    }

    /// Fuzz finding F6 (`chunk` target). A CSV file's header (`10.1.2.*,02.…,x`: its first field is
    /// no address) repeated on line 3 after 48 leading spaces. Records' CSV fields are trimmed, so the
    /// reference took the line as the header again; the engine took a CSV header as repeated only
    /// byte for byte and counted a malformed data line. Now one rule (`InputFormat.header`): a
    /// repeat is the same fields read as records are read (trimmed, one pair of quotes removed).
    @Test("a CSV header repeated with other spacing or quoting is a header, as the reference reads it", arguments: [
        "Fuzz/findings/F6-chunk.bin", "",
    ])
    func csvHeaderRepeatedWithOtherSpacing(_ finding: String) throws {
        let index = PrefixIndex(try TestSupport.exampleRanges())
        let bytes =
            finding.isEmpty
            ? Array("srcaddr,dstaddr,bytes\n10.0.0.1,10.0.0.2,5\n   srcaddr , dstaddr,\"bytes\"\t\nsrcaddr,dstaddr\n".utf8)
            : try FileReading.readAll("\(TestSupport.packageRoot)/\(finding)")
        let counted = SummarizeJob.countOnThisThread(bytes.span, index: index)
        let aggregate = try #require(counted)
        let reference = ReferenceSummarizer.summarize(
            files: [(name: "f6", text: String(decoding: bytes, as: UTF8.self))],
            ranges: try ReferenceRanges.load(rangesPath: "\(TestSupport.packageRoot)/datasets/example/ip-ranges.json"))
        #expect(aggregate.records.headers == 2, "\(aggregate.records)")
        #expect(aggregate.records.headers == reference.counts.headers)
        #expect(aggregate.records.dataLines == reference.counts.dataLines)
        #expect(aggregate.records.malformed == reference.counts.malformed)
        if finding.isEmpty {
            // The last line has fewer fields than the header: a malformed record, not a header.
            #expect(aggregate.records.dataLines == 2 && aggregate.records.malformed == 1, "\(aggregate.records)")
        }
    }

    /// Fuzz finding F7 (`chunk` target). A CSV header `start,bytes,action,dstaddr\r,…,srcaddr,…`:
    /// header names were trimmed of CRs (`trimmingSpaces`), record fields are not (a CR inside a
    /// line is part of its field), so the engine took `dstaddr\r` as `dstaddr` where the reference
    /// (trimming spaces and tabs only) found no `dstaddr` and crashed on its force-unwrap. Now header
    /// names are cut as records are (`LineScanning.tokens` by `forEachCSVField`): `dstaddr\r` is no
    /// field name, and a header with `srcaddr` but no `dstaddr` is refused.
    @Test("a CR inside a CSV header name is part of the name, as in a record")
    func crInsideCSVHeaderName() throws {
        let finding = try FileReading.readAll("\(TestSupport.packageRoot)/Fuzz/findings/F7-chunk.bin")
        for bytes in [finding, Array("srcaddr,dstaddr\r,bytes\n10.0.0.1,10.0.0.2,5\n".utf8)] {
            #expect(throws: LayoutError.self) { try InputFormat.detect(in: bytes.span, fields: nil) }
        }
        // Spaces and tabs around a name are not part of it; a CR before the LF ends the line.
        let spaced = Array(" srcaddr\t, dstaddr ,bytes\r\n10.0.0.1,10.0.0.2,5\r\n".utf8)
        let format = try #require(try InputFormat.detect(in: spaced.span, fields: nil))
        #expect(format.detected.layout.column(of: .dstaddr) == 1 && format.detected.layout.column(of: .bytes) == 2)
    }

    /// Every byte a `GzipReader` yields from `bytes` in memory, reading into `bufferSize` bytes at a
    /// time, and whether it ended with an error.
    static func readAll(_ bytes: [UInt8], bufferSize: Int, _ inflater: Inflater = .zlib) -> (bytes: [UInt8], failed: Bool) {
        var output: [UInt8] = []
        do {
            let reader = try GzipReader(.descriptor(-1, name: "fuzz.gz", prefix: bytes), inflater: inflater)
            var buffer = [UInt8](repeating: 0, count: bufferSize)
            while true {
                let n = try reader.read(into: &buffer, from: 0)
                if n == 0 { return (output, false) }
                output += buffer[..<n]
            }
        } catch {
            return (output, true)
        }
    }
}
