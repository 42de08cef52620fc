import FlowIO

/// A gzip file as one work item: inflated as a stream and counted block by block in one task.
enum GzipItem {
    static func process(
        file: Int, mapped: MappedFile, index: PrefixIndex, keys: ServiceKeys, options: SummarizeOptions
    ) -> ItemResult {
        let reader: GzipReader
        do {
            reader = try GzipReader(.mapped(mapped), inflater: options.inflater)
        } catch {
            return ItemResult(file: file, ordinal: 0, bytes: mapped.count, failure: InputFailure(reading: error))
        }
        var blocks = LineBlockReader(.gzip(reader), blockSize: options.gzipBlockSize, lineLimit: options.lineLimit)
        var scanner = ChunkScanner(index: index, keys: keys, format: .blankOnly, lineLimit: options.lineLimit)
        var detected: InputFormat?
        var failure: InputFailure?
        do {
            while let range = try blocks.next() {
                if Interrupt.isRequested { break }
                if detected == nil {
                    do {
                        detected = try InputFormat.detect(
                            in: blocks.buffer.span.extracting(range), fields: options.fields, lineLimit: options.lineLimit)
                    } catch {
                        failure = InputFailure(kind: .badHeader, message: "\(mapped.path): \(error)")
                        break
                    }
                    if let detected { scanner.format = detected }
                }
                scanner.scan(blocks.buffer.span.extracting(range))
            }
        } catch {
            failure = InputFailure(reading: error)
        }
        var result = ItemResult(file: file, ordinal: 0, bytes: mapped.count, scanner: scanner)
        result.failure = failure
        result.textBytes = blocks.bytesRead
        result.format = detected?.detected.kind
        result.absoluteLines = true
        return result
    }
}
