import FlowEngine
import FlowIO

/// Ranges load-and-index time and lookup rates on one core.
///
/// Address mixes:
/// - `uniform`: every IPv4 address equally likely (mostly INTERNET, the table's cheap slots).
/// - `realistic`: like VPC traffic: 45% inside real AWS prefixes (weighted by entry, so EC2/S3
///   heavy), 45% private (10/8, 172.16/12), 10% internet.
/// - `ipv6`: 80% inside real AWS IPv6 prefixes, 20% random global unicast.
struct IndexBenchmark {
    let rangesPath: String
    let runs: Int
    let lookups: Int

    func run() {
        let bytes: [UInt8]
        do { bytes = try FileReading.readAll(rangesPath) } catch {
            print("vpcflow-bench: \(error)")
            ProcessControl.exit(66)
        }
        print("ranges: \(rangesPath) (\(bytes.count) bytes)")
        var index: PrefixIndex?
        let parse = Measurement.run(runs: runs) { _ = try! RangesLoader.load(bytes, path: rangesPath) }
        let build = Measurement.run(runs: runs) {
            index = PrefixIndex(try! RangesLoader.load(bytes, path: rangesPath))
        }
        let onlyIndex = Measurement.run(runs: runs) { _ = PrefixIndex(index!.ranges) }
        print("load (parse + validate):      median \(ms(parse.median)) ms  min \(ms(parse.min))  max \(ms(parse.max))")
        print("index build alone:            median \(ms(onlyIndex.median)) ms  min \(ms(onlyIndex.min))  max \(ms(onlyIndex.max))")
        print("load-and-index (from bytes):  median \(ms(build.median)) ms  min \(ms(build.min))  max \(ms(build.max))")
        print("address classes: \(index!.classCount)")
        // What every run now adds for summary.json's and the partial's ranges block: the SHA-256 of
        // the canonical entry list (`RangesIdentity`).
        let ranges = index!.ranges
        var digest = ""
        let identity = Measurement.run(runs: runs) { digest = RangesIdentity.snapshot(of: ranges).rangesDigest }
        print("ranges identity (SHA-256):    median \(ms(identity.median)) ms  min \(ms(identity.min))  max \(ms(identity.max))  [\(digest.prefix(12))]")
        // Of which the hash alone, over a canonical text of the same size (the rest is formatting).
        var text: [UInt8] = []
        for entry in ranges.entries {
            text += "\(entry.prefix)\t\(entry.region)\t\(entry.service)\t\(entry.networkBorderGroup)\n".utf8
        }
        let hashOnly = Measurement.run(runs: runs) { digest = SHA256.hex(text) }
        print("  of which SHA-256 of \(text.count) bytes: median \(ms(hashOnly.median)) ms")

        let index4 = index!
        for (name, addresses) in [("uniform", uniformV4()), ("realistic", realisticV4(index4))] {
            var sink: UInt32 = 0
            let m = Measurement.run(runs: 5, warmup: 1) {
                for address in addresses { sink &+= index4.addressClass(ipv4: address).rawValue }
            }
            print("IPv4 \(name.padding(9)) lookups: median \(fixed(Double(addresses.count) / m.median / 1e6, 1)) M/s  (min-max \(fixed(Double(addresses.count) / m.max / 1e6, 1))-\(fixed(Double(addresses.count) / m.min / 1e6, 1)))  [\(sink % 10)]")
        }
        let v6 = realisticV6(index4)
        var sink: UInt32 = 0
        let m = Measurement.run(runs: 5, warmup: 1) {
            for address in v6 { sink &+= index4.addressClass(ipv6: address).rawValue }
        }
        print("IPv6 realistic lookups: median \(fixed(Double(v6.count) / m.median / 1e6, 1)) M/s  [\(sink % 10)]")
    }

    private func ms(_ seconds: Double) -> String { fixed(seconds * 1000, 2) }

    private func uniformV4() -> [UInt32] {
        var generator = SplitMix64(state: 1)
        return (0..<lookups).map { _ in UInt32(truncatingIfNeeded: generator.next()) }
    }

    private func realisticV4(_ index: PrefixIndex) -> [UInt32] {
        var generator = SplitMix64(state: 2)
        let blocks: [(UInt32, UInt32)] = index.entries.compactMap {
            if case .v4(let first) = $0.prefix.first, case .v4(let last) = $0.prefix.last { return (first, last) }
            return nil
        }
        return (0..<lookups).map { _ in
            let roll = generator.next() % 100
            let random = UInt32(truncatingIfNeeded: generator.next())
            if roll < 45 {
                let (first, last) = blocks[Int(generator.next() % UInt64(blocks.count))]
                return first &+ random % (last &- first &+ 1 == 0 ? .max : last &- first &+ 1)
            } else if roll < 90 {
                return roll % 2 == 0 ? 0x0A00_0000 | (random & 0x00FF_FFFF) : 0xAC10_0000 | (random & 0x000F_FFFF)
            }
            return random
        }
    }

    private func realisticV6(_ index: PrefixIndex) -> [UInt128] {
        var generator = SplitMix64(state: 3)
        let blocks: [(UInt128, UInt128)] = index.entries.compactMap {
            if case .v6(let first) = $0.prefix.first, case .v6(let last) = $0.prefix.last { return (first, last) }
            return nil
        }
        return (0..<(lookups / 4)).map { _ in
            let random = UInt128(generator.next()) << 64 | UInt128(generator.next())
            if generator.next() % 10 < 8 {
                let (first, last) = blocks[Int(generator.next() % UInt64(blocks.count))]
                return first | (random & (last ^ first))
            }
            return (random >> 3) | (UInt128(1) << 125)
        }
    }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
