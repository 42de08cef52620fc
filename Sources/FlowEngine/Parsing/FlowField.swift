/// The fields of AWS VPC flow-log records (versions 2 to 11) and of transit-gateway flow logs
/// (version 6), by the names AWS uses in `${...}` format strings and in S3 header lines.
///
/// The engine reads only the fields in `Role`; every other known field is recognised (so a header
/// line can be told from a record) and skipped. Unknown names in a header are carried and ignored.
public enum FlowField {
    /// What the engine uses a column for. The first eight decide whether a line is an OK record
    /// (`RecordReader.read`); the detail roles (`isDetail`) never do: a value that is not what the
    /// field holds reads as absent, so adding them changed no verdict.
    public enum Role: Int, CaseIterable, Sendable {
        case srcaddr, dstaddr, packets, bytes, start, end, action, logStatus
        case dstport, `protocol`, interfaceId

        /// ports.csv, interfaces.csv: read when present, never judged.
        public var isDetail: Bool { rawValue >= Role.dstport.rawValue }
    }

    /// The field name (header spelling) for each role.
    public static func name(of role: Role) -> String {
        switch role {
        case .srcaddr: "srcaddr"
        case .dstaddr: "dstaddr"
        case .packets: "packets"
        case .bytes: "bytes"
        case .start: "start"
        case .end: "end"
        case .action: "action"
        case .logStatus: "log-status"
        case .dstport: "dstport"
        case .protocol: "protocol"
        case .interfaceId: "interface-id"
        }
    }

    /// The role of a header name, or nil. Accepts AWS's spelling (`log-status`) and Athena's
    /// (`log_status`), any case.
    public static func role(named name: String) -> Role? {
        let normalized = name.lowercased().replacingUnderscores()
        return Role.allCases.first { self.name(of: $0) == normalized }
    }

    /// The default format (version 2), in order.
    public static let defaultFormat: [String] = [
        "version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol", "packets",
        "bytes", "start", "end", "action", "log-status",
    ]

    /// Every documented field name, for telling a header line from a record.
    public static let known: Set<String> = Set(
        defaultFormat + [
            // v3
            "vpc-id", "subnet-id", "instance-id", "tcp-flags", "type", "pkt-srcaddr", "pkt-dstaddr",
            // v4
            "region", "az-id", "sublocation-type", "sublocation-id",
            // v5
            "pkt-src-aws-service", "pkt-dst-aws-service", "flow-direction", "traffic-path",
            // v7 (ECS)
            "ecs-cluster-arn", "ecs-cluster-name", "ecs-container-instance-arn", "ecs-container-instance-id",
            "ecs-container-id", "ecs-second-container-id", "ecs-service-name", "ecs-task-definition-arn",
            "ecs-task-arn", "ecs-task-id",
            // v8, v9, v10
            "reject-reason", "resource-id", "encryption-status",
            // v11
            "instance-tag", "instance-tag-2", "interface-tag", "interface-tag-2", "asg-tag", "asg-tag-2",
            "interface-type", "next-hop-interface-id", "next-hop-subnet-id", "next-hop-az-id", "next-hop-vpc-id",
            "next-hop-interface-type",
            // transit gateway (v6)
            "resource-type", "tgw-id", "tgw-attachment-id", "tgw-src-vpc-account-id", "tgw-dst-vpc-account-id",
            "tgw-src-vpc-id", "tgw-dst-vpc-id", "tgw-src-subnet-id", "tgw-dst-subnet-id", "tgw-src-eni",
            "tgw-dst-eni", "tgw-src-az-id", "tgw-dst-az-id", "tgw-pair-attachment-id", "packets-lost-no-route",
            "packets-lost-blackhole", "packets-lost-mtu-exceeded", "packets-lost-ttl-expired",
        ])

    /// Whether `name` is a documented field, in AWS's or Athena's spelling.
    public static func isKnown(_ name: String) -> Bool {
        known.contains(name.lowercased().replacingUnderscores())
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String {
        contains("_") ? String(map { $0 == "_" ? "-" : $0 }) : self
    }
}
