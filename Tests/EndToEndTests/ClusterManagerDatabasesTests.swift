import Cluster
import Foundation
import Testing

/// Numbered databases in cluster mode (Valkey 9 `cluster-databases`): GETKEYSINSLOT, COUNTKEYSINSLOT
/// and MIGRATE act on the selected database only, and a node deletes the keys it still holds in a
/// slot it gave away. Every subcommand that moves keys must move every database's keys first.
/// On Valkey 9 the keys live in databases 0, 3 and 15; on the other servers (no numbered
/// databases in cluster mode) the same steps run on database 0, the path they all take.
extension ClusterManagerCreateTests {
    /// A cluster of fresh masters, with the helpers that read what the servers say themselves.
    final class DatabaseCluster {
        let nodes: [OwnServer]
        var ports: [String] { nodes.map(\.port) }
        var addresses: [String] { ports.map { "127.0.0.1:\($0)" } }
        static var databases: [Int] { TestEnvironment.isValkey9 ? [0, 3, 15] : [0] }

        /// `count` fresh cluster-enabled nodes (16 databases on Valkey 9).
        init(_ count: Int) throws {
            let extra = TestEnvironment.isValkey9 ? ["--cluster-databases", "16"] : []
            nodes = try (0..<count).map { _ in
                try OwnServer(
                    [
                        "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout",
                        "15000",
                    ] + extra)
            }
        }

        func stop() { for n in nodes { n.stop() } }

