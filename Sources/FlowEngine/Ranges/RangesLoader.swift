/// Reads AWS's `ip-ranges.json` into a `RangeSet`.
///
/// Every entry is kept, in file order, duplicates included. The document is validated completely
/// before anything is returned: the first problem is reported with the entry it is in.
///
/// Accepted variations seen in AWS's history: no `network_border_group` (files before April 2020;
/// the region is used), no `ipv6_prefixes` (before August 2016), a malformed `createDate` (kept as
/// text). Refused: a missing `syncToken`, `createDate` or `prefixes`, a missing `ip_prefix`,
/// `region` or `service`, and any CIDR that is invalid or has host bits set (never masked).
///
/// Read in one pass over the JSON reader's events (`RangesEvents`), with no tree of `JSONValue`s:
/// the tree, its 100,000 Strings and their release were half of every run's fixed cost
/// (BENCHMARKS.md, "Fixed cost"). It answers exactly as reading the tree did: where an object
/// repeats a key, the first member counts; a syntax error anywhere is reported before any problem
/// of content; problems of content in the order syncToken, createDate, prefixes, the first bad
/// IPv4 entry, ipv6_prefixes, the first bad IPv6 entry. `RangesLoaderTests` hold it to a loader
/// that reads the tree.
public enum RangesLoader {
    /// Parses and validates `bytes`, the contents of the file at `path` (used in messages).
    ///
    /// - Complexity: O(n) in the file size; the real 2.6 MB snapshot takes a few milliseconds.
    public static func load(_ bytes: [UInt8], path: String) throws(RangesError) -> RangeSet {
        var document = RangesEvents()
        do {
            try JSONParser.walk(bytes.span, into: &document)
        } catch {
            throw RangesError(path: path, location: "", message: "not valid JSON: \(error)")
        }
        return try document.rangeSet(path: path)
    }
}

/// The parts of a ranges document that the loader keeps, gathered from the JSON reader's events.
///
/// Each value is given a role when it starts: by the key before it (the first member of each
/// name), or as an element of a prefix list; a value whose role is `ignored` is skipped, with
/// everything inside it.
private struct RangesEvents: JSONEvents {
    /// A member that must be a string: absent, present but something else, or its text.
    enum Text {
        case missing
        case notString
        case value(String)
    }

    enum List {
        case missing
        case notArray
        case array
    }

    /// The fields of one entry object.
    enum Field: Int {
        case prefix, region, service, borderGroup
    }

    enum Role {
        case ignored
        case root
        case syncToken
        case createDate
        case list(ipv4: Bool)
        case entry(ipv4: Bool, index: Int)
        case field(Field)
    }

    /// What a started container is.
    enum Container {
        case ignored
        case top
        case list(ipv4: Bool)
        case entry
    }

    var rootIsObject = false
    var syncToken = Text.missing
    var createDate = Text.missing
    var lists: (ipv4: List, ipv6: List) = (.missing, .missing)
    var entries: (ipv4: [RangeEntry], ipv6: [RangeEntry]) = ([], [])
    var counts = (ipv4: 0, ipv6: 0)
    /// The first problem in each list: where, and what (its message).
    var problems: (ipv4: (location: String, message: String)?, ipv6: (location: String, message: String)?)

    private var containers: [Container] = []
    /// The role of the next value (set by the key before it).
    private var next = Role.root
    /// The entry being read.
    private var entry = EntryFields()

    /// The role of a value that starts now.
    private mutating func role() -> Role {
        if case .list(let ipv4) = containers.last {
            let index = ipv4 ? counts.ipv4 : counts.ipv6
            if ipv4 { counts.ipv4 += 1 } else { counts.ipv6 += 1 }
            return .entry(ipv4: ipv4, index: index)
        }
        defer { next = .ignored }
        return next
    }

