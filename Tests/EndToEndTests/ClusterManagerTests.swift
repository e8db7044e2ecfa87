import Cluster
import Foundation
import Glibc
import Testing

/// `--cluster`: the same output as redis-cli 7.0 where it reads, a working cluster where it builds.
extension ClusterFixtureTests {
    @Test func managerReportsMatchRedisCliByteForByte() throws {
        let ports = try Self.ports()
        let plain = ["TERM": "dumb"]
        let runs: [[String]] = [
            ["--cluster", "check", "127.0.0.1:\(ports[0])"],
            ["--cluster", "info", "127.0.0.1", ports[1]],
            ["--cluster", "call", "127.0.0.1:\(ports[2])", "cluster", "myid"],
            ["--cluster", "call", "127.0.0.1:\(ports[0])", "dbsize", "--cluster-only-masters"],
            // An array reply from the replicas only; ROLE's replication offsets move while other
            // tests write, so the two runs could differ.
            [
                "--cluster", "call", "127.0.0.1:\(ports[0])", "config", "get", "cluster-enabled",
                "--cluster-only-replicas",
            ],
            ["--cluster", "set-timeout", "127.0.0.1:\(ports[0])", "15000"],
            ["--cluster", "help"],
            ["--cluster", "nonsense"],
            ["--cluster", "add-node", "127.0.0.1:1"],
            ["--cluster", "info", "127.0.0.1:1"],
        ]
        // redis-cli 7.4.1 on the redis-7.4 column, 7.0.15 elsewhere.
        for args in runs {
            let ours = try rcli(args, environment: plain)
            let theirs = try referenceCli(args, environment: plain)
            #expect(ours.out == theirs.out, "\(args)\n--- rcli\n\(ours.out)--- redis-cli\n\(theirs.out)")
            #expect(ours.err == theirs.err, "\(args)")
            #expect(ours.status == theirs.status, "\(args)")
        }
        // `--cluster` alone: the usage on stderr (each its own), nothing on stdout, exit 1.
        let bare = try rcli(["--cluster"])
        let theirs = try referenceCli(["--cluster"])
        #expect(bare.status == theirs.status && bare.out == theirs.out && bare.out.isEmpty)
        #expect(bare.err.contains("\nUsage: rcli [OPTIONS]") && theirs.err.contains("\nUsage: redis-cli [OPTIONS]"))
    }

    /// check --json / info --json: one document that agrees with what the nodes say themselves
    /// (CLUSTER NODES of each node), exit status as the text form; an unreachable node is a
    /// document with the error and status 1.
    @Test func checkAndInfoPrintOneJSONDocument() throws {
        let ports = try Self.ports()
        let check = try rcli(["--cluster", "check", "127.0.0.1:\(ports[0])", "--json"])
        #expect(check.status == 0, "\(check.out)\(check.err)")
        #expect(check.out.hasSuffix("}\n") && check.out.filter { $0 == "\n" }.count == 1, "one line")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(check.out.utf8)) as? [String: Any])
        #expect(doc["ok"] as? Bool == true && doc["agree"] as? Bool == true)
        #expect(doc["masters"] as? Int == 3 && doc["replicas"] as? Int == 3)
        #expect(doc["covered_slots"] as? Int == 16384 && (doc["uncovered_slots"] as? [Any])?.isEmpty == true)
        #expect((doc["errors"] as? [Any])?.isEmpty == true && (doc["open_slots"] as? [Any])?.isEmpty == true)
        let nodes = try #require(doc["nodes"] as? [[String: Any]])
        #expect(nodes.count == 6)
        for node in nodes {
            let port = try #require(node["port"] as? Int)
            let own = try redisCli(["-p", "\(port)", "cluster", "nodes"]).out.split(separator: "\n")
                .first { $0.contains("myself") }
            let fields = try #require(own?.split(separator: " "))
            #expect(node["id"] as? String == String(fields[0]))
            let slots = (node["slots"] as? [[Int]] ?? []).map { $0[0] == $0[1] ? "\($0[0])" : "\($0[0])-\($0[1])" }
            #expect(slots == fields.dropFirst(8).map(String.init), "\(port)")
            #expect(node["role"] as? String == (fields[2].contains("master") ? "master" : "replica"))
            let dbsize = try redisCli(["-p", "\(port)", "dbsize"]).out
            #expect("\(node["keys"] as? Int ?? -1)\n" == dbsize)
        }
        let info = try rcli(["--cluster", "info", "127.0.0.1", ports[1], "--json"])
        let infoDoc = try #require(try JSONSerialization.jsonObject(with: Data(info.out.utf8)) as? [String: Any])
        #expect(info.status == 0 && infoDoc["ok"] == nil && (infoDoc["nodes"] as? [Any])?.count == 6)
        let down = try rcli(["--cluster", "check", "127.0.0.1:1", "--json"])
        let downDoc = try #require(try JSONSerialization.jsonObject(with: Data(down.out.utf8)) as? [String: Any])
        #expect(down.status == 1 && downDoc["ok"] as? Bool == false)
        #expect((downDoc["errors"] as? [String])?.first?.contains("Could not connect") == true, "\(down.out)")
    }

