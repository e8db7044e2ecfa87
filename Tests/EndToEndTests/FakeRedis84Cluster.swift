import Foundation
import Glibc
import RESP

/// A scripted Redis 8.4 cluster on loopback, for the `CLUSTER MIGRATION` path of `--cluster
/// reshard/rebalance` (a fake only because no Redis 8.4 server is at hand). Every node listens on
/// a free port and serves any number of connections, each on a thread of its own; the nodes share
/// one slot map, so a finished import moves its slots in every node's `CLUSTER NODES`. It answers
/// what the cluster manager asks (HELLO 2/3, PING, AUTH, SELECT, INFO, CLUSTER NODES/MYID/INFO/
/// COUNTKEYSINSLOT/GETKEYSINSLOT/SETSLOT, DBSIZE, MIGRATE; CLUSTER SHARDS is refused) and speaks
/// `CLUSTER MIGRATION IMPORT/STATUS/CANCEL` with the replies and states of Redis's own
/// `src/cluster_asm.c` (see `FakeRedis84Cluster+Migration.swift`). Every command each node
/// received is recorded.
final class FakeRedis84Cluster: @unchecked Sendable {
    /// What an import task does, scripted per `IMPORT` in the order the imports arrive.
    enum Script: Sendable {
        /// In progress for `polls` `STATUS` polls on its target, then completed on both ends (the
        /// slots change owner).
        case complete(after: Int)
        /// Fails after `polls` polls with `error` as the target's `last_error`. Like Redis, the
        /// target starts a failed import again by itself (`retries` + 1) ten polls later, for
        /// ever, until it is cancelled.
        case fail(after: Int, error: String)
        /// In progress until cancelled.
        case hang
    }

    struct Node: Sendable {
        let id: String
        let port: Int
        let version: String
        var address: String { "127.0.0.1:\(port)" }
    }

    let nodes: [Node]
    private let listeners: [Int32]
    let lock = NSLock()
    /// The owner (node index) of every slot; -1 for none.
    var owners: [Int]
    var tasks: [Task] = []
    var scripts: [Script]
    private var received: [[[String]]]

    /// `slots[i]`: the ranges node `i` serves; `versions[i]`: its `redis_version` (8.4.0 when
    /// not given); `scripts`: what the imports do, in order (`complete(after: 2)` once spent).
    init(slots: [[ClosedRange<Int>]], versions: [String] = [], scripts: [Script] = []) throws {
        var listeners: [Int32] = []
        var nodes: [Node] = []
        let letters = Array("abcdef")
        for i in slots.indices {
            let (fd, port) = try listenOnLoopback(backlog: 32)
            listeners.append(fd)
            let letter = letters[i % letters.count]
            nodes.append(
                Node(
                    id: String(repeating: letter, count: 39) + "\(i % 10)", port: port,
                    version: i < versions.count ? versions[i] : "8.4.0"))
        }
        self.listeners = listeners
        self.nodes = nodes
        self.scripts = scripts
        received = Array(repeating: [], count: slots.count)
        owners = Array(repeating: -1, count: 16384)
        for (i, ranges) in slots.enumerated() {
            for range in ranges { for slot in range { owners[slot] = i } }
        }
        for i in nodes.indices {
            let fd = listeners[i]
            Thread.detachNewThread { [self] in
                while true {
                    let conn = accept(fd, nil, nil)
                    guard conn >= 0 else { return }
                    Thread.detachNewThread { [self] in serve(conn, node: i) }
                }
            }
        }
    }

    deinit {
        for fd in listeners {
            shutdown(fd, Int32(SHUT_RDWR))
            close(fd)
        }
    }

    /// Every command node `node` received so far, in order (name and arguments as sent).
    func commands(_ node: Int) -> [[String]] {
        lock.lock()
        defer { lock.unlock() }
        return received[node]
    }

