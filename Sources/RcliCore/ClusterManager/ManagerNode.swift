import Cluster

/// One node as the cluster manager sees it: its own `CLUSTER NODES` line (`myself`), parsed.
struct ManagerNode {
    /// The 40-hex node id.
    var id: String
    /// Where it is reached and how it is shown: its IP (as redis-cli), or the endpoint the cluster
    /// prefers when the manager knows it (see `ManagedCluster.load`); the entry node as named.
    var address: NodeAddress
    /// Its IP, as `CLUSTER NODES` gives it (empty when it has none yet).
    var ip: String
    /// The hostname it announces (`cluster-announce-hostname`), nil when none: the name its TLS
    /// certificate is checked against.
    var hostname: String?
    /// Its flags without `myself` (`master`, `slave`, `fail` ...).
    var flags: [String]
    /// The master it replicates, for a replica.
    var masterID: String?
    /// The slots it claims.
    var slots: [ClosedRange<Int>]
    /// Open slots: slot → the node id it migrates to / imports from.
    var migrating: [Int: String]
    var importing: [Int: String]
    /// Its config epoch.
    var configEpoch: Int
    /// Replicas that follow it (counted from the other nodes' lines).
    var replicaCount = 0

    var isMaster: Bool { flags.contains("master") }
    var slotCount: Int { slots.reduce(0) { $0 + $1.count } }

    /// Parses one `CLUSTER NODES` line; nil when it is not one.
    static func parse(_ line: Substring) -> ManagerNode? {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 8 else { return nil }
        let id = String(fields[0])
        // ip:port@cport[,hostname]
        let addressField = fields[1]
        let parts = addressField.split(separator: ",", maxSplits: 1)
        let hostPort = parts[0].split(separator: "@", maxSplits: 1)[0]
        guard let colon = hostPort.lastIndex(of: ":"), let port = Int(hostPort[hostPort.index(after: colon)...])
        else { return nil }
        let ip = String(hostPort[..<colon])
        let hostname = parts.count > 1 ? String(parts[1]) : ""
        let flags = fields[2].split(separator: ",").map(String.init).filter { $0 != "myself" }
        let master = fields[3] == "-" ? nil : String(fields[3])
        var slots: [ClosedRange<Int>] = []
        var migrating: [Int: String] = [:]
        var importing: [Int: String] = [:]
        for field in fields.dropFirst(8) {
            if field.hasPrefix("[") {
                // [slot->-id] migrating, [slot-<-id] importing
                let body = field.dropFirst().dropLast()
                if let r = body.firstRange(of: "->-"), let slot = Int(body[..<r.lowerBound]) {
                    migrating[slot] = String(body[r.upperBound...])
                } else if let r = body.firstRange(of: "-<-"), let slot = Int(body[..<r.lowerBound]) {
                    importing[slot] = String(body[r.upperBound...])
                }
                continue
            }
            let bounds = field.split(separator: "-")
            if bounds.count == 1, let s = Int(bounds[0]) {
                slots.append(s...s)
            } else if bounds.count == 2, let a = Int(bounds[0]), let b = Int(bounds[1]), a <= b {
                slots.append(a...b)
            }
        }
        return ManagerNode(
            id: id, address: NodeAddress(host: ip, port: port), ip: ip, hostname: hostname.isEmpty ? nil : hostname,
            flags: flags,
            masterID: master, slots: slots, migrating: migrating, importing: importing,
            configEpoch: Int(fields[6]) ?? 0)
    }

    /// redis-cli's slot ranges text: `[0-5460],[10923]`.
    static func rangesText(_ slots: [ClosedRange<Int>]) -> String {
        slots.map { $0.count == 1 ? "[\($0.lowerBound)]" : "[\($0.lowerBound)-\($0.upperBound)]" }.joined(
            separator: ",")
    }

    /// Sorted, merged ranges from a set of slots.
    static func ranges(_ slots: [Int]) -> [ClosedRange<Int>] {
        var result: [ClosedRange<Int>] = []
        for slot in slots.sorted() {
            if let last = result.last, last.upperBound + 1 == slot {
                result[result.count - 1] = last.lowerBound...slot
            } else if result.last?.contains(slot) != true {
                result.append(slot...slot)
            }
        }
        return result
    }

    /// The node lines redis-cli prints (`M: id host:port`, slots, replicates / replicas).
    func describe(indent: String = "") -> String {
        var s = "\(indent)\(isMaster ? "M" : "S"): \(id) \(ManagerAddress.text(address))\n"
        s += "\(indent)   slots:\(Self.rangesText(slots)) (\(slotCount) slots) \(flags.joined(separator: ","))\n"
        if let masterID {
            s += "\(indent)   replicates \(masterID)\n"
        } else if replicaCount > 0 {
            s += "\(indent)   \(replicaCount) additional replica(s)\n"
        }
        return s
    }
}
