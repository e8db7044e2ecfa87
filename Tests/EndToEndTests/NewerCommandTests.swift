import Cluster
import Foundation
import Testing

/// Commands newer than Redis 7.0 under `-c` (Redis 8.2's hash field expiration, vector sets and
/// stream deletions; Valkey 9's DELIFEQ), and SELECT under `-c` (Valkey 9's numbered databases in
/// cluster mode): output identical to redis-cli's and valkey-cli's in every format, and the first
/// send goes to the key's node. Part of the serialized cluster suite; runs on every server of the
/// matrix (scripts/test-matrix), each with the commands it has.
extension ClusterFixtureTests {
    /// One command of the corpus: `setup` runs (with redis-cli) before each run, `{k}` is the key.
    struct NewerCase: CustomStringConvertible {
        var setup: [String]
        var command: String
        /// Which servers have it.
        var on: Set<String>
        /// The committed table lacks it: rcli asks the server where its keys are.
        var learnt = false
        var description: String { command }
    }

    static let hashExpiry: Set<String> = ["redis-8.2", "valkey-9.1"]
    static let newerCorpus: [NewerCase] = [
        NewerCase(setup: ["HSET {k} f1 v1 f2 v2"], command: "HSETEX {k} EX 100 FIELDS 1 f3 v3", on: hashExpiry),
        NewerCase(
            setup: ["HSET {k} f1 v1 f2 v2"], command: "HGETEX {k} PERSIST FIELDS 3 f1 f2 nofield", on: hashExpiry),
        NewerCase(setup: ["HSET {k} f1 v1 f2 v2"], command: "HGETDEL {k} FIELDS 2 f1 nofield", on: hashExpiry),
        NewerCase(setup: ["HSET {k} f1 v1 f2 v2"], command: "HEXPIRE {k} 100 FIELDS 2 f1 nofield", on: hashExpiry),
        NewerCase(
            setup: ["HSET {k} f1 v1 f2 v2", "HEXPIREAT {k} 4102444800 FIELDS 1 f1"],
            command: "HEXPIRETIME {k} FIELDS 3 f1 f2 nofield", on: hashExpiry),
        NewerCase(
            setup: ["HSET {k} f1 v1", "HPEXPIREAT {k} 4102444800000 FIELDS 1 f1"],
            command: "HPERSIST {k} FIELDS 1 f1", on: hashExpiry),
        NewerCase(setup: ["HSET {k} f1 v1"], command: "HTTL {k} FIELDS 1 f1", on: hashExpiry),
        NewerCase(setup: [], command: "VADD {k} VALUES 3 1 0 0 a", on: ["redis-8.2"]),
        NewerCase(
            setup: ["VADD {k} VALUES 2 1 0 a", "VADD {k} VALUES 2 0 1 b"], command: "VCARD {k}", on: ["redis-8.2"]),
        NewerCase(setup: ["VADD {k} VALUES 2 1 0 a"], command: "VDIM {k}", on: ["redis-8.2"]),
        NewerCase(setup: ["VADD {k} VALUES 2 1 0 a"], command: "VISMEMBER {k} a", on: ["redis-8.2"]),
        NewerCase(
            setup: ["VADD {k} VALUES 2 1 0 a", "VADD {k} VALUES 2 0 1 b"], command: "VSIM {k} ELE a COUNT 1",
            on: ["redis-8.2"]),
        NewerCase(
            setup: ["XADD {k} 1-1 f v", "XADD {k} 2-1 f v"], command: "XDELEX {k} IDS 2 1-1 9-9", on: ["redis-8.2"]),
        NewerCase(
            setup: ["XADD {k} 1-1 f v", "XGROUP CREATE {k} g 0"], command: "XACKDEL {k} g IDS 1 1-1",
            on: ["redis-8.2"]),
        // A module's command (FalkorDB, loaded on Redis 8.2 by the fixtures): the table never has
        // it, so its keys are learnt from COMMAND INFO before the first send.
        NewerCase(
            setup: ["GRAPH.QUERY|{k}|CREATE (:n {v:1})"], command: "GRAPH.EXPLAIN|{k}|MATCH (n) RETURN n.v",
            on: ["redis-8.2"], learnt: true),
        NewerCase(setup: ["SET {k} v"], command: "DELIFEQ {k} v", on: ["valkey-9.1"]),
        NewerCase(setup: ["SET {k} v"], command: "DELIFEQ {k} other", on: ["valkey-9.1"]),
    ]

    /// The words of a corpus line (split at `|` where it has one, else at spaces), `{k}` the key.
    static func words(_ line: String, key: String) -> [String] {
        line.split(separator: line.contains("|") ? "|" : " ").map { $0 == "{k}" ? key : String($0) }
    }

