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
        public static let sampleLimit = 10

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
        var format: DetectedFormat?
        var recordFields = RecordFields()
        var failure: ClassifyError<E>?
        let role: FlowField.Role = side == .source ? .srcaddr : .dstaddr
        LineScanning.forEachLine(in: bytes) { number, range in
            let line = bytes.extracting(range)
            if LineScanning.isBlank(line) { return true }
            let layout: RecordLayout
            if let format {
                // Header lines repeated mid-file (concatenated S3 objects) are skipped.
                if format.kind == .awsText, LineScanning.isHeaderLine(line) { return true }
                layout = format.layout
            } else {
                do throws(LayoutError) {
                    let detected = try DetectedFormat.detect(firstLine: line, fields: fields)
                    format = detected
                    if detected.firstLineIsHeader { return true }
                    layout = detected.layout
                } catch {
                    failure = .layout(path: path, line: number, error)
                    return false
                }
            }
            let count = layout.split(line, into: &recordFields)
            func malformed(_ reason: String) {
                tally.malformed += 1
                if tally.samples.count < Tally.sampleLimit {
                    tally.samples.append(MalformedRecord(path: path, line: number, reason: reason, bytes: line))
                }
            }
            guard count == layout.fieldNames.count || (layout.fieldNames.allSatisfy(\.isEmpty) && count >= 2) else {
                malformed("expected \(layout.fieldNames.count) fields, found \(count)")
                return true
            }
            let src = line.extracting(recordFields.range(of: .srcaddr)!)
            let dst = line.extracting(recordFields.range(of: .dstaddr)!)
            let srcMissing = src.count == 1 && src[0] == 0x2D
            let dstMissing = dst.count == 1 && dst[0] == 0x2D
            if srcMissing && dstMissing {
                tally.withoutAddresses += 1
                return true
            }
            guard let srcAddress = IPAddress.parse(src) else {
                malformed("srcaddr is not an IP address")
                return true
            }
            guard let dstAddress = IPAddress.parse(dst) else {
                malformed("dstaddr is not an IP address")
                return true
            }
            tally.records += 1
            let address = side == .source ? srcAddress : dstAddress
            let text = line.extracting(recordFields.range(of: role)!)
            for i in 0..<text.count { output.append(text[i]) }
            output += suffixes[Int(index.addressClass(of: address).rawValue)]
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
