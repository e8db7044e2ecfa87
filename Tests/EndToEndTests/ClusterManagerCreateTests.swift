import Cluster
import Foundation
import Glibc
import Testing

/// Clusters built from fresh nodes of the test's own.
@Suite struct ClusterManagerCreateTests {
    private static func freshNodes(_ count: Int) throws -> [OwnServer] {
        try (0..<count).map { _ in
            try OwnServer([
                "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "15000",
            ])
        }
    }

    /// The reverse of the fixture (which rcli builds): a cluster redis-cli built reads the same
    /// in rcli's check as in redis-cli's.
    @Test func clusterBuiltByRedisCliChecksTheSameInRcli() throws {
        let nodes = try Self.freshNodes(3)
        defer { for n in nodes { n.stop() } }
        let addresses = nodes.map { "127.0.0.1:\($0.port)" }
        let made = try redisCli(["--cluster", "create"] + addresses + ["--cluster-yes"])
        try #require(made.status == 0, "\(made.out)")
        let plain = ["TERM": "dumb"]
        _ = waitUntil(10) { (try? redisCli(["--cluster", "check", addresses[0]]).status) == 0 }
        let ours = try rcli(["--cluster", "check", addresses[1]], environment: plain)
        let theirs = try redisCli(["--cluster", "check", addresses[1]], environment: plain)
        #expect(ours.status == 0 && ours.out == theirs.out, "--- rcli\n\(ours.out)--- redis-cli\n\(theirs.out)")
    }

    /// IPv6: nodes given as `[::1]:port` and `::1:port` form a cluster over IPv6; rcli's check
    /// prints them bracketed, redis-cli's check agrees, and data flows with `-c -h ::1`.
    @Test func createOverIPv6() throws {
        let nodes = try (0..<3).map { _ in
            try OwnServer([
                "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "15000",
                "--bind", "127.0.0.1 ::1",
            ])
        }
        defer { for n in nodes { n.stop() } }
        let ports = nodes.map(\.port)
        let created = try rcli(
            ["--cluster", "create", "[::1]:\(ports[0])", "::1:\(ports[1])", "[::1]:\(ports[2])", "--cluster-yes"],
            timeout: 60)
        #expect(created.status == 0, "\(created.out)\(created.err)")
        #expect(created.out.contains("[OK] All 16384 slots covered."), "\(created.out)")
        let known = try redisCli(["-p", ports[0], "cluster", "nodes"]).out
        #expect(known.contains(" ::1:\(ports[1])@") && known.contains(" ::1:\(ports[2])@"), "\(known)")
        _ = waitUntil(10) { (try? redisCli(["--cluster", "check", "::1:\(ports[0])"]).status) == 0 }
        let check = try rcli(["--cluster", "check", "[::1]:\(ports[0])"], environment: ["TERM": "dumb"])
        #expect(check.status == 0 && check.out.contains("[OK] All 16384 slots covered."), "\(check.out)")
        #expect(check.out.contains(" [::1]:\(ports[1])\n"), "bracketed: \(check.out)")
        let script = (0..<100).map { "set k\($0) v\($0)\n" }.joined() + (0..<100).map { "get k\($0)\n" }.joined()
        let data = try rcli(["-c", "-h", "::1", "-p", ports[0]], stdin: script)
        #expect(data.out == String(repeating: "OK\n", count: 100) + (0..<100).map { "v\($0)\n" }.joined())
    }

