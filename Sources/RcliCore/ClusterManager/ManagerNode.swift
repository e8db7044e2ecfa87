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
        parse(ArraySlice(line.utf8))
    }

    /// The same from the line's bytes (as `NodesView` holds them): fields split once, numbers
    /// read from the bytes, a string made only for what the node keeps.
    static func parse(_ line: ArraySlice<UInt8>) -> ManagerNode? {
        let fields = line.split(separator: UInt8(ascii: " "))
        guard fields.count >= 8 else { return nil }
        // ip:port@cport[,hostname]
        let addressField = fields[1]
        let comma = addressField.firstIndex(of: UInt8(ascii: ",")) ?? addressField.endIndex
        let hostPortBus = addressField[..<comma]
        let hostPort = hostPortBus[..<(hostPortBus.firstIndex(of: UInt8(ascii: "@")) ?? hostPortBus.endIndex)]
        guard let colon = hostPort.lastIndex(of: UInt8(ascii: ":")), let port = number(hostPort[(colon + 1)...])
        else { return nil }
        let ip = text(hostPort[..<colon])
        let hostname = comma < addressField.endIndex ? text(addressField[(comma + 1)...]) : ""
        let flags = fields[2].split(separator: UInt8(ascii: ",")).map(text).filter { $0 != "myself" }
        let master = fields[3].elementsEqual([UInt8(ascii: "-")]) ? nil : text(fields[3])
        var slots: [ClosedRange<Int>] = []
        var migrating: [Int: String] = [:]
        var importing: [Int: String] = [:]
        for field in fields.dropFirst(8) {
            if field.first == UInt8(ascii: "[") {
                // [slot->-id] migrating, [slot-<-id] importing
                let body = field.dropFirst().dropLast()
                guard let dash = body.firstIndex(of: UInt8(ascii: "-")), let slot = number(body[..<dash]) else {
                    continue
                }
                let arrow = body[dash...].prefix(3)
                if arrow.elementsEqual("->-".utf8) {
                    migrating[slot] = text(body[(dash + 3)...])
                } else if arrow.elementsEqual("-<-".utf8) {
                    importing[slot] = text(body[(dash + 3)...])
                }
                continue
            }
            if let dash = field.firstIndex(of: UInt8(ascii: "-")) {
                if let a = number(field[..<dash]), let b = number(field[(dash + 1)...]), a <= b { slots.append(a...b) }
            } else if let s = number(field) {
                slots.append(s...s)
            }
        }
        return ManagerNode(
            id: text(fields[0]), address: NodeAddress(host: ip, port: port), ip: ip,
            hostname: hostname.isEmpty ? nil : hostname, flags: flags, masterID: master, slots: slots,
            migrating: migrating, importing: importing, configEpoch: number(fields[6]) ?? 0)
    }

    private static func text(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }

    /// A decimal number without sign (what the fields hold), nil for anything else or an overflow.
    private static func number(_ bytes: ArraySlice<UInt8>) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var n = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            n = n * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return n
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
