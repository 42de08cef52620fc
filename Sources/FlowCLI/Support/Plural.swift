/// Counts in human text: "1 entry", "2 entries", "1 record", "0 records".
enum Plural {
    static func counted(_ count: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(count) \(count == 1 ? singular : plural ?? singular + "s")"
    }
}