        func id(_ port: String) throws -> String {
            try redisCli(["-p", port, "cluster", "myid"]).out.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        /// Keys per database summed over the masters, from each master's own INFO keyspace.
        func counts() throws -> [Int: Int] {
            var total: [Int: Int] = [:]
            for port in try masters(among: ports) {
                for line in try redisCli(["-p", port, "info", "keyspace"]).out.split(whereSeparator: \.isNewline)
                where line.hasPrefix("db") {
                    let parts = line.dropFirst(2).split(separator: ":", maxSplits: 1)
                    guard parts.count == 2, let db = Int(parts[0]),
                        let keys = parts[1].split(separator: ",").first?.split(separator: "=").last.flatMap({
                            Int($0)
                        })
                    else { continue }
                    total[db, default: 0] += keys
                }
            }
            return total
        }

        /// The keys per database are still `before` (both printed as `db0=27 db3=27`).
        func expectCounts(_ before: [Int: Int], _ stage: String) throws {
            let now = try counts()
            let text = { (c: [Int: Int]) in c.keys.sorted().map { "db\($0)=\(c[$0] ?? 0)" }.joined(separator: " ") }
            #expect(now == before, "\(stage): keys per database \(text(now)), before \(text(before))")
        }

        /// The port serving `slot`, as `port` sees it.
        func owner(_ slot: Int, from port: String? = nil) throws -> String? {
            for line in try redisCli(["-p", port ?? ports[0], "cluster", "nodes"]).out.split(separator: "\n") {
                let fields = line.split(separator: " ")
                guard fields.count >= 8, fields[2].contains("master") else { continue }
                for range in fields.dropFirst(8) where !range.hasPrefix("[") {
                    let bounds = range.split(separator: "-").compactMap { Int($0) }
                    if let lo = bounds.first, slot >= lo && slot <= (bounds.last ?? lo) {
                        let address = fields[1].split(separator: "@")[0]
                        return address.split(separator: ":").last.map(String.init)
                    }
                }
            }
            return nil
        }

        /// Keys of `slot` in database `db` of the node on `port`.
        func keys(_ port: String, db: Int, slot: Int) throws -> Int {
            Int(
                try redisCli(["-p", port, "-n", "\(db)", "cluster", "countkeysinslot", "\(slot)"]).out
                    .trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        }

        /// True once redis-cli's own check finds the nodes agreeing and no slot open.
        func settled() -> Bool {
            waitUntil(15) { (try? redisCli(["--cluster", "check", self.addresses[0]]).status) == 0 }
        }

        /// The masters among `ports` (a master that gave its last slot away follows its taker).
        func masters(among ports: [String]) throws -> [String] {
            try ports.filter { try redisCli(["-p", $0, "role"]).out.hasPrefix("master") }
        }

        /// Every (slot, database) has `perSlot` keys on the slot's owner and none on the other
        /// masters among `ports`.
        func expectOnOwners(_ slots: [Int], perSlot: Int, _ stage: String, among ports: [String]) throws {
            let serving = try masters(among: ports)
            for slot in slots {
                let owner = try #require(try owner(slot), "\(stage): slot \(slot) has an owner")
                for db in Self.databases {
                    #expect(try keys(owner, db: db, slot: slot) == perSlot, "\(stage): slot \(slot) db \(db) on owner")
                    for port in serving where port != owner {
                        #expect(try keys(port, db: db, slot: slot) == 0, "\(stage): slot \(slot) db \(db) on \(port)")
                    }
                }
            }
        }
    }

    /// A hash tag whose keys land in `slot`.
    static func tag(for slot: Int) throws -> String {
        try #require((0..<200_000).map { "t\($0)" }.first { HashSlot.slot(Array($0.utf8)) == slot })
    }

    /// reshard, an open slot closed by fix, rebalance onto a new master, and del-node (refused
    /// while the node holds a key in any database, accepted once it is empty): the keys of every
    /// database stay, counted by the masters' INFO keyspace, and sit on their slot's owner.
    /// A user who may not SELECT other databases cannot reshard a slot with keys in them: nothing moves.
    @Test func everyDatabaseMovesWithItsSlot() throws {
        let cluster = try DatabaseCluster(5)
        defer { cluster.stop() }
        let (ports, addresses) = (cluster.ports, cluster.addresses)
        let created = try rcli(["--cluster", "create"] + addresses.prefix(3) + ["--cluster-yes"], timeout: 60)
        try #require(created.status == 0, "\(created.out)")
        try #require(cluster.settled())
        let ids = try ports.map { try cluster.id($0) }
        let databases = DatabaseCluster.databases
        // Three keys per database in slots of each master, slots 0-4 first (what a reshard from A
        // moves first), 16383 for the open-slot fix.
        let slots = [0, 1, 2, 3, 4, 10, 5461, 10923, 16383]
        for slot in slots {
            let tag = try Self.tag(for: slot)
            let owner = try #require(try cluster.owner(slot))
            for db in databases {
                let script = (0..<3).map { "set {\(tag)}d\(db)k\($0) v\($0)\n" }.joined()
                _ = try redisCli(["-p", owner, "-n", "\(db)"], stdin: script)
            }
        }
        let before = try cluster.counts()
        #expect(before == Dictionary(uniqueKeysWithValues: databases.map { ($0, 3 * slots.count) }), "seeded")
        let total = before.values.reduce(0, +)
        let masters = Array(ports.prefix(3))
        func expectKept(_ stage: String) throws {
            #expect(cluster.settled(), "\(stage): redis-cli's check passes (no slot left open)")
            try cluster.expectCounts(before, "\(stage)")
            try cluster.expectOnOwners(slots, perSlot: 3, stage, among: ports)
        }

        // info and check count the keys of every database.
        let info = try rcli(["--cluster", "info", addresses[0]], environment: ["TERM": "dumb"])
        #expect(info.out.contains("[OK] \(total) keys in 3 masters."), "\(info.out)")

        // reshard: slots 0-4 from A to B.
        let reshard = try rcli(
            [
                "--cluster", "reshard", addresses[0], "--cluster-from", ids[0], "--cluster-to", ids[1],
                "--cluster-slots", "5", "--cluster-yes", "--cluster-no-atomic-slot-migration",
            ], timeout: 120)
        #expect(reshard.status == 0 && !reshard.out.contains("left open"), "\(reshard.out)")
        try expectKept("reshard")
        #expect(try (0...4).allSatisfy { try cluster.owner($0) == ports[1] }, "slots 0-4 are B's")

        // A user who may SELECT database 0 only (MIGRATE's target connection selects it): on
        // Valkey 9 nothing moves (the other databases cannot be read); elsewhere database 0 is
        // all there is and the slot moves.
        for port in masters {
            let acl = ["acl", "setuser", "mover", "on", ">pw", "~*", "&*", "+@all", "-select", "+select|0"]
            #expect(try redisCli(["-p", port] + acl).out == "OK\n")
        }
        let limited = try rcli(
            [
                "--user", "mover", "--pass", "pw", "--cluster", "reshard", addresses[0], "--cluster-from", ids[1],
                "--cluster-to", ids[2], "--cluster-slots", "1", "--cluster-yes", "--cluster-no-atomic-slot-migration",
            ], timeout: 60)
        if TestEnvironment.isValkey9 {
            #expect(limited.status == 1, "\(limited.out)")
            #expect(limited.out.contains("database 3"), "says which database: \(limited.out)")
            #expect(try cluster.owner(0) == ports[1], "slot 0 stays B's")
        } else {
            #expect(limited.status == 0, "\(limited.out)")
            #expect(try cluster.owner(0) == ports[2], "slot 0 moved to C")
        }
        try expectKept("reshard as a user who may not SELECT")

        // fix, as redis-cli decides: slot 16383 left half-moved from C to A (one key of each
        // database already on A) goes back to C, the owner with most keys (case 2); slot 10923
        // left open before any key moved goes on to A (case 1).
        let (a, c) = (ports[0], try #require(try cluster.owner(16383)))
        let cID = try cluster.id(c)
        #expect(try cluster.owner(10923) == c)
        for slot in [16383, 10923] {
            _ = try redisCli(["-p", a, "cluster", "setslot", "\(slot)", "importing", cID])
            _ = try redisCli(["-p", c, "cluster", "setslot", "\(slot)", "migrating", ids[0]])
        }
        let tag = try Self.tag(for: 16383)
        for db in databases {
            let moved = try redisCli(
                ["-p", c, "-n", "\(db)", "migrate", "127.0.0.1", a, "", "\(db)", "5000", "keys", "{\(tag)}d\(db)k0"])
            #expect(moved.out == "OK\n", "\(moved.out)")
        }
        let fix = try rcli(["--cluster", "fix", addresses[0]], environment: ["TERM": "dumb"], timeout: 60)
        #expect(fix.status == 0, "\(fix.out)")
        let dots = String(repeating: ".", count: databases.count)
        #expect(
            fix.out.contains(
                ">>> Case 2: Moving all the 16383 slot keys to its owner 127.0.0.1:\(c)\n"
                    + "Moving slot 16383 from \(addresses[0]) to 127.0.0.1:\(c): \(dots)\n"), "\(fix.out)")
        #expect(
            fix.out.contains(
                ">>> Case 1: Moving slot 10923 from 127.0.0.1:\(c) to \(addresses[0])\n"
                    + "Moving slot 10923 from 127.0.0.1:\(c) to \(addresses[0]): \(dots + dots + dots)\n"),
            "\(fix.out)")
        try expectKept("fix")
        #expect(try cluster.owner(16383) == c && cluster.owner(10923) == a, "16383 stays C's, 10923 is A's")

        // rebalance onto a new empty master D.
        let added = try rcli(["--cluster", "add-node", addresses[3], addresses[0]], timeout: 60)
        #expect(added.status == 0, "\(added.out)")
        #expect(cluster.settled())
        let rebalance = try rcli(
            [
                "--cluster", "rebalance", addresses[0], "--cluster-use-empty-masters",
                "--cluster-no-atomic-slot-migration",
            ],
            timeout: 180)
        #expect(rebalance.status == 0 && !rebalance.out.contains("left open"), "\(rebalance.out)")
        #expect(cluster.settled(), "rebalance: redis-cli's check passes")
        try cluster.expectCounts(before, "rebalance")
        try cluster.expectOnOwners(slots, perSlot: 3, "rebalance", among: ports)
        #expect(try slots.contains { try cluster.owner($0) == ports[3] }, "D took some of the keys' slots")

        // del-node: D's slots go back to A first (a reshard); a key left in D in any database
        // (in a slot it does not serve) refuses the removal; once it is gone D is removed.
        let dSlots =
            try redisCli(["-p", ports[3], "cluster", "nodes"]).out.split(separator: "\n")
            .first { $0.contains("myself") }.map { line in
                line.split(separator: " ").dropFirst(8).reduce(0) { sum, range in
                    let b = range.split(separator: "-").compactMap { Int($0) }
                    return sum + ((b.last ?? 0) - (b.first ?? 0) + 1)
                }
            } ?? 0
        let emptied = try rcli(
            [
                "--cluster", "reshard", addresses[0], "--cluster-from", ids[3], "--cluster-to", ids[0],
                "--cluster-slots", "\(dSlots)", "--cluster-yes",
            ], timeout: 180)
        #expect(emptied.status == 0 && !emptied.out.contains("left open"), "\(emptied.out)")
        #expect(cluster.settled(), "emptying D: redis-cli's check passes")
        try cluster.expectCounts(before, "emptying D")
        try cluster.expectOnOwners(slots, perSlot: 3, "emptying D", among: ports)

        // D gave its last slot away, so it follows A now (replica migration), holding A's keys:
        // a replica goes whatever it holds.
        let removedD = try rcli(["--cluster", "del-node", addresses[0], ids[3]], timeout: 60)
        #expect(removedD.status == 0, "\(removedD.out)")

        // E, a new master that serves no slot, with a stray key in the last database (put there
        // while it imported slot 10): refused, then removed once the key is gone.
        let e = ports[4]
        let addedE = try rcli(["--cluster", "add-node", addresses[4], addresses[0]], timeout: 60)
        #expect(addedE.status == 0, "\(addedE.out)")
        #expect(cluster.settled())
        #expect(
            waitUntil(15) { (try? redisCli(["-p", e, "cluster", "info"]).out.contains("cluster_state:ok")) == true })
        let last = try #require(databases.last)
        let owner10 = try #require(try cluster.owner(10))
        let tag10 = try Self.tag(for: 10)
        let opened = try redisCli(["-p", e, "cluster", "setslot", "10", "importing", try cluster.id(owner10)])
        let stray = try redisCli(["-p", e, "-n", "\(last)"], stdin: "asking\nset {\(tag10)}stray v\n")
        _ = try redisCli(["-p", e, "cluster", "setslot", "10", "stable"])
        #expect(
            try cluster.keys(e, db: last, slot: 10) == 1,
            "a stray key on E in database \(last): \(opened.out) \(stray.out)")
        let refused = try rcli(["--cluster", "del-node", addresses[0], ids[4]], timeout: 60)
        #expect(refused.status == 1, "\(refused.out)")
        #expect(refused.out.contains("is not empty"), "\(refused.out)")
        #expect(try redisCli(["-p", ports[0], "cluster", "nodes"]).out.contains(ids[4]), "E is still known")
        _ = try redisCli(["-p", e, "flushall"])
        let removed = try rcli(["--cluster", "del-node", addresses[0], ids[4]], timeout: 60)
        #expect(removed.status == 0, "\(removed.out)")
        let known = try redisCli(["-p", ports[0], "cluster", "nodes"]).out
        #expect(!known.contains(ids[3]) && !known.contains(ids[4]), "D and E are forgotten")
        try cluster.expectCounts(before, "del-node")
        try cluster.expectOnOwners(slots, perSlot: 3, "del-node", among: ports)
    }

    /// import: every non-empty database of the source goes to the same database of the cluster
    /// where the cluster serves it (Valkey 9); elsewhere database 0 is imported and the others
    /// stay on the source, with a warning.
    @Test func importTakesEveryDatabaseTheClusterServes() throws {
        let cluster = try DatabaseCluster(3)
        defer { cluster.stop() }
        let source = try OwnServer()
        defer { source.stop() }
        let created = try rcli(["--cluster", "create"] + cluster.addresses + ["--cluster-yes"], timeout: 60)
        try #require(created.status == 0, "\(created.out)")
        try #require(cluster.settled())
        _ = try redisCli(["-p", source.port], stdin: (0..<20).map { "set zero\($0) v\n" }.joined())
        _ = try redisCli(["-p", source.port, "-n", "3"], stdin: (0..<10).map { "set three\($0) v\n" }.joined())
        let imported = try rcli(
            ["--cluster", "import", cluster.addresses[0], "--cluster-from", "127.0.0.1:\(source.port)"],
            environment: ["TERM": "dumb"], timeout: 60)
        #expect(imported.status == 0, "\(imported.out)")
        #expect(imported.out.contains("*** Importing 20 keys from DB 0\n"), "\(imported.out)")
        let sourceLeft = try redisCli(["-p", source.port, "info", "keyspace"]).out
        if TestEnvironment.isValkey9 {
            #expect(imported.out.contains("*** Importing 10 keys from DB 3\n"), "\(imported.out)")
            #expect(try cluster.counts() == [0: 20, 3: 10])
            #expect(!sourceLeft.contains("keys="), "moved: \(sourceLeft)")
        } else {
            #expect(imported.out.contains("DB 3"), "says DB 3 was left: \(imported.out)")
            #expect(try cluster.counts() == [0: 20])
            #expect(sourceLeft.contains("db3:keys=10,") && !sourceLeft.contains("db0:"), "\(sourceLeft)")
        }
        #expect(cluster.settled())
    }
}