    /// A value of another kind than `role` wants (a list that is an array, an entry that is an
    /// object, a text that is a string never comes here).
    private mutating func wrongKind(_ role: Role) {
        switch role {
        case .ignored, .root: break
        case .syncToken: syncToken = .notString
        case .createDate: createDate = .notString
        case .list(let ipv4):
            if ipv4 { lists.ipv4 = .notArray } else { lists.ipv6 = .notArray }
        case .entry(let ipv4, let index): problem(ipv4, index, nil, "expected an object")
        case .field(let field): entry.texts[field.rawValue] = .notString
        }
    }

    mutating func objectStart() {
        let role = role()
        switch role {
        case .root:
            rootIsObject = true
            containers.append(.top)
        case .entry(let ipv4, let index):
            entry = EntryFields(ipv4: ipv4, index: index)
            containers.append(.entry)
        default:
            wrongKind(role)
            containers.append(.ignored)
        }
    }

    mutating func key(_ key: Span<UInt8>) {
        switch containers.last {
        case .top:
            next = .ignored
            if key.equals("syncToken") {
                if case .missing = syncToken { next = .syncToken }
            } else if key.equals("createDate") {
                if case .missing = createDate { next = .createDate }
            } else if key.equals("prefixes") {
                if case .missing = lists.ipv4 { next = .list(ipv4: true) }
            } else if key.equals("ipv6_prefixes") {
                if case .missing = lists.ipv6 { next = .list(ipv4: false) }
            }
        case .entry:
            next = .ignored
            let field: Field? =
                key.equals(entry.ipv4 ? "ip_prefix" : "ipv6_prefix") ? .prefix
                : key.equals("region") ? .region
                : key.equals("service") ? .service
                : key.equals("network_border_group") ? .borderGroup : nil
            if let field, case .missing = entry.texts[field.rawValue] { next = .field(field) }
        default:
            next = .ignored
        }
    }

    mutating func objectEnd() {
        if case .entry = containers.removeLast() { finishEntry() }
    }

    mutating func arrayStart() {
        let role = role()
        if case .list(let ipv4) = role {
            if ipv4 { lists.ipv4 = .array } else { lists.ipv6 = .array }
            containers.append(.list(ipv4: ipv4))
        } else {
            wrongKind(role)
            containers.append(.ignored)
        }
    }

    mutating func arrayEnd() { containers.removeLast() }

    mutating func string(_ value: Span<UInt8>) {
        let role = role()
        switch role {
        case .syncToken: syncToken = .value(JSONTreeBuilder.text(value))
        case .createDate: createDate = .value(JSONTreeBuilder.text(value))
        case .field(.prefix):
            // Parsed from the bytes; its text is made only for a message.
            entry.texts[Field.prefix.rawValue] = .value("")
            do {
                let prefix = try IPPrefix.parse(value)
                if prefix.isIPv4 == entry.ipv4 {
                    entry.prefix = prefix
                } else {
                    let text = JSONTreeBuilder.text(value)
                    let (family, list) = entry.ipv4 ? ("IPv6", "IPv4") : ("IPv4", "IPv6")
                    entry.prefixProblem = "\"\(text)\" is an \(family) prefix in the \(list) list"
                }
            } catch {
                entry.prefixProblem = error.description
            }
        case .field(.region): entry.texts[Field.region.rawValue] = .value(JSONTreeBuilder.text(value))
        case .field(.service): entry.texts[Field.service.rawValue] = .value(JSONTreeBuilder.text(value))
        case .field(.borderGroup): entry.texts[Field.borderGroup.rawValue] = .value(JSONTreeBuilder.text(value))
        default: wrongKind(role)
        }
    }

    mutating func number(_ text: Span<UInt8>) { wrongKind(role()) }
    mutating func literal(_ value: JSONValue) { wrongKind(role()) }

