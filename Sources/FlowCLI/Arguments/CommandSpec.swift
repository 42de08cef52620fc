/// The declaration of one command: its name, what it does, its options and its arguments. Help
/// text and parsing are both generated from it, so they cannot disagree.
struct CommandSpec: Sendable {
    /// The words that select the command: `["classify"]`, `["ranges", "lookup"]`.
    let path: [String]
    /// One line, shown in the command list.
    let summary: String
    /// Paragraphs shown under the usage line of the command's own help.
    let discussion: String
    let options: [OptionSpec]
    let arguments: [ArgumentSpec]

    var name: String { path.joined(separator: " ") }

    /// `vpcflow classify [--ranges FILE] ... INPUT...`
    var usageLine: String {
        var words = ["vpcflow", name]
        words += options.map { "[\($0.synopsis)]" }
        words += arguments.map(\.synopsis)
        return words.joined(separator: " ")
    }

    func option(named name: String) -> OptionSpec? { options.first { $0.name == name } }
}

/// One `--option`: a flag when `valueName` is nil, else it takes a value.
struct OptionSpec: Sendable {
    /// Without the dashes: `ranges` for `--ranges`.
    let name: String
    /// The value's placeholder in help text (`FILE`), or nil for a flag.
    let valueName: String?
    let help: String
    /// The value used when the option is absent, shown in help; nil when there is none.
    let defaultValue: String?

    init(_ name: String, value: String? = nil, default defaultValue: String? = nil, help: String) {
        self.name = name
        self.valueName = value
        self.help = help
        self.defaultValue = defaultValue
    }

    var synopsis: String { valueName.map { "--\(name) \($0)" } ?? "--\(name)" }
}

/// A positional argument.
struct ArgumentSpec: Sendable {
    let name: String
    let help: String
    /// How many values it takes: at least `minimum`, at most `maximum` (nil: unbounded).
    let minimum: Int
    let maximum: Int?

    var synopsis: String {
        let base = maximum == nil ? "\(name)..." : name
        return minimum == 0 ? "[\(base)]" : base
    }
}

/// The shared options, declared once.
extension OptionSpec {
    static let ranges = OptionSpec(
        "ranges", value: "FILE",
        help: "AWS ip-ranges.json to use (default: $VPCFLOW_RANGES, else the copy saved by 'vpcflow ranges update')")
    static let labels = OptionSpec(
        "labels", value: "FILE", help: "CSV of your own networks, 'cidr,label[,region]', counted like AWS ranges")
    static let format = OptionSpec("format", value: "text|json", default: "text", help: "output format")
    static let fields = OptionSpec(
        "fields", value: "\"FIELD ...\"",
        help: "field order of AWS text input without a header line (default: the version 2 default format)")
    static let top = OptionSpec(
        "top", value: "N", default: "100", help: "rows of the ranked reports (ports.csv)")
    static let timeline = OptionSpec(
        "timeline", help: "also count and write timeline.csv (opt-in: it costs about a quarter of the speed)")
    static let interfaces = OptionSpec(
        "interfaces", help: "also count and write interfaces.csv, per interface-id (opt-in: about an eighth of the speed)")
    static let bucket = OptionSpec(
        "bucket", value: "5m|1h|1d", default: "1h",
        help: "width of timeline.csv's buckets of start time, in UTC; implies --timeline (a partial keeps them: merge can widen, not split)")
    static let inflater = OptionSpec(
        "inflater", value: "auto|zlib|isal", default: "$VPCFLOW_INFLATER, else auto",
        help: "gzip inflater: isal (ISA-L, libisal.so.2, faster), zlib, or auto: isal when it loads, else zlib")
}