    @Test func createBuildsAClusterRedisCliAgreesWith() throws {
        let nodes = try Self.freshNodes(6)
        defer { for n in nodes { n.stop() } }
        let addresses = nodes.map { "127.0.0.1:\($0.port)" }
        // Without a terminal and without --cluster-yes: an error, not a hang.
        let unasked = try rcli(["--cluster", "create"] + addresses + ["--cluster-replicas", "1"], timeout: 20)
        #expect(unasked.status == 1)
        #expect(unasked.out.contains("Can I set the above configuration? (type 'yes' to accept): "))
        #expect(unasked.out.contains("run with --cluster-yes"), "\(unasked.out)")

        // Options before --cluster, as harnesses write them (redis-cli takes any order).
        let r = try rcli(
            ["--cluster-yes", "--cluster-replicas", "1", "--cluster", "create"] + addresses, timeout: 60)
        #expect(r.status == 0, "\(r.out)\(r.err)")
        let lines = r.out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(
            Array(lines.prefix(4)) == [
                ">>> Performing hash slots allocation on 6 nodes...", "Master[0] -> Slots 0 - 5460",
                "Master[1] -> Slots 5461 - 10922", "Master[2] -> Slots 10923 - 16383",
            ])
        // redis-cli's own placement on one host: the 5th node follows the 1st, the 6th the 2nd, the 4th the 3rd.
        #expect(lines[4] == "Adding replica \(addresses[4]) to \(addresses[0])")
        #expect(lines[5] == "Adding replica \(addresses[5]) to \(addresses[1])")
        #expect(lines[6] == "Adding replica \(addresses[3]) to \(addresses[2])")
        #expect(lines.contains("[WARNING] Some slaves are in the same host as their master"))
        for marker in [
            ">>> Nodes configuration updated", ">>> Assign a different config epoch to each node",
            ">>> Sending CLUSTER MEET messages to join the cluster", "Waiting for the cluster to join",
            ">>> Performing Cluster Check (using node \(addresses[0]))",
            "[OK] All nodes agree about slots configuration.", "[OK] All 16384 slots covered.",
        ] {
            #expect(lines.contains(marker), "\(marker)")
        }
        // The real redis-cli finds nothing wrong, and data flows.
        _ = waitUntil(10) {
            (try? redisCli(["--cluster", "check", addresses[0]]).status) == 0
        }
        let check = try redisCli(["--cluster", "check", addresses[0]], environment: ["TERM": "dumb"])
        #expect(check.status == 0, "\(check.out)")
        #expect(
            check.out.contains("3 masters") || check.out.components(separatedBy: "1 slaves.").count == 4, "\(check.out)"
        )
        let script = (0..<100).map { "set k\($0) v\($0)\n" }.joined()
        let w = try rcli(["-c", "-p", nodes[0].port], stdin: script)
        #expect(w.out == String(repeating: "OK\n", count: 100))
    }

    /// Nodes given by name: CLUSTER MEET gets the resolved address, each node announces its
    /// name, and the manager shows the nodes as the cluster prefers clients to reach them: by IP
    /// (the default, as redis-cli), or by name once the cluster prefers names.
    @Test func createByNameAnnouncesTheNames() throws {
        let nodes = try Self.freshNodes(3)
        defer { for n in nodes { n.stop() } }
        let names = nodes.map { "localhost:\($0.port)" }
        let r = try rcli(["--cluster", "create"] + names + ["--cluster-yes"], timeout: 60)
        #expect(r.status == 0, "\(r.out)")
        let view = try redisCli(["-p", nodes[0].port, "cluster", "nodes"]).out
        #expect(view.components(separatedBy: ",localhost ").count == 4, "\(view)")
        let info = try rcli(["--cluster", "info", names[1]]).out
        #expect(info.contains(names[1] + " ("), "the entry node as named: \(info)")
        #expect([0, 2].allSatisfy { info.contains("127.0.0.1:\(nodes[$0].port) (") }, "\(info)")
        for node in nodes { _ = try node.cli(["config", "set", "cluster-preferred-endpoint-type", "hostname"]) }
        let byName = try rcli(["--cluster", "info", names[1]]).out
        #expect(names.allSatisfy { byName.contains($0 + " (") }, "\(byName)")
    }

    /// A development cluster of one master (redis-cli demands three).
    @Test func createAcceptsOneMasterAfterAWarning() throws {
        let nodes = try Self.freshNodes(1)
        defer { for n in nodes { n.stop() } }
        let r = try rcli(["--cluster", "create", "127.0.0.1:\(nodes[0].port)", "--cluster-yes"], timeout: 30)
        #expect(r.status == 0, "\(r.out)")
        #expect(r.out.contains("[WARNING] 1 master: Redis Cluster needs at least 3 masters"))
        #expect(r.out.contains("Master[0] -> Slots 0 - 16383"))
        #expect(try rcli(["-c", "-p", nodes[0].port, "set", "a", "1"]).out == "OK\n")
    }

    /// Grow and shrink: add a master and a replica, reshard data onto the new master (the plan
    /// printed as redis-cli prints it, every key kept), rebalance, remove the replica again.
    @Test func addNodeReshardRebalanceAndDelNode() throws {
        let nodes = try Self.freshNodes(5)
        defer { for n in nodes { n.stop() } }
        let addresses = nodes.map { "127.0.0.1:\($0.port)" }
        let created = try rcli(["--cluster", "create"] + addresses.prefix(3) + ["--cluster-yes"], timeout: 60)
        try #require(created.status == 0, "\(created.out)")
        let script = (0..<300).map { "set k\($0) v\($0)\n" }.joined()
        #expect(try rcli(["-c", "-p", nodes[0].port], stdin: script).out == String(repeating: "OK\n", count: 300))

        let master = try rcli(["--cluster", "add-node", addresses[3], addresses[0]], timeout: 60)
        #expect(master.status == 0, "\(master.out)")
        #expect(master.out.hasPrefix(">>> Adding node \(addresses[3]) to cluster \(addresses[0])\n"))
        #expect(master.out.contains(">>> Send CLUSTER MEET to node \(addresses[3]) to make it join the cluster.\n"))
        #expect(master.out.hasSuffix("[OK] New node added correctly.\n"))
        let newID = try redisCli(["-p", nodes[3].port, "cluster", "myid"]).out.trimmingCharacters(
            in: .whitespacesAndNewlines)
        // valkey-cli's spellings, before --cluster.
        let replica = try rcli(
            ["--cluster-replica", "--cluster-primary-id", newID, "--cluster", "add-node", addresses[4], addresses[0]],
            timeout: 60)
        #expect(replica.status == 0, "\(replica.out)")
        #expect(replica.out.contains(">>> Configure node as replica of \(addresses[3]).\n"))
        _ = waitUntil(10) { (try? redisCli(["--cluster", "check", addresses[0]]).status) == 0 }

        // The plan, asked without a terminal: the same lines as redis-cli's (which is told "no").
        let planArgs = ["--cluster", "reshard", addresses[0], "--cluster-from", "all", "--cluster-to", newID]
        let ours = try rcli(planArgs + ["--cluster-slots", "300"], environment: ["TERM": "dumb"])
        let theirs = try redisCli(planArgs + ["--cluster-slots", "300"], stdin: "no\n", environment: ["TERM": "dumb"])
        #expect(ours.status == 1 && theirs.status == 1)
        let plan = { (out: String) in out.components(separatedBy: "Do you want to proceed").first ?? "" }
        #expect(plan(ours.out) == plan(theirs.out), "--- rcli\n\(ours.out)--- redis-cli\n\(theirs.out)")
        #expect(ours.err.contains("--cluster-yes"), "no terminal, no hang: \(ours.err)")

        let moved = try rcli(
            ["--cluster-slots", "300", "--cluster-yes"] + planArgs
                + ["--cluster-pipeline", "7", "--cluster-no-atomic-slot-migration"], timeout: 120)
        #expect(moved.status == 0, "\(moved.out)")
        #expect(moved.out.contains("Moving slot 0 from \(addresses[0]) to \(addresses[3]): "))
        _ = waitUntil(10) { (try? redisCli(["--cluster", "check", addresses[0]]).status) == 0 }
        let check = try redisCli(["--cluster", "check", addresses[0]], environment: ["TERM": "dumb"])
        #expect(check.status == 0, "\(check.out)")
        #expect(check.out.contains("\(addresses[3]) (\(newID.prefix(8))...) -> "), "\(check.out)")
        let values = try rcli(["-c", "-p", nodes[0].port], stdin: (0..<300).map { "get k\($0)\n" }.joined())
        #expect(values.out == (0..<300).map { "v\($0)\n" }.joined(), "every key kept")

        // Rebalance: the simulated plan as redis-cli computes it (weights, thresholds), then the real one.
        let prefix = String(newID.prefix(6))
        for extra in [[], ["--cluster-weight", "\(prefix)=2"], ["--cluster-threshold", "50"]] {
            let args = ["--cluster", "rebalance", addresses[1], "--cluster-simulate"] + extra
            let ours = try rcli(args, environment: ["TERM": "dumb"])
            let theirs = try redisCli(args, environment: ["TERM": "dumb"])
            #expect(ours.out == theirs.out && ours.status == theirs.status, "\(extra)\n\(ours.out)\n\(theirs.out)")
        }
        let balanced = try rcli(["--cluster", "rebalance", addresses[1]], timeout: 120)
        #expect(balanced.status == 0, "\(balanced.out)")
        _ = waitUntil(10) { (try? redisCli(["--cluster", "check", addresses[0]]).status) == 0 }
        let info = try rcli(["--cluster", "info", addresses[0]]).out
        #expect(info.components(separatedBy: " 4096 slots ").count == 5, "four masters of 4096 slots: \(info)")
        let after = try rcli(["-c", "-p", nodes[0].port], stdin: (0..<300).map { "get k\($0)\n" }.joined())
        #expect(after.out == (0..<300).map { "v\($0)\n" }.joined(), "every key kept")

        let replicaID = try redisCli(["-p", nodes[4].port, "cluster", "myid"]).out.trimmingCharacters(
            in: .whitespacesAndNewlines)
        let removed = try rcli(["--cluster", "del-node", addresses[0], replicaID], timeout: 60)
        #expect(removed.status == 0, "\(removed.out)")
        #expect(
            removed.out
                == ">>> Removing node \(replicaID) from cluster \(addresses[0])\n"
                + ">>> Sending CLUSTER FORGET messages to the cluster...\n"
                + ">>> Sending CLUSTER RESET SOFT to the deleted node.\n")
        let busy = try rcli(["--cluster", "del-node", addresses[0], newID])
        #expect(busy.status == 1 && busy.out.contains("is not empty! Reshard data away and try again."))
    }

    /// Ctrl-C in the middle of a slot: the slots in hand (a round of 64) are finished, none is
    /// left migrating/importing, the run stops before the next round and exits 130, every key
    /// where it belongs.
    @Test func ctrlCDuringReshardFinishesTheSlotInHand() throws {
        let nodes = try Self.freshNodes(3)
        defer { for n in nodes { n.stop() } }
        let addresses = nodes.map { "127.0.0.1:\($0.port)" }
        let created = try rcli(["--cluster", "create"] + addresses + ["--cluster-yes"], timeout: 60)
        try #require(created.status == 0, "\(created.out)")
        // 3,000 keys in slot 0, the first slot the reshard moves.
        let tag = try #require((0..<100_000).map { "t\($0)" }.first { HashSlot.slot(Array($0.utf8)) == 0 })
        let script = (0..<3000).map { "set {\(tag)}k\($0) v\n" }.joined()
        _ = try rcli(["-c", "-p", nodes[0].port], stdin: script)
        let ids = try nodes.map {
            try redisCli(["-p", $0.port, "cluster", "myid"]).out.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let dir = try scratchDirectory("reshard")
        let out = dir.appendingPathComponent("out")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        let process = testProcess(
            TestEnvironment.rcli,
            [
                "--cluster", "reshard", addresses[0], "--cluster-from", ids[0], "--cluster-to", ids[1],
                "--cluster-slots", "100", "--cluster-yes", "--cluster-pipeline", "1",
                "--cluster-no-atomic-slot-migration",
            ])
        process.standardOutput = try FileHandle(forWritingTo: out)
        try process.run()
        let text = { (try? String(contentsOf: out, encoding: .utf8)) ?? "" }
        #expect(waitUntil(30) { text().contains("Moving slot 0 from ") && text().hasSuffix(".") })
        kill(process.processIdentifier, SIGINT)
        #expect(waitUntil(60) { !process.isRunning })
        process.waitUntilExit()
        #expect(process.terminationStatus == 130, "\(text())")
        #expect(text().contains("*** Ctrl-C: finishing the 64 slots in hand, then stopping"), "\(text())")
        #expect(text().contains("*** Interrupted: 64 of 100 slots moved; no slot was left open."), "\(text())")
        // Piped, the lines are redis-cli's, one per slot in order, however the slots moved.
        let lines = text().split(separator: "\n").filter { $0.hasPrefix("Moving slot ") }
        #expect(lines.count == 64 && lines.first?.hasPrefix("Moving slot 0 from ") == true, "\(lines.prefix(3))")
        #expect(lines.last?.hasPrefix("Moving slot 63 from ") == true && lines.first?.hasSuffix(".") == true)
        let check = try redisCli(["--cluster", "check", addresses[0]], environment: ["TERM": "dumb"])
        #expect(check.status == 0 && !check.out.contains("[WARNING]"), "\(check.out)")
        #expect(try redisCli(["-p", nodes[1].port, "cluster", "countkeysinslot", "0"]).out == "3000\n")

        // On a terminal: one progress line instead of a line per slot.
        let command = [
            TestEnvironment.rcli, "--cluster", "reshard", addresses[0], "--cluster-from", ids[1], "--cluster-to",
            ids[2],
            "--cluster-slots", "5", "--cluster-yes", "--cluster-no-atomic-slot-migration",
        ].map(TmuxSession.quote).joined(separator: " ")
        // The pane stays after rcli ends, so its last screen can be read.
        let shell = try TmuxSession(
            ["/bin/sh", "-c", command + "; sleep 30"], environment: ["HOME": try scratchDirectory("home").path])
        try shell.wait(for: "Moving slots: 5/5 (100%), 3000 keys, ")
        #expect(try !shell.screen().contains("Moving slot 0 from \(addresses[1])"), "no per-slot lines on a terminal")
    }

    /// A reshard killed half-way (slot 0 migrating on A, importing on B, keys on both): fix closes
    /// it as redis-cli does, with the same lines, and no key is lost.
    @Test func fixClosesASlotLeftOpenLikeRedisCli() throws {
        let nodes = try Self.freshNodes(3)
        defer { for n in nodes { n.stop() } }
        let addresses = nodes.map { "127.0.0.1:\($0.port)" }
        let created = try rcli(["--cluster", "create"] + addresses + ["--cluster-yes"], timeout: 60)
        try #require(created.status == 0, "\(created.out)")
        let (a, b) = (nodes[0].port, nodes[1].port)
        let id = { (port: String) in
            try redisCli(["-p", port, "cluster", "myid"]).out.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let (aID, bID) = (try id(a), try id(b))
        let tag = try #require((0..<100_000).map { "t\($0)" }.first { HashSlot.slot(Array($0.utf8)) == 0 })
        _ = try rcli(["-c", "-p", a], stdin: (0..<1000).map { "set {\(tag)}k\($0) v\n" }.joined())
        func breakSlot() throws {
            _ = try redisCli(["-p", b, "cluster", "setslot", "0", "importing", aID])
            _ = try redisCli(["-p", a, "cluster", "setslot", "0", "migrating", bID])
            let keys = try redisCli(["-p", a, "cluster", "getkeysinslot", "0", "400"]).out.split(separator: "\n")
            _ = try redisCli(["-p", a, "migrate", "127.0.0.1", b, "", "0", "5000", "keys"] + keys.map(String.init))
            #expect(try redisCli(["-p", b, "cluster", "countkeysinslot", "0"]).out == "400\n")
        }
        let settled = { try redisCli(["--cluster", "check", addresses[0]], environment: ["TERM": "dumb"]) }
        try breakSlot()
        let ours = try rcli(["--cluster", "fix", addresses[0]], environment: ["TERM": "dumb"], timeout: 60)
        #expect(ours.status == 0, "\(ours.out)")
        #expect(try settled().status == 0, "no slot left open")
        #expect(
            try redisCli(["-p", a, "cluster", "countkeysinslot", "0"]).out == "1000\n", "every key back on the owner")
        try breakSlot()
        let theirs = try redisCli(["--cluster", "fix", addresses[0]], environment: ["TERM": "dumb"])
        #expect(ours.out == theirs.out, "--- rcli\n\(ours.out)--- redis-cli\n\(theirs.out)")
        #expect(ours.out.contains(">>> Case 2: Moving all the 0 slot keys to its owner \(addresses[0])"))

        // Case 3: migrating on A towards B, importing on B and C, no keys moved yet: the slot goes
        // to B and C is closed, with redis-cli's lines.
        func openThreeWays() throws {
            _ = try redisCli(["-p", b, "cluster", "setslot", "0", "importing", aID])
            _ = try redisCli(["-p", nodes[2].port, "cluster", "setslot", "0", "importing", aID])
            _ = try redisCli(["-p", a, "cluster", "setslot", "0", "migrating", bID])
        }
        try openThreeWays()
        let three = try rcli(["--cluster", "fix", addresses[0]], environment: ["TERM": "dumb"], timeout: 60)
        #expect(three.status == 0, "\(three.out)")
        #expect(
            three.out.contains(
                ">>> Case 3: Moving slot 0 from \(addresses[0]) to \(addresses[1]) and closing it on all the other "
                    + "importing nodes."), "\(three.out)")
        _ = waitUntil(10) { (try? settled().status) == 0 }
        #expect(try settled().status == 0, "no slot left open")
        #expect(try redisCli(["-p", b, "cluster", "countkeysinslot", "0"]).out == "1000\n", "the slot moved to B")
    }

    /// import: every key of a standalone server into the cluster, batched per node; --cluster-copy
    /// keeps the source, the default moves; names with spaces and NUL survive (redis-cli cuts them).
    @Test func importMovesOrCopiesEveryKey() throws {
        let nodes = try Self.freshNodes(3)
        defer { for n in nodes { n.stop() } }
        let source = try OwnServer()
        defer { source.stop() }
        let addresses = nodes.map { "127.0.0.1:\($0.port)" }
        let created = try rcli(["--cluster", "create"] + addresses + ["--cluster-yes"], timeout: 60)
        try #require(created.status == 0, "\(created.out)")
        _ = try redisCli(["-p", source.port], stdin: (0..<2000).map { "set imp\($0) v\($0)\n" }.joined())
        _ = try run(
            TestEnvironment.redisCli, ["-p", source.port, "-x", "set", "nul\u{0}key"], stdin: Array("binary".utf8))
        let missing = try rcli(["--cluster", "import", addresses[0]])
        #expect(missing.status == 1 && missing.out.contains("[ERR] Option '--cluster-from' is required"))
        let copy = try rcli(
            ["--cluster", "import", addresses[0], "--cluster-from", "127.0.0.1:\(source.port)", "--cluster-copy"],
            timeout: 60)
        #expect(copy.status == 0, "\(copy.out)")
        #expect(copy.out.contains("*** Importing 2001 keys from DB 0\n"))
        #expect(copy.out.components(separatedBy: "\nMigrating ").count == 2002)
        #expect(try redisCli(["-p", source.port, "dbsize"]).out == "2001\n", "copied, not moved")
        let values = try rcli(["-c", "-p", nodes[0].port], stdin: (0..<2000).map { "get imp\($0)\n" }.joined())
        #expect(values.out == (0..<2000).map { "v\($0)\n" }.joined())
        #expect(try rcli(["-c", "-p", nodes[1].port, "get", "nul\u{0}key"]).out == "binary\n")
        // Without --cluster-copy the keys move; existing ones need --cluster-replace.
        let busy = try rcli(["--cluster", "import", addresses[0], "--cluster-from", "127.0.0.1:\(source.port)"])
        #expect(busy.status == 1 && busy.out.contains("BUSYKEY"), "\(busy.out.suffix(300))")
        let moved = try rcli(
            ["--cluster", "import", addresses[0], "--cluster-from", "127.0.0.1:\(source.port)", "--cluster-replace"],
            timeout: 60)
        #expect(moved.status == 0, "\(moved.out.suffix(300))")
        #expect(try redisCli(["-p", source.port, "dbsize"]).out == "0\n", "moved")

        // On a terminal: one progress line instead of a line per key.
        _ = try redisCli(["-p", source.port], stdin: (0..<100).map { "set again\($0) v\n" }.joined())
        let command = [
            TestEnvironment.rcli, "--cluster", "import", addresses[0], "--cluster-from", "127.0.0.1:\(source.port)",
        ].map(TmuxSession.quote).joined(separator: " ")
        let shell = try TmuxSession(
            ["/bin/sh", "-c", command + "; echo status=$?; sleep 30"],
            environment: ["HOME": try scratchDirectory("home").path])
        try shell.wait(for: "status=0", timeout: 30)
        let screen = try shell.screen()
        #expect(screen.contains("Importing keys: 100/100 (100%)"), "\(screen)")
        #expect(!screen.contains("Migrating again"), "no per-key lines on a terminal")
    }

    /// Uncovered slots: without keys they go to a random master, with keys on one master to it,
    /// each group after a prompt that --cluster-yes does not skip (as redis-cli); no terminal to
    /// answer on is an error, not a hang.
    @Test func fixCoversUncoveredSlotsAfterAsking() throws {
        let nodes = try Self.freshNodes(3)
        defer { for n in nodes { n.stop() } }
        let addresses = nodes.map { "127.0.0.1:\($0.port)" }
        let created = try rcli(["--cluster", "create"] + addresses + ["--cluster-yes"], timeout: 60)
        try #require(created.status == 0, "\(created.out)")
        let tag = try #require((0..<100_000).map { "t\($0)" }.first { HashSlot.slot(Array($0.utf8)) == 200 })
        _ = try rcli(["-c", "-p", nodes[0].port], stdin: (0..<10).map { "set {\(tag)}k\($0) v\n" }.joined())
        for node in nodes { _ = try redisCli(["-p", node.port, "cluster", "delslots", "100", "200"]) }
        let unasked = try rcli(["--cluster", "fix", addresses[0], "--cluster-yes"], timeout: 30)
        #expect(unasked.status == 1, "\(unasked.out)")
        #expect(unasked.out.contains("The following uncovered slots have no keys across the cluster:\n[100]\n"))
        #expect(unasked.out.contains("asked even with --cluster-yes"), "prompts need a terminal: \(unasked.out)")

        let command = [TestEnvironment.rcli, "--cluster", "fix", addresses[0]].map(TmuxSession.quote)
            .joined(separator: " ")
        let shell = try TmuxSession(
            ["/bin/sh", "-c", command + "; echo status=$?; sleep 30"],
            environment: ["HOME": try scratchDirectory("home").path, "TERM": "dumb"])
        try shell.wait(for: "Fix these slots by covering with a random node? (type 'yes' to accept): ", timeout: 20)
        try shell.type("yes")
        try shell.wait(for: "Fix these slots by covering with those nodes? (type 'yes' to accept): ", timeout: 20)
        try shell.type("yes")
        try shell.wait(for: "status=0", timeout: 20)
        let screen = try shell.screen()
        #expect(screen.contains("The following uncovered slots have keys in just one node:\n[200]"), "\(screen)")
        #expect(screen.contains(">>> Covering slot 200 with \(addresses[0])"), "\(screen)")
        _ = waitUntil(10) { (try? redisCli(["--cluster", "check", addresses[0]]).status) == 0 }
        #expect(try redisCli(["--cluster", "check", addresses[0]]).status == 0)
        #expect(try rcli(["-c", "-p", nodes[1].port, "get", "{\(tag)}k3"]).out == "v\n")

        // Keys of slot 400 (A's) also on B, which does not claim it: multiple owners. redis-cli
        // reports them and its fix is refused with MOVED; rcli gathers the keys on A.
        let (a, b) = (nodes[0].port, nodes[1].port)
        let aID = try redisCli(["-p", a, "cluster", "myid"]).out.trimmingCharacters(in: .whitespacesAndNewlines)
        let t400 = try #require((0..<100_000).map { "t\($0)" }.first { HashSlot.slot(Array($0.utf8)) == 400 })
        _ = try rcli(["-c", "-p", a], stdin: (0..<7).map { "set {\(t400)}a\($0) v\n" }.joined())
        _ = try redisCli(["-p", b, "cluster", "setslot", "400", "importing", aID])
        _ = try redisCli(["-p", b], stdin: (0..<2).map { "asking\nset {\(t400)}b\($0) v\n" }.joined())
        _ = try redisCli(["-p", b, "cluster", "setslot", "400", "stable"])
        let search = ["--cluster-search-multiple-owners"]
        let report = try rcli(["--cluster", "check", addresses[0], "--json"] + search)
        #expect(report.status == 1, "\(report.out)")
        #expect(
            report.out.contains(
                "\"multiple_owners\":[{\"slot\":400,\"owners\":[\"\(addresses[0])\",\"\(addresses[1])\"]}]"))
        let owners = try rcli(["--cluster", "fix", addresses[0]] + search, environment: ["TERM": "dumb"], timeout: 60)
        #expect(owners.status == 0, "\(owners.out)")
        #expect(
            owners.out.contains(
                ">>> Fixing multiple owners for slot 400...\n>>> Setting slot 400 owner: \(addresses[0])\n"
                    + "Moving slot 400 from \(addresses[1]) to \(addresses[0]): ..\n"), "\(owners.out)")
        #expect(try redisCli(["-p", a, "cluster", "countkeysinslot", "400"]).out == "9\n")
        #expect(try redisCli(["-p", b, "cluster", "countkeysinslot", "400"]).out == "0\n")

        // Slot 300 uncovered with keys on A (10) and B (5): A takes it, B's keys follow.
        let t300 = try #require((0..<100_000).map { "t\($0)" }.first { HashSlot.slot(Array($0.utf8)) == 300 })
        _ = try rcli(["-c", "-p", a], stdin: (0..<10).map { "set {\(t300)}a\($0) v\n" }.joined())
        for node in nodes { _ = try redisCli(["-p", node.port, "cluster", "delslots", "300"]) }
        _ = try redisCli(["-p", b, "cluster", "addslots", "300"])
        _ = try redisCli(["-p", b], stdin: (0..<5).map { "set {\(t300)}b\($0) v\n" }.joined())
        for node in nodes { _ = try redisCli(["-p", node.port, "cluster", "delslots", "300"]) }
        let uncovered = try rcli(["--cluster", "check", addresses[0], "--json"])
        #expect(uncovered.status == 1 && uncovered.out.contains("\"uncovered_slots\":[[300,300]]"), "\(uncovered.out)")
        let merge = try TmuxSession(
            ["/bin/sh", "-c", command + "; echo status=$?; sleep 30"],
            environment: ["HOME": try scratchDirectory("home").path, "TERM": "dumb"])
        try merge.wait(for: "Fix these slots by moving keys into a single node? (type 'yes' to accept): ", timeout: 20)
        #expect(try merge.screen().contains("The following uncovered slots have keys in multiple nodes:\n[300]"))
        try merge.type("yes")
        try merge.wait(for: "status=0", timeout: 20)
        #expect(try merge.screen().contains(">>> Covering slot 300 moving keys to \(addresses[0])"))
        // On a terminal the move is a progress line, not redis-cli's dots.
        let mergeScreen = try merge.screen()
        #expect(mergeScreen.contains("Moving slots: 1/1 (100%), 5 keys"), "\(mergeScreen)")
        #expect(try redisCli(["-p", a, "cluster", "countkeysinslot", "300"]).out == "15\n")
        _ = waitUntil(10) { (try? redisCli(["--cluster", "check", addresses[0]]).status) == 0 }
        #expect(try redisCli(["--cluster", "check", addresses[0]] + search).status == 0)
    }
}