    /// backup: the same nodes.json, file names and lines as redis-cli; a missing directory is
    /// an error before anything is written.
    @Test func backupWritesWhatRedisCliWrites() throws {
        let ports = try Self.ports()
        let ours = try scratchDirectory("backup-rcli")
        let theirs = try scratchDirectory("backup-redis-cli")
        defer {
            try? FileManager.default.removeItem(at: ours)
            try? FileManager.default.removeItem(at: theirs)
        }
        let entry = "127.0.0.1:\(ports[0])"
        let a = try rcli(["--cluster", "backup", entry, ours.path], environment: ["TERM": "dumb"], timeout: 60)
        let b = try redisCli(["--cluster", "backup", entry, theirs.path], environment: ["TERM": "dumb"])
        #expect(a.status == 0 && b.status == 0, "\(a.out)\(a.err)")
        #expect(
            a.out.replacingOccurrences(of: ours.path, with: "DIR")
                == b.out.replacingOccurrences(of: theirs.path, with: "DIR"))
        let list = { (dir: URL) in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() }
        #expect(try list(ours) == list(theirs))
        #expect(try list(ours).filter { $0.hasSuffix(".rdb") }.count == 3)
        #expect(
            try String(contentsOf: ours.appendingPathComponent("nodes.json"), encoding: .utf8)
                == String(contentsOf: theirs.appendingPathComponent("nodes.json"), encoding: .utf8))
        for file in try list(ours) where file.hasSuffix(".rdb") {
            // An RDB file: "REDIS" then its version (Valkey 9 writes "VALKEY" then its own).
            let data = try Data(contentsOf: ours.appendingPathComponent(file))
            #expect(data.starts(with: Array("REDIS".utf8)) || data.starts(with: Array("VALKEY".utf8)))
        }
        let missing = try rcli(["--cluster", "backup", entry, "/nonexistent/backup"])
        #expect(missing.status == 1 && missing.err.contains("not a directory"))
    }

    @Test func managerCreateRefusesNodesThatAreNotEmptyOrNotAsked() throws {
        let ports = try Self.ports()
        let busy = try rcli(["--cluster", "create", "127.0.0.1:\(ports[0])", "127.0.0.1:\(ports[1])", "--cluster-yes"])
        #expect(busy.status == 1)
        #expect(
            busy.out.contains(
                "[ERR] Node 127.0.0.1:\(ports[0]) is not empty. Either the node already knows other nodes"))
        let bad = try rcli(["--cluster", "create", "nonsense", "--cluster-yes"])
        #expect(bad.status == 1 && bad.err == "Invalid address format: nonsense\n")
        let replicas = try rcli(["--cluster", "create", "127.0.0.1:1", "--cluster-replicas", "x"])
        #expect(
            replicas.status == 1 && replicas.err.contains("--cluster-replicas"), "numbers are checked: \(replicas.err)")
        // Without --cluster the manager's options do nothing, as in redis-cli.
        for args in [["--cluster-yes", "ping"], ["--cluster-replicas", "2", "--cluster-from", "x", "ping"]] {
            let ours = try rcli(["-p", ports[0]] + args)
            let theirs = try redisCli(["-p", ports[0]] + args)
            #expect(ours.status == 0 && ours.out == "PONG\n" && ours.err.isEmpty, "\(ours.err)")
            #expect(ours.out == theirs.out && ours.status == theirs.status)
        }
    }
}
