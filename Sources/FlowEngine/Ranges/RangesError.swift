/// A ranges or labels file that cannot be used, with where and why.
///
/// `description` is one line: `ip-ranges.json: prefixes[17].ip_prefix: "10.0.0.1/24" has host bits
/// set (did you mean 10.0.0.0/24?)`.
public struct RangesError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file, as given.
    public let path: String
    /// Where in the file: a JSON path like `prefixes[17].ip_prefix`, `line 4`, or "" for the whole file.
    public let location: String
    public let message: String

    public init(path: String, location: String, message: String) {
        self.path = path
        self.location = location
        self.message = message
    }

    public var description: String {
        location.isEmpty ? "\(path): \(message)" : "\(path): \(location): \(message)"
    }
}