    /// Every node's commands whose first words are `prefix` (case-insensitive), by node.
    func commands(_ node: Int, startingWith prefix: [String]) -> [[String]] {
        commands(node).filter { command in
            command.count >= prefix.count
                && zip(command, prefix).allSatisfy { $0.0.uppercased() == $0.1.uppercased() }
        }
    }

    /// The slots node `node` serves now.
    func slots(of node: Int) -> [Int] {
        lock.lock()
        defer { lock.unlock() }
        return owners.indices.filter { owners[$0] == node }
    }

    // MARK: - Serving

    private func serve(_ fd: Int32, node: Int) {
        defer { close(fd) }
        var parser = RESPParser()
        var proto = 2
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            guard n > 0 else { return }
            parser.append(buffer[0..<n])
            var out: [UInt8] = []
            while case .array(let items)? = try? parser.nextValue() {
                let words = items.map { String(decoding: $0.stringBytes ?? [], as: UTF8.self) }
                lock.lock()
                received[node].append(words)
                let reply = answer(words, node: node, proto: &proto)
                lock.unlock()
                Self.encode(reply, proto: proto, into: &out)
            }
            var sent = 0
            while sent < out.count {
                let w = out[sent...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                if w <= 0 { return }
                sent += w
            }
        }
    }

    static func bulk(_ text: String) -> RESPValue { .bulkString(Array(text.utf8)) }
    static func error(_ text: String) -> RESPValue { .error(Array(text.utf8)) }
    static let ok = RESPValue.simpleString(Array("OK".utf8))

    /// The reply to one command (the lock is held).
    private func answer(_ words: [String], node: Int, proto: inout Int) -> RESPValue {
        let name = words.first?.uppercased() ?? ""
        let sub = words.count > 1 ? words[1].uppercased() : ""
        switch name {
        case "HELLO":
            if words.count > 1 { proto = words[1] == "3" ? 3 : 2 }
            return .map(
                [
                    ("server", Self.bulk("redis")), ("version", Self.bulk(nodes[node].version)),
                    ("proto", .integer(Int64(proto))), ("id", .integer(1)), ("mode", Self.bulk("cluster")),
                    ("role", Self.bulk("master")), ("modules", .array([])),
                ].flatMap { [Self.bulk($0.0), $0.1] })
        case "PING": return .simpleString(Array("PONG".utf8))
        case "AUTH", "READONLY": return Self.ok
        case "CLIENT": return Self.ok
        case "SELECT":
            return words.count > 1 && words[1] == "0"
                ? Self.ok : Self.error("ERR SELECT is not allowed in cluster mode")
        case "DBSIZE": return .integer(0)
        case "MIGRATE": return .simpleString(Array("NOKEY".utf8))
        case "INFO": return Self.bulk(info(section: sub.lowercased(), node: node))
        case "CLUSTER":
            switch sub {
            case "NODES": return Self.bulk(clusterNodes(myself: node))
            case "MYID": return Self.bulk(nodes[node].id)
            case "INFO":
                return Self.bulk(
                    "cluster_state:ok\r\ncluster_slots_assigned:\(owners.filter { $0 >= 0 }.count)\r\n"
                        + "cluster_slots_ok:\(owners.filter { $0 >= 0 }.count)\r\ncluster_slots_pfail:0\r\n"
                        + "cluster_slots_fail:0\r\ncluster_known_nodes:\(nodes.count)\r\n"
                        + "cluster_size:\(nodes.count)\r\ncluster_current_epoch:\(nodes.count)\r\n"
                        + "cluster_my_epoch:\(node + 1)\r\n")
            case "COUNTKEYSINSLOT": return .integer(0)
            case "GETKEYSINSLOT": return .array([])
            case "SETSLOT":
                // Key by key (--cluster-no-atomic-slot-migration): NODE gives the slot away.
                if words.count > 4, words[3].uppercased() == "NODE", let slot = Int(words[2]),
                    (0..<16384).contains(slot), let owner = nodes.firstIndex(where: { $0.id == words[4] })
                {
                    owners[slot] = owner
                }
                return Self.ok
            case "MIGRATION":
                guard Self.hasMigration(nodes[node].version) else {
                    return Self.error("ERR unknown subcommand 'MIGRATION'. Try CLUSTER HELP.")
                }
                return migration(Array(words.dropFirst(2)), node: node)
            default:
                return Self.error("ERR unknown subcommand '\(words.count > 1 ? words[1] : "")'. Try CLUSTER HELP.")
            }
        default:
            return Self.error("ERR unknown command '\(words.first ?? "")', with args beginning with: ")
        }
    }

