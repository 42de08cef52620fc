import Testing

@testable import FlowEngine

/// `CSVReader` (what `vpcflow diff` reads reports with) against hand-written RFC 4180 bytes, its
/// refusals with their lines, and `CSVWriter`'s output read back field for field.
struct CSVReaderTests {
    @Test func quotedFieldsCommasQuotesAndLineBreaks() throws {
        let text = "a,b,c\n\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\"\nplain,,\r\n\"\",last"
        let records = try CSVReader.records(Array(text.utf8))
        #expect(records == [["a", "b", "c"], ["x,y", #"say "hi""#, "two\nlines"], ["plain", "", ""], ["", "last"]])
        #expect(try CSVReader.records([]) == [])
        #expect(try CSVReader.records(Array("a\n".utf8)) == [["a"]])
    }

    @Test(arguments: [
        ("a,\"b\nc", 1, "a quoted field is not closed"), ("x\na\"b", 2, "a double quote inside an unquoted field"),
        ("\"a\"b", 1, "text after a closing quote"), ("a\rb", 1, "a carriage return outside quotes"),
        ("ok\n\"two\nlines\"x", 3, "text after a closing quote"),
    ])
    func refusals(_ text: String, _ line: Int, _ reason: String) {
        #expect {
            try CSVReader.records(Array(text.utf8))
        } throws: { error in
            guard let failure = error as? CSVReader.Failure else { return false }
            return failure.line == line && failure.reason.hasPrefix(reason)
        }
    }

    @Test func readsWhatTheWriterWrites() throws {
        var random = SplitMix64(seed: 7)
        let alphabet: [String] = ["a", "Z", " ", ",", "\"", "\n", "\r\n", "é", "-", "0"]
        var rows: [[String]] = []
        for _ in 0..<200 {
            rows.append((0..<(1 + Int(random.next() % 5))).map { _ in
                (0..<Int(random.next() % 6)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }.joined()
            })
        }
        var writer = CSVWriter(header: ["h1", "h2"])
        for row in rows { writer.row(row) }
        // A lone empty field is written as an empty line, which reads back as one empty field.
        #expect(try CSVReader.records(writer.bytes) == [["h1", "h2"]] + rows.map { $0 == [] ? [""] : $0 })
    }
}
