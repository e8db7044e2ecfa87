import Cluster
import Foundation
import Glibc
import RedisNet

/// A throwaway 6-node cluster of a test's own (3 masters, 3 replicas, a short node timeout so
/// failovers take seconds), for tests that kill nodes: the shared fixture must stay whole.
final class OwnCluster {
    let dir: URL
    let ports: [Int]
    private static let script = TestEnvironment.packageRoot.appendingPathComponent("scripts/redis-cluster").path

    init(nodeTimeoutMs: Int = 2000) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "rcli-own-cluster-\(UUID().uuidString.prefix(8))")
        // posix_spawn, not Process: the daemonized servers must not inherit the runner's
        // descriptors or its blocked signals.
        let started = spawnAndWait(Self.script, ["start", dir.path, "\(nodeTimeoutMs)"])
        guard started.status == 0 else { throw TestEnvironment.FixtureMissing() }
        ports = started.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",").compactMap {
            Int($0)
        }
        guard ports.count == 6 else { throw TestEnvironment.FixtureMissing() }
    }

    deinit {
        _ = spawnAndWait(Self.script, ["stop", dir.path])
        try? FileManager.default.removeItem(at: dir)
    }

    /// The slot map as `port` (default: any live node) sees it.
    func map(from port: Int? = nil) throws -> SlotMap {
        var lastError: Error = TestEnvironment.FixtureMissing()
        for p in port.map({ [$0] }) ?? ports {
            do {
                let conn = try Connection(endpoint: .tcp(host: "127.0.0.1", port: p), connectTimeout: 2)
                return try Topology.fromShards(
                    try conn.roundTrip([Array("CLUSTER".utf8), Array("SHARDS".utf8)]), seedHost: "127.0.0.1")
            } catch {
                lastError = error
            }
        }
        throw lastError
    }

    /// `count` keys named `prefix<n>` whose slots `master` serves.
    func keys(_ prefix: String, on master: NodeAddress, count: Int) throws -> [String] {
        let map = try map()
        var keys: [String] = []
        var i = 0
        while keys.count < count && i < 1_000_000 {
            let key = "\(prefix)\(i)"
            if map.master(for: HashSlot.slot(Array(key.utf8))) == master { keys.append(key) }
            i += 1
        }
        return keys
    }

    /// The node's directory (where its nodes.conf lives).
    func directory(of port: Int) throws -> URL {
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        for name in names {
            let log = dir.appendingPathComponent(name).appendingPathComponent("redis.log")
            if (try? String(contentsOf: log, encoding: .utf8))?.contains("Running mode=cluster, port=\(port)") ?? false
            {
                return dir.appendingPathComponent(name)
            }
        }
        throw TestEnvironment.FixtureMissing()
    }

    /// SIGKILLs the node on `port`.
    func kill(_ port: Int) throws {
        let pidText = try String(
            contentsOf: try directory(of: port).appendingPathComponent("redis.pid"), encoding: .utf8)
        guard let pid = pid_t(pidText.trimmingCharacters(in: .whitespacesAndNewlines)), Glibc.kill(pid, SIGKILL) == 0
        else { throw TestEnvironment.FixtureMissing() }
    }

    /// Starts the node on `port` again with its cluster state; true once it answers PING.
    func restart(_ port: Int, nodeTimeoutMs: Int = 2000) throws -> Bool {
        let node = try directory(of: port)
        let started = spawnAndWait(
            TestEnvironment.serverBinary,
            [
                "--port", "\(port)", "--bind", "127.0.0.1", "--daemonize", "yes", "--dir", node.path,
                "--pidfile", node.appendingPathComponent("redis.pid").path, "--logfile",
                node.appendingPathComponent("redis.log").path, "--save", "", "--appendonly", "no",
                "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout",
                "\(nodeTimeoutMs)",
            ])
        return started.status == 0 && waitUntil(10) { self.info(port, "cluster").contains("cluster_state:ok") }
    }

    /// `INFO`/`CLUSTER INFO` text from `port` ("" when it does not answer).
    func info(_ port: Int, _ what: String) -> String {
        guard let conn = try? Connection(endpoint: .tcp(host: "127.0.0.1", port: port), connectTimeout: 1),
            let reply = try? conn.roundTrip(
                what == "cluster"
                    ? [Array("CLUSTER".utf8), Array("INFO".utf8)] : [Array("INFO".utf8), Array(what.utf8)])
        else { return "" }
        return reply.text ?? ""
    }

    /// Sends a command to one node (no redirects followed); nil when it does not answer.
    func command(_ port: Int, _ args: [String]) -> RESPValueText? {
        guard let conn = try? Connection(endpoint: .tcp(host: "127.0.0.1", port: port), connectTimeout: 1),
            let reply = try? conn.roundTrip(args.map { Array($0.utf8) })
        else { return nil }
        return RESPValueText(text: reply.text ?? "", isError: reply.isError)
    }
}

/// A reply's text and whether it was an error.
struct RESPValueText {
    let text: String
    let isError: Bool
}
