import FlowEngine

/// What the command line found about its inputs before and after the job, added to
/// `summary.json`'s `inputs` object (deterministic, like the rest of it outside `run`):
/// - `duplicates`: paths read once because an earlier path is the same file (`path`, `same_as`);
/// - `empty_directories`: directories that held no input file;
/// - `not_flow_logs`: inputs with data lines of which none is a record.
enum SummaryInputNotes {
    static func add(to summary: JSONValue, _ expansion: InputList.Expansion, notFlowLogs: [String]) -> JSONValue {
        guard case .object(var members) = summary,
            let at = members.firstIndex(where: { $0.key == "inputs" }),
            case .object(var inputs) = members[at].value
        else { return summary }
        inputs.append(
            JSONMember(
                key: "duplicates",
                value: .array(
                    expansion.duplicates.map {
                        .object([JSONMember(key: "path", value: .string($0.path)), JSONMember(key: "same_as", value: .string($0.sameAs))])
                    })))
        inputs.append(JSONMember(key: "empty_directories", value: .array(expansion.emptyDirectories.map(JSONValue.string))))
        inputs.append(JSONMember(key: "not_flow_logs", value: .array(notFlowLogs.map(JSONValue.string))))
        members[at] = JSONMember(key: "inputs", value: .object(inputs))
        return .object(members)
    }
}
