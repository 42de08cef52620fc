/// The notebook's job: for every record, `SOURCE,CLASSIFICATION`; then for every record
/// `DESTINATION,CLASSIFICATION`. CLASSIFICATION lists every entry that contains the address as
/// `region_service_prefix`, joined by `,`, in file order, and is empty when none does:
///
///     3.2.34.5,af-south-1_AMAZON_3.2.34.0/26,af-south-1_EC2_3.2.34.0/26
///     10.0.0.6,
///
/// The address is printed as written in the input. Records without addresses (NODATA, SKIPDATA)
/// are skipped and counted; lines that are not records are skipped, counted and sampled, in both
/// passes alike, so the two halves of the output stay aligned record for record.
public struct Classifier: Sendable {
    public let index: PrefixIndex
    /// `,label,label...` for each address class, precomputed so a record costs one lookup and two copies.
    private let suffixes: [[UInt8]]

    public init(index: PrefixIndex) {
        self.index = index
        let entryLabels = index.entries.map { Array($0.notebookLabel.utf8) }
        suffixes = (0..<index.classCount).map { c in
            var suffix: [UInt8] = [0x2C]
            for (n, member) in index.matchSet(AddressClass(rawValue: UInt32(c))).enumerated() {
                if n > 0 { suffix.append(0x2C) }
                suffix += entryLabels[Int(member)]
            }
            suffix.append(0x0A)
            return suffix
        }
    }

    /// Which address of each record a pass prints.
    public enum Side: Sendable { case source, destination }

    /// What one pass over one input saw.
    public struct Tally: Sendable, Equatable {
        /// Records whose addresses were classified.
        public var records = 0
        /// Records without addresses (`-`): NODATA and SKIPDATA.
        public var withoutAddresses = 0
        /// Lines that are not records.
        public var malformed = 0
        /// The first `sampleLimit` malformed lines.
        public var samples: [MalformedRecord] = []
        public static let sampleLimit = MalformedRecord.samplesPerInput

        public init() {}
    }

    /// Classifies one side of every record of one input, appending output lines to `output`, and
    /// calling `flush` whenever it holds more than `flushThreshold` bytes.
    ///
    /// - Parameters:
    ///   - bytes: the whole input (decompressed).
    ///   - path: the input's name, for malformed-record samples.
    ///   - fields: the `--fields` layout for AWS text without a header.
    /// - Throws: `LayoutError` when the header cannot be used; whatever `flush` throws.
    public func classify<E: Error>(
        _ bytes: Span<UInt8>, path: String, side: Side, fields: RecordLayout?, output: inout [UInt8],
        flushThreshold: Int = 1 << 16, flush: (inout [UInt8]) throws(E) -> Void
    ) throws(ClassifyError<E>) -> Tally {
        var tally = Tally()
        var format: InputFormat?
        var recordFields = RecordFields()
        var failure: ClassifyError<E>?
        let role: FlowField.Role = side == .source ? .srcaddr : .dstaddr
        LineScanning.forEachLine(in: bytes) { number, range in
            let line = bytes.extracting(range)
            if LineScanning.isBlank(line) { return true }
            func malformed(_ reason: String) {
                tally.malformed += 1
                if tally.samples.count < Tally.sampleLimit {
                    tally.samples.append(MalformedRecord(path: path, line: number, reason: reason, bytes: line))
                }
            }
            if format == nil {
                do throws(LayoutError) {
                    format = try InputFormat.detect(in: line, fields: fields)
                } catch {
                    failure = .layout(path: path, line: number, error)
                    return false
                }
            }
            let input = format!
            // The header, and its repeats mid-file (concatenated S3 objects), are not records; a
            // different header is a malformed line, as in `summarize`.
            switch input.header(line) {
            case .own: return true
            case .different:
                malformed(InputFormat.differentHeaderReason)
                return true
            case nil: break
            }
            _ = input.detected.layout.split(bytes, range, into: &recordFields)
            switch RecordReader.read(bytes, recordFields, layout: input.detected.layout) {
            case .ok(let record):
                tally.records += 1
                for i in recordFields.range(of: role)! { output.append(bytes[i]) }
                let address = side == .source ? record.source : record.destination
                output += suffixes[Int(index.addressClass(of: address).rawValue)]
            case .nodata, .skipdata:
                tally.withoutAddresses += 1
                return true
            case .malformed(let reason):
                malformed(reason)
                return true
            }
            if output.count >= flushThreshold {
                do throws(E) {
                    try flush(&output)
                } catch {
                    failure = .output(error)
                    return false
                }
            }
            return true
        }
        if let failure { throw failure }
        return tally
    }
}

/// Why classification of an input stopped.
public enum ClassifyError<OutputError: Error>: Error {
    /// The input's header cannot be used.
    case layout(path: String, line: Int, LayoutError)
    /// Writing the output failed.
    case output(OutputError)
}
