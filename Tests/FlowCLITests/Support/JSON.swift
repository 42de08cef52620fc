import Foundation
import Testing

/// Parses command output as JSON with Foundation, independently of the tool's own JSON code.
enum JSON {
    /// The top-level object of `bytes`; records an issue and throws when it is not a JSON object.
    static func object(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let value = try JSONSerialization.jsonObject(with: Data(bytes))
        return try #require(value as? [String: Any], "not a JSON object", sourceLocation: sourceLocation)
    }

    /// `object[key]` as an array of objects.
    static func objects(_ object: [String: Any], _ key: String, sourceLocation: SourceLocation = #_sourceLocation)
        throws -> [[String: Any]]
    {
        try #require(object[key] as? [[String: Any]], "\"\(key)\" is not an array of objects", sourceLocation: sourceLocation)
    }
}