    @Test func newerCommandsGoStraightToTheirNodeAndPrintAsRedisCliAndValkeyCli() throws {
        let ports = try Self.ports()
        let seed = try #require(try Self.map().masters.first)
        let server = TestEnvironment.server
        let corpus = Self.newerCorpus.filter { $0.on.contains(server) }
        if server == "redis-8.2" || server == "valkey-9.1" { #expect(corpus.count >= 9) }
        if server == "redis-8.2" { #expect(corpus.contains { $0.learnt }) }
        let p = uniquePrefix()
        var ran = 0
        for (i, c) in corpus.enumerated() {
            // A key another master serves, so routing by the table alone would earn a MOVED.
            var key = "\(p)\(i)"
            var n = 0
            while try Self.owner(key) == seed && n < 1000 {
                n += 1
                key = "\(p)\(i)-\(n)"
            }
            let reset = {
                _ = try redisCli(["-c", "-p", ports[0], "del", key])
                for line in c.setup {
                    let r = try redisCli(["-c", "-p", ports[0]] + Self.words(line, key: key))
                    #expect(!r.out.contains("ERR"), "setup '\(line)' failed: \(r.out)")
                }
            }
            let args = Self.words(c.command, key: key)
            // The first send goes to the key's node: no redirect is paid, none loops.
            try reset()
            let verbose = try rcli(["-c", "--verbose", "-p", "\(seed.port)"] + args)
            #expect(verbose.status == 0, "\(c): \(verbose.err)")
            #expect(verbose.err.contains("rcli: 0 redirects,"), "\(c) paid a redirect: \(verbose.err)")
            let name = args[0].lowercased()
            #expect(verbose.err.contains("learning the keys of '\(name)'") == c.learnt, "\(verbose.err)")
            for format in DifferentialTests.formats + [["-3"], ["-3", "--json"]] {
                try expectSameAsClis(["-c", "-p", "\(seed.port)"] + format + args, reset: reset, case: c.command)
            }
            try expectSameAsClis(
                ["-c", "-p", "\(seed.port)"] + args, environment: DifferentialTests.fakeTTY, reset: reset,
                case: c.command)
            ran += 1
            _ = try redisCli(["-c", "-p", ports[0], "del", key])
        }
        #expect(ran == corpus.count)
        // A command no server knows: the server's error, as redis-cli prints it.
        try expectSameAsClis(["-c", "-p", "\(seed.port)", "NOSUCHCMD", "\(p)x"], reset: {}, case: "NOSUCHCMD")
    }

    /// rcli, redis-cli and (on Valkey) valkey-cli with the same arguments: the same stdout and
    /// exit status. `reset` runs before each.
    func expectSameAsClis(
        _ args: [String], environment: [String: String] = [:], reset: () throws -> Void, case name: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        try reset()
        var ours = try rcli(args, environment: environment)
        if environment["FAKETTY"] != nil {
            // rcli's slot annotation line for the person at a terminal (redis-cli has none).
            let lines = ours.out.split(separator: "\n", omittingEmptySubsequences: false)
            ours.stdout = Array(lines.filter { !$0.hasPrefix("\u{1b}[2m[slot ") }.joined(separator: "\n").utf8)
        }
        for cli in [TestEnvironment.redisCli] + (TestEnvironment.peerCli.map { [$0] } ?? []) {
            try reset()
            let theirs = try run(cli, args, environment: environment)
            let who = URL(fileURLWithPath: cli).lastPathComponent
            #expect(ours.out == theirs.out, "stdout differs from \(who) for \(args)", sourceLocation: sourceLocation)
            #expect(
                ours.status == theirs.status, "status differs from \(who) for \(args)", sourceLocation: sourceLocation)
        }
    }
}

extension ClusterFixtureTests {
    /// Three keys on three different masters, each set to `<db>-<key>` in databases 0 and 3
    /// (database 3 only where the server has numbered databases in cluster mode).
    static func keysInDatabases(_ p: String) throws -> [String] {
        let ports = try Self.ports()
        let masters = try Self.map().masters
        var keys: [String] = []
        for master in masters.prefix(3) {
            var i = 0
            while try Self.owner("\(p)\(i)") != master { i += 1 }
            keys.append("\(p)\(i)")
        }
        for key in keys {
            _ = try redisCli(["-c", "-p", ports[0], "set", key, "0-\(key)"])
            if TestEnvironment.isValkey9 {
                let r = try redisCli(["-c", "-p", ports[0], "-n", "3", "set", key, "3-\(key)"])
                #expect(r.out == "OK\n", "seeding db 3: \(r.out)\(r.err)")
            }
        }
        return keys
    }

