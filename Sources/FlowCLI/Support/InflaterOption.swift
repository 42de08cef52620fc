import FlowIO

/// `--inflater auto|zlib|isal`, else `$VPCFLOW_INFLATER`, else `auto`: resolved once, before any
/// input is read.
enum InflaterOption {
    /// The inflater to use.
    ///
    /// - Throws: a usage error (64) for a value that is not auto, zlib or isal; exit 69
    ///   (EX_UNAVAILABLE) for `isal` when ISA-L cannot be loaded, since the command line is right
    ///   and the machine lacks a library (README, "Decisions").
    static func resolve(_ arguments: ParsedArguments, command: CommandSpec) throws(CLIError) -> Inflater {
        let fromOption = arguments.value(.inflater)
        let text = fromOption ?? FileReading.environment("VPCFLOW_INFLATER") ?? InflaterChoice.auto.rawValue
        let origin = fromOption == nil ? "VPCFLOW_INFLATER" : "--inflater"
        guard let choice = InflaterChoice(rawValue: text) else {
            throw CLIError.usage("\(origin) must be auto, zlib or isal, not \"\(text)\"", command: command)
        }
        guard let inflater = choice.resolved else {
            throw CLIError(
                exitCode: .unavailable,
                message:
                    "\(origin) isal: ISA-L cannot be loaded (\(ISAL.unavailableReason ?? ISAL.libraryName)); install it (Debian and Ubuntu: apt-get install libisal2), or use --inflater auto or zlib")
        }
        return inflater
    }
}
