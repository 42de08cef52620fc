import FlowIO
import Testing

@testable import FlowEngine

/// `CSVWriter`'s quoting (RFC 4180 section 2, rules 5 to 7), against hand-written bytes, and the
/// same through a report: a label with double quotes inside reaches services.csv quoted.
struct CSVWriterTests {
    @Test("a field with a comma, a quote, an LF or a CR is quoted, quotes doubled; others are not")
    func quoting() {
        var writer = CSVWriter(header: ["a", "b"])
        writer.row(["x,y", #"say "hi""#, "two\nlines", "cr\r", "plain", ""])
        let expected = "a,b\n\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\",plain,\n"
        #expect(writer.bytes == Array(expected.utf8), "\(String(decoding: writer.bytes, as: UTF8.self).debugDescription)")
    }

    @Test("a label with quotes inside is written quoted in services.csv")
    func labelWithQuotesInReport() throws {
        let ranges = try TestSupport.exampleRanges()
        let labels = try LabelsLoader.load(Array("cidr,label\n10.9.0.0/16,Lab \"A\" net\n".utf8), path: "labels.csv")
        let index = PrefixIndex(ranges.adding(labels: labels, from: "labels.csv"))
        let counted = SummarizeJob.countOnThisThread(
            Array(("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n"
                + "2 1 eni-1 10.9.0.1 10.9.0.2 1 2 6 3 40 1 2 ACCEPT OK\n").utf8).span, index: index)
        let aggregate = try #require(counted)
        let result = SummarizeResult(
            aggregate: aggregate, inputs: [], samples: [], interrupted: false, elapsedSeconds: 0, index: index,
            keys: ServiceKeys(index: index))
        let csv = String(decoding: ServicesReport.csv(ServicesReport.rows(result, attribution: .primary)), as: UTF8.self)
        #expect(csv.contains("src,-,\"Lab \"\"A\"\" net\",1,3,40\n"), "\(csv)")
    }
}