    @Test func selectUnderClusterModeAppliesToEveryNode() throws {
        let ports = try Self.ports()
        let p = uniquePrefix()
        let keys = try Self.keysInDatabases(p)
        defer {
            for db in ["0", "3"] { _ = try? redisCli(["-c", "-p", ports[0], "-n", db, "del"] + keys) }
        }
        let script = "SELECT 3\n" + keys.map { "GET \($0)\n" }.joined() + "SELECT 0\nGET \(keys[0])\n"
        let r = try rcli(["-c", "-p", ports[0]], stdin: script)
        #expect(r.status == 0)
        if TestEnvironment.isValkey9 {
            // Every node reads database 3 (redis-cli and valkey-cli agree), then 0 again.
            #expect(r.out == "OK\n" + keys.map { "3-\($0)\n" }.joined() + "OK\n0-\(keys[0])\n")
            // One-shot with -n, and a SELECT that fails keeps the database in use.
            let n = try rcli(["-c", "-n", "3", "-p", ports[0], "mget"] + keys)
            #expect(n.out == keys.map { "3-\($0)\n" }.joined())
            let refusal = try redisCli(["-c", "-p", ports[0], "select", "99"]).out
            #expect(refusal.hasPrefix("ERR DB index is out of range"))
            let bad = try rcli(
                ["-c", "-p", ports[0]], stdin: "SELECT 3\nSELECT 99\n" + keys.map { "GET \($0)\n" }.joined())
            #expect(bad.out == "OK\n" + refusal + keys.map { "3-\($0)\n" }.joined())
        } else {
            // The server refuses SELECT in cluster mode; every read stays in database 0.
            let refusal = try redisCli(["-c", "-p", ports[0], "select", "3"]).out
            #expect(refusal.hasPrefix("ERR"))
            #expect(r.out == refusal + keys.map { "0-\($0)\n" }.joined() + "OK\n0-\(keys[0])\n")
        }
    }

    @Test func selectUnderClusterModeShowsInThePromptAndFollowsRedirects() throws {
        let ports = try Self.ports()
        let p = uniquePrefix()
        let keys = try Self.keysInDatabases(p)
        defer {
            for db in ["0", "3"] { _ = try? redisCli(["-c", "-p", ports[0], "-n", db, "del"] + keys) }
        }
        let seed = try #require(try Self.map().masters.first)
        let home = try scratchDirectory("home")
        let shell = try TmuxSession(
            [TestEnvironment.rcli, "-c", "-p", "\(seed.port)"], environment: ["HOME": home.path])
        try shell.wait(for: "\(seed)> ")
        try shell.type("select 3")
        if TestEnvironment.isValkey9 {
            try shell.wait(for: "\(seed)[3]> ")
            for key in keys {
                try shell.type("get \(key)")
                try shell.wait(for: "\"3-\(key)\"")
            }
            // The prompt follows the node that answered and keeps the database.
            let last = try Self.owner(keys[2])
            try shell.wait(for: "\(last)[3]> ")
        } else {
            try shell.wait(for: "(error) ERR")
            try shell.type("get \(keys[1])")
            try shell.wait(for: "\"0-\(keys[1])\"")
        }
        try shell.type("quit")
        try shell.wait(for: "shell exit") { _ in (try? shell.isAlive()) == false }
    }
}

extension ClusterFixtureTests {
    /// A command sent before a SELECT and redirected (ASK) after it was read still runs in the
    /// database it was read in; the one after the SELECT in the new one.
    @Test func aCommandRedirectedAfterASelectRunsInItsOwnDatabase() throws {
        let p = uniquePrefix()
        let tag = try Self.emptySlotTag("seldb")
        let a = p + tag + "a"
        let b = p + tag + "b"
        let (slot, source, target, sourceID, targetID) = try Self.migration(of: a)
        let targetPort = "\(target.port)"
        _ = try redisCli(["-p", targetPort, "cluster", "setslot", "\(slot)", "importing", sourceID])
        _ = try redisCli(["-p", "\(source.port)", "cluster", "setslot", "\(slot)", "migrating", targetID])
        /// What the target holds for `key` in `db` (read with ASKING while it imports the slot).
        func onTarget(_ key: String, db: String) throws -> String {
            try redisCli(["-p", targetPort, "-n", db], stdin: "ASKING\nGET \(key)\n").out
        }
        defer {
            for db in TestEnvironment.isValkey9 ? ["0", "3"] : ["0"] {
                _ = try? redisCli(["-p", targetPort, "-n", db], stdin: "ASKING\nDEL \(a)\nASKING\nDEL \(b)\n")
            }
            _ = try? redisCli(["-p", targetPort, "cluster", "setslot", "\(slot)", "stable"])
            _ = try? redisCli(["-p", "\(source.port)", "cluster", "setslot", "\(slot)", "stable"])
        }
        // Neither key is on the source: each is asked over to the target, after the SELECT
        // behind it has been read (the script is pipelined).
        let r = try rcli(
            ["-c", "-p", "\(source.port)"], stdin: "set \(a) zero\nselect 3\nset \(b) three\nselect 0\nget \(a)\n")
        if TestEnvironment.isValkey9 {
            #expect(r.out == "OK\nOK\nOK\nOK\nzero\n", "\(r.err)")
            #expect(try onTarget(a, db: "0") == "OK\nzero\n")
            #expect(try onTarget(a, db: "3") == "OK\n\n")
            #expect(try onTarget(b, db: "3") == "OK\nthree\n")
            #expect(try onTarget(b, db: "0") == "OK\n\n")
        } else {
            let refusal = try redisCli(["-c", "-p", "\(source.port)", "select", "3"]).out
            #expect(r.out == "OK\n" + refusal + "OK\nOK\nzero\n", "\(r.err)")
            #expect(try onTarget(a, db: "0") == "OK\nzero\n")
            #expect(try onTarget(b, db: "0") == "OK\nthree\n")
        }
    }
}