    /// Redis 8.4 or later.
    static func hasMigration(_ version: String) -> Bool {
        let parts = version.split(separator: ".").map { Int($0) ?? 0 }
        let major = parts.first ?? 0
        return major > 8 || (major == 8 && parts.count > 1 && parts[1] >= 4)
    }

    private func info(section: String, node: Int) -> String {
        let server =
            "# Server\r\nredis_version:\(nodes[node].version)\r\nredis_git_sha1:00000000\r\nredis_mode:cluster\r\n"
            + "os:Linux\r\narch_bits:64\r\ntcp_port:\(nodes[node].port)\r\n"
        let cluster = "# Cluster\r\ncluster_enabled:1\r\n"
        let keyspace = "# Keyspace\r\n"
        switch section {
        case "server": return server
        case "cluster": return cluster
        case "keyspace": return keyspace
        default: return server + "\r\n" + cluster + "\r\n" + keyspace
        }
    }

    /// `CLUSTER NODES` as node `myself` says it: every node, its own line flagged `myself`.
    private func clusterNodes(myself: Int) -> String {
        var text = ""
        for (i, node) in nodes.enumerated() {
            let ranges = Self.ranges(owners.indices.filter { owners[$0] == i })
            text +=
                "\(node.id) \(node.address)@\(node.port) \(i == myself ? "myself," : "")master - 0 0 \(i + 1) connected"
                + ranges.map { $0.count == 1 ? " \($0.lowerBound)" : " \($0.lowerBound)-\($0.upperBound)" }.joined()
                + "\n"
        }
        return text
    }

    /// Sorted slots as contiguous ranges.
    static func ranges(_ slots: [Int]) -> [ClosedRange<Int>] {
        var out: [ClosedRange<Int>] = []
        for slot in slots.sorted() {
            if let last = out.last, last.upperBound + 1 == slot {
                out[out.count - 1] = last.lowerBound...slot
            } else {
                out.append(slot...slot)
            }
        }
        return out
    }

    /// RESP bytes for `value` in protocol `proto` (maps are flat arrays in RESP2).
    static func encode(_ value: RESPValue, proto: Int, into out: inout [UInt8]) {
        func line(_ prefix: String, _ bytes: [UInt8]) { out += Array(prefix.utf8) + bytes + [13, 10] }
        switch value {
        case .simpleString(let s): line("+", s)
        case .error(let s): line("-", s)
        case .integer(let n): line(":", Array("\(n)".utf8))
        case .bulkString(let s), .verbatim(_, let s), .double(let s), .bigNumber(let s):
            line("$", Array("\(s.count)".utf8))
            out += s + [13, 10]
        case .boolean(let b): line(":", Array((b ? "1" : "0").utf8))
        case .null: line(proto == 3 ? "_" : "$", proto == 3 ? [] : Array("-1".utf8))
        case .map(let items) where proto == 3:
            line("%", Array("\(items.count / 2)".utf8))
            for item in items { encode(item, proto: proto, into: &out) }
        case .array(let items), .set(let items), .push(let items), .map(let items):
            line("*", Array("\(items.count)".utf8))
            for item in items { encode(item, proto: proto, into: &out) }
        }
    }
}