    /// Checks the entry just read, in the order of the tree-reading loader, and keeps it or its
    /// problem.
    private mutating func finishEntry() {
        let (ipv4, index) = (entry.ipv4, entry.index)
        let prefixKey = ipv4 ? "ip_prefix" : "ipv6_prefix"
        guard text(.prefix, prefixKey) != nil, let region = text(.region, "region"),
            let service = text(.service, "service")
        else { return }
        // Files before April 2020 have no network_border_group: the region stands in for it.
        let borderGroup: String
        switch entry.texts[Field.borderGroup.rawValue] {
        case .missing: borderGroup = region
        case .notString: return problem(ipv4, index, "network_border_group", "expected a string")
        case .value(let text): borderGroup = text
        }
        if let message = entry.prefixProblem { return problem(ipv4, index, prefixKey, message) }
        guard !region.isEmpty, !service.isEmpty, let prefix = entry.prefix else {
            return problem(ipv4, index, nil, "empty region or service")
        }
        let kept = RangeEntry(prefix: prefix, region: region, service: service, networkBorderGroup: borderGroup, origin: .aws)
        if ipv4 { entries.ipv4.append(kept) } else { entries.ipv6.append(kept) }
    }

    /// The text of the entry's `field` (member `key`), or nil once the problem is recorded.
    private mutating func text(_ field: Field, _ key: String) -> String? {
        switch entry.texts[field.rawValue] {
        case .missing: problem(entry.ipv4, entry.index, nil, "missing key \"\(key)\"")
        case .notString: problem(entry.ipv4, entry.index, key, "expected a string")
        case .value(let text): return text
        }
        return nil
    }

    /// Records a problem of entry `index` (or of its member `key`) unless its list has one.
    /// The location ("prefixes[17].region") is made only here: formatting it for every entry cost
    /// more than reading the entry.
    private mutating func problem(_ ipv4: Bool, _ index: Int, _ key: String?, _ message: @autoclosure () -> String) {
        guard ipv4 ? problems.ipv4 == nil : problems.ipv6 == nil else { return }
        let entry = ipv4 ? "prefixes[\(index)]" : "ipv6_prefixes[\(index)]"
        let found = (location: key.map { "\(entry).\($0)" } ?? entry, message: message())
        if ipv4 { problems.ipv4 = found } else { problems.ipv6 = found }
    }

    /// The set read, or the first problem in the loader's order.
    func rangeSet(path: String) throws(RangesError) -> RangeSet {
        func fail(_ location: String, _ message: String) -> RangesError {
            RangesError(path: path, location: location, message: message)
        }
        guard rootIsObject else { throw fail("", "expected a JSON object at the top level") }
        func required(_ text: Text, _ key: String) throws(RangesError) -> String {
            switch text {
            case .missing: throw fail("", "missing key \"\(key)\"")
            case .notString: throw fail(key, "expected a string")
            case .value(let value): return value
            }
        }
        let syncToken = try required(syncToken, "syncToken")
        let createDate = try required(createDate, "createDate")
        guard case .array = lists.ipv4 else { throw fail("prefixes", "missing or not an array") }
        if let problem = problems.ipv4 { throw fail(problem.location, problem.message) }
        if case .notArray = lists.ipv6 { throw fail("ipv6_prefixes", "not an array") }
        if let problem = problems.ipv6 { throw fail(problem.location, problem.message) }
        let provenance = RangesProvenance(
            path: path, syncToken: syncToken, createDate: createDate, ipv4Entries: counts.ipv4,
            ipv6Entries: counts.ipv6)
        return RangeSet(entries: entries.ipv4 + entries.ipv6, provenance: provenance)
    }
}

/// What one entry object held, as far as the loader cares.
private struct EntryFields {
    var ipv4 = true
    var index = 0
    /// By `RangesEvents.Field`: prefix (its text is not kept), region, service, border group.
    var texts = InlineArray<4, RangesEvents.Text>(repeating: .missing)
    var prefix: IPPrefix?
    /// Why the prefix was refused (a `CIDRError`, or the wrong family).
    var prefixProblem: String?

    init() {}

    init(ipv4: Bool, index: Int) {
        self.ipv4 = ipv4
        self.index = index
    }
}
