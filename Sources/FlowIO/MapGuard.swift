import CFlowIO

/// The process-wide SIGBUS guard for mapped files (`Sources/CFlowIO/mapguard.c` says how it works).
///
/// Installed on first use by `MappedFile`; a SIGBUS outside every registered mapping still reaches
/// the handler that was there before (the Swift runtime's crash report).
enum MapGuard {
    /// Installs the handler once and says whether it is in place; without it, files are read with
    /// `pread`.
    static let isInstalled: Bool = vpcflow_mapguard_install() == 0

    /// How many mappings can be guarded at once (more are read with `pread`).
    static var capacity: Int { Int(vpcflow_mapguard_capacity()) }
}
