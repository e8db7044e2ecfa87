import Cluster
import Foundation
import RedisNet
import Testing

/// `rcli -c` against the fixture cluster. Part of the serialized cluster suite: some tests move
/// slots and put them back.
extension ClusterFixtureTests {
    static func map() throws -> SlotMap {
        let conn = try Connection(endpoint: .tcp(host: "127.0.0.1", port: Int(try ports()[0]) ?? 0), connectTimeout: 5)
        return try Topology.fromShards(
            try conn.roundTrip([Array("CLUSTER".utf8), Array("SHARDS".utf8)]), seedHost: "127.0.0.1")
    }

    /// The master that owns `key` now.
    static func owner(_ key: String) throws -> NodeAddress {
        try #require(try map().master(for: HashSlot.slot(Array(key.utf8))))
    }

    /// The slot of `key`, the master owning it, another master, and their node IDs: the two ends of
    /// a migration the test sets up.
    static func migration(of key: String) throws -> (
        slot: Int, source: NodeAddress, target: NodeAddress,
        sourceID: String, targetID: String
    ) {
        let source = try owner(key)
        let target = try #require(try map().masters.first { $0 != source })
        let sourceID = try redisCli(["-p", "\(source.port)", "cluster", "myid"]).out.trimmingCharacters(
            in: .whitespacesAndNewlines)
        let targetID = try redisCli(["-p", "\(target.port)", "cluster", "myid"]).out.trimmingCharacters(
            in: .whitespacesAndNewlines)
        return (HashSlot.slot(Array(key.utf8)), source, target, sourceID, targetID)
    }

    /// A hash tag (`{base N}`) whose slot holds no keys yet, so a test that moves the slot moves
    /// only its own keys (other tests' keys land in random slots, and a node refuses to give
    /// away a slot it still holds keys of).
    static func emptySlotTag(_ base: String) throws -> String {
        for i in 0..<100 {
            let tag = "{\(base)\(i)}"
            let slot = HashSlot.slot(Array(tag.utf8))
            let owner = try owner(tag)
            if try redisCli(["-p", "\(owner.port)", "cluster", "countkeysinslot", "\(slot)"]).out == "0\n" {
                return tag
            }
        }
        throw TestEnvironment.FixtureMissing()
    }

    /// A key starting with `prefix` whose slot another master owns than `other`'s.
    static func key(_ prefix: String, notOn other: String) throws -> String {
        let map = try map()
        let avoid = map.master(for: HashSlot.slot(Array(other.utf8)))
        for i in 0..<1000 where map.master(for: HashSlot.slot(Array("\(prefix)\(i)".utf8))) != avoid {
            return "\(prefix)\(i)"
        }
        throw TestEnvironment.FixtureMissing()
    }

    /// A key served by the same master as `other` but in another slot.
    static func key(_ prefix: String, sameNodeOtherSlotAs other: String) throws -> String {
        let map = try map()
        let slot = HashSlot.slot(Array(other.utf8))
        for i in 0..<1000 {
            let mine = HashSlot.slot(Array("\(prefix)\(i)".utf8))
            if mine != slot && map.master(for: mine) == map.master(for: slot) { return "\(prefix)\(i)" }
        }
        throw TestEnvironment.FixtureMissing()
    }

    /// The sum over all nodes of `INFO errorstats` for an error code (MOVED, ASK, CROSSSLOT).
    static func errorCount(_ code: String) throws -> Int {
        var total = 0
        for port in try ports() {
            let info = try redisCli(["-p", port, "info", "errorstats"]).out
            for line in info.split(whereSeparator: \.isNewline) where line.hasPrefix("errorstat_\(code):count=") {
                total += Int(line.dropFirst("errorstat_\(code):count=".count)) ?? 0
            }
        }
        return total
    }

    @Test func stdinScriptGoesStraightToOwnersAndMatchesRedisCli() throws {
        let ports = try Self.ports()
        let p = uniquePrefix()
        var script = ""
        for i in 0..<3000 {
            script +=
                i % 3 == 2 ? "get \(p)\(i - 1)\n" : (i % 3 == 0 ? "set \(p)\(i) v\(i)\n" : "incr \(p)n{\(i % 50)}\n")
        }
        script += "get \(p)missing\nbogus command\n"
        let movedBefore = try Self.errorCount("MOVED")
        let ours = try rcli(["-c", "-p", ports[4]], stdin: script)
        let movedByUs = try Self.errorCount("MOVED") - movedBefore
        #expect(ours.status == 0)
        #expect(ours.err == "")
        #expect(movedByUs == 0, "every command went straight to its slot's owner")
        // Same script again through redis-cli on fresh keys; its output (without its redirect
        // notes) must be the same.
        var del = "del"
        for i in stride(from: 0, to: 3000, by: 3) { del += " \(p)\(i)" }
        for i in 0..<50 { del += " \(p)n{\(i)}" }
        #expect(try rcli(["-c", "-p", ports[0]], stdin: del + "\n").out == "1050\n")
        let theirs = try redisCli(["-c", "-p", ports[4]], stdin: script)
        let theirLines = theirs.out.split(separator: "\n", omittingEmptySubsequences: false).filter {
            !$0.hasPrefix("-> Redirected")
        }
        #expect(ours.out.split(separator: "\n", omittingEmptySubsequences: false) == theirLines)
    }

    @Test func askDuringMigrationAndMovedAfterItAreFollowed() throws {
        let ports = try Self.ports()
        let p = uniquePrefix()
        let key = p + (try Self.emptySlotTag("mig"))
        let (slot, source, target, sourceID, targetID) = try Self.migration(of: key)
        _ = try redisCli(["-p", "\(source.port)", "set", key, "before"])

        let shell = try CoProcess(["-c", "-p", "\(source.port)", "--verbose"])
        #expect(shell.send("get \(key)") == ["before"])
        // Half-way through a migration: the key already lives on the target; the source says ASK.
        _ = try redisCli(["-p", "\(target.port)", "cluster", "setslot", "\(slot)", "importing", sourceID])
        _ = try redisCli(["-p", "\(source.port)", "cluster", "setslot", "\(slot)", "migrating", targetID])
        let migrate = try redisCli(["-p", "\(source.port)", "migrate", "127.0.0.1", "\(target.port)", key, "0", "5000"])
        #expect(migrate.out == "OK\n")
        #expect(shell.send("get \(key)") == ["before"], "ASK followed with ASKING")
        #expect(shell.send("set \(key) during") == ["OK"])
        // Migration finished: the slot belongs to the target; the source says MOVED.
        for port in ports { _ = try redisCli(["-p", port, "cluster", "setslot", "\(slot)", "node", targetID]) }
        #expect(shell.send("get \(key)") == ["during"], "MOVED followed")
        #expect(shell.send("get \(key)") == ["during"])
        let end = shell.finish()
        #expect(end.status == 0)
        #expect(end.err.contains("ASK: slot \(slot) → \(target)"), "\(end.err)")
        #expect(end.err.contains("MOVED: slot \(slot) → \(target)"), "\(end.err)")
        #expect(end.err.contains("3 redirects"), "two ASKs, one MOVED, then the map is right: \(end.err)")

        // Put the slot back where it was.
        _ = try redisCli(["-p", "\(source.port)", "cluster", "setslot", "\(slot)", "importing", targetID])
        _ = try redisCli(["-p", "\(target.port)", "cluster", "setslot", "\(slot)", "migrating", sourceID])
        _ = try redisCli(["-p", "\(target.port)", "migrate", "127.0.0.1", "\(source.port)", key, "0", "5000"])
        for port in ["\(target.port)"] + ports {
            _ = try redisCli(["-p", port, "cluster", "setslot", "\(slot)", "node", sourceID])
        }
        #expect(try waitUntil(5) { try Self.owner(key) == source })
        _ = try redisCli(["-c", "-p", ports[0], "del", key])
    }

    /// `--pipe -c` follows ASK (ASKING sent first) while a slot migrates.
    @Test func pipeFollowsAskDuringMigration() throws {
        let ports = try Self.ports()
        let p = uniquePrefix()
        let tag = try Self.emptySlotTag("\(p)pm")
        let (slot, source, target, sourceID, targetID) = try Self.migration(of: tag)
        _ = try redisCli(["-p", "\(target.port)", "cluster", "setslot", "\(slot)", "importing", sourceID])
        _ = try redisCli(["-p", "\(source.port)", "cluster", "setslot", "\(slot)", "migrating", targetID])
        defer {
            _ = try? redisCli(["-p", "\(target.port)", "cluster", "setslot", "\(slot)", "stable"])
            _ = try? redisCli(["-p", "\(source.port)", "cluster", "setslot", "\(slot)", "stable"])
        }
        // New keys of a migrating slot are not on the source: it answers ASK for each.
        var input = ""
        for i in 0..<200 { input += "SET \(tag)\(i) v\(i)\r\n" }
        let r = try rcli(["-c", "-p", ports[0], "--pipe"], stdin: input)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.hasSuffix("\(target): errors: 0, replies: 200\nerrors: 0, replies: 200\n"), "\(r.out)")
        #expect(try redisCli(["-p", "\(target.port)", "cluster", "countkeysinslot", "\(slot)"]).out == "200\n")
        var del = "ASKING\r\nDEL"
        for i in 0..<200 { del += " \(tag)\(i)" }
        #expect(try redisCli(["-p", "\(target.port)"], stdin: del + "\n").out == "OK\n200\n")
    }

    /// `--pipe -c` follows MOVED when a slot changes owner in the middle of the transfer: the
    /// commands after the move reach the new owner, none is lost or counted as an error.
    @Test func pipeFollowsMovedWhenASlotMovesMidTransfer() throws {
        let ports = try Self.ports()
        let p = uniquePrefix()
        let tag = try Self.emptySlotTag("\(p)pmv")
        let (slot, source, target, sourceID, targetID) = try Self.migration(of: tag)
        let rcli = try CoProcess(["-c", "-p", ports[0], "--pipe"])
        func sets(_ range: Range<Int>) -> Data {
            Data(range.map { "SET \(tag)\($0) v\($0)\r\n" }.joined().utf8)
        }
        func keysIn(_ node: NodeAddress) throws -> String {
            try redisCli(["-p", "\(node.port)", "cluster", "countkeysinslot", "\(slot)"]).out
        }
        try rcli.write(sets(0..<100))
        let arrived = try waitUntil(10) { try keysIn(source) == "100\n" }
        let said = arrived ? "" : rcli.end(within: 0).err
        let there = try keysIn(source)
        try #require(arrived, "the first half reached the owner: \(there) keys there; rcli said: \(said)")
        // The slot moves to another master, keys and all, while rcli still has the old map.
        _ = try redisCli(["-p", "\(target.port)", "cluster", "setslot", "\(slot)", "importing", sourceID])
        _ = try redisCli(["-p", "\(source.port)", "cluster", "setslot", "\(slot)", "migrating", targetID])
        let moved = try redisCli(
            ["-p", "\(source.port)", "migrate", "127.0.0.1", "\(target.port)", "", "0", "5000", "keys"]
                + (0..<100).map { "\(tag)\($0)" })
        #expect(moved.out == "OK\n", "\(moved.out)")
        for port in ports { _ = try redisCli(["-p", port, "cluster", "setslot", "\(slot)", "node", targetID]) }
        try rcli.write(sets(100..<200))
        let end = rcli.end(within: 20)
        #expect(end.ended, "the transfer ends")
        let out = end.out
        #expect(end.status == 0, "\(out)")
        #expect(out.hasSuffix("errors: 0, replies: 200\n"), "\(out)")
        #expect(
            out.contains("\(source): errors: 0, replies: 100\n")
                && out.contains("\(target): errors: 0, replies: 100\n"),
            "the second half was redirected to the new owner: \(out)")
        #expect(try keysIn(target) == "200\n")
        // Empty the slot and give it back.
        var del = "DEL"
        for i in 0..<200 { del += " \(tag)\(i)" }
        #expect(try redisCli(["-p", "\(target.port)"], stdin: del + "\n").out == "200\n")
        // The node giving the slot up first (redis #7116), so its gossip cannot claim it back.
        for port in ["\(target.port)"] + ports {
            _ = try redisCli(["-p", port, "cluster", "setslot", "\(slot)", "node", sourceID])
        }
        #expect(try waitUntil(5) { try Self.owner(tag) == source })
    }

    @Test func crossSlotCommandsAreSplitAndMerged() throws {
        let ports = try Self.ports()
        let p = uniquePrefix()
        let a = "\(p)a"
        let b = try Self.key("\(p)b", notOn: a)
        let c = try Self.key("\(p)c", notOn: b)
        let script = """
            mset \(a) 1 \(b) 2 \(c) 3
            mget \(c) \(p)none \(a) \(b)
            exists \(a) \(b) \(c) \(p)none \(a)
            touch \(a) \(b)
            msetnx \(a) 1 \(b) 2
            del \(a) \(b) \(c) \(p)none
            mget \(a) \(b)

            """
        let crossBefore = try Self.errorCount("CROSSSLOT")
        let r = try rcli(["-c", "-p", ports[1]], stdin: script)
        #expect(r.status == 0)
        #expect(r.out == "OK\n3\n\n1\n2\n4\n2\nCROSSSLOT Keys in request don't hash to the same slot\n\n3\n\n\n")
        let crossed = try Self.errorCount("CROSSSLOT") - crossBefore
        #expect(crossed == 1, "only MSETNX (atomic, not split) reaches the server across slots: \(crossed)")

        // DBSIZE sums the masters, KEYS covers them all.
        _ = try rcli(["-c", "-p", ports[0]], stdin: "mset \(a) 1 \(b) 2 \(c) 3\n")
        var sum = 0
        for master in try Self.map().masters {
            sum +=
                Int(
                    try redisCli(["-p", "\(master.port)", "dbsize"]).out.trimmingCharacters(in: .whitespacesAndNewlines)
                ) ?? -1
        }
        #expect(try rcli(["-c", "-p", ports[0], "dbsize"]).out == "\(sum)\n")
        let keys = try rcli(["-c", "-p", ports[0], "keys", "\(p)*"]).out.split(separator: "\n").sorted()
        #expect(keys == [a, b, c].map { Substring($0) }.sorted())
        _ = try rcli(["-c", "-p", ports[0], "del", a, b, c])
    }

    @Test func transactionIsPinnedAndOtherSlotsAreRefused() throws {
        let ports = try Self.ports()
        let p = uniquePrefix()
        let here = "\(p){tx}a"
        let alsoHere = "\(p){tx}b"
        let elsewhere = try Self.key("\(p)x", notOn: here)
        let script =
            "multi\nset \(here) 1\nset \(elsewhere) 2\nincr \(alsoHere)\nexec\nget "
            + "\(elsewhere)\nmget \(here) \(alsoHere)\n"
        let r = try rcli(["-c", "-p", ports[2], "--no-raw"], stdin: script)
        let lines = r.out.split(separator: "\n").map(String.init)
        #expect(lines.count == 9, "\(r.out)")
        guard lines.count == 9 else { return }
        #expect(Array(lines[0...1]) == ["OK", "QUEUED"])
        #expect(lines[2].hasPrefix("(error) ERR rcli: this command's key hashes to slot"), "\(lines[2])")
        #expect(Array(lines[3...]) == ["QUEUED", "1) OK", "2) (integer) 1", "(nil)", "1) \"1\"", "2) \"1\""])
        // redis-cli -c instead runs the stray SET outside the transaction.
        _ = try rcli(["-c", "-p", ports[0], "del", here, alsoHere, elsewhere])
    }

    /// RESET inside MULTI discards the transaction (the server runs it at once): under -c the pin
    /// ends with it, so a command for another node then runs, and EXEC has no MULTI left.
    @Test func resetInsideMultiEndsTheTransaction() throws {
        let ports = try Self.ports()
        let p = uniquePrefix()
        let here = "\(p){tx}a"
        let elsewhere = try Self.key("\(p)x", notOn: here)
        let script = "multi\nset \(here) 1\nreset\nset \(elsewhere) 2\nexec\nexists \(here)\nget \(elsewhere)\n"
        let r = try rcli(["-c", "-p", ports[2], "--no-raw"], stdin: script)
        let lines = r.out.split(separator: "\n").map(String.init)
        #expect(
            lines == ["OK", "QUEUED", "RESET", "OK", "(error) ERR EXEC without MULTI", "(integer) 0", "\"2\""],
            "\(r.out)\(r.err)")
        _ = try rcli(["-c", "-p", ports[0], "del", here, elsewhere])
    }

    /// A second slot on the same node would be queued and make EXEC fail with CROSSSLOT, losing
    /// the whole transaction: it is refused before it is queued instead.
    @Test func transactionStaysInOneSlotEvenOnOneNode() throws {
        let ports = try Self.ports()
        let p = uniquePrefix()
        let here = "\(p){tx}a"
        let sameNode = try Self.key("\(p)n", sameNodeOtherSlotAs: here)
        let script =
            "multi\nset \(here) 1\nset \(sameNode) 2\nmset \(p){tx}b 1 \(sameNode) 2\nincr \(here)\nexec\n"
            + "exists \(sameNode)\n"
        let r = try rcli(["-c", "-p", ports[0], "--no-raw"], stdin: script)
        let lines = r.out.split(separator: "\n").map(String.init)
        #expect(lines.count == 8, "\(r.out)")
        guard lines.count == 8 else { return }
        #expect(Array(lines[0...1]) == ["OK", "QUEUED"])
        let slot = HashSlot.slot(Array(here.utf8))
        let other = HashSlot.slot(Array(sameNode.utf8))
        #expect(
            lines[2].hasPrefix(
                "(error) ERR rcli: this command's key hashes to slot \(other) but the transaction's "
                    + "first key is in slot \(slot)"), "\(lines[2])")
        #expect(lines[2].contains("{hash tag}"))
        #expect(
            lines[3].hasPrefix("(error) ERR rcli: this command's keys hash to slots \(slot), \(other)"), "\(lines[3])")
        #expect(Array(lines[4...]) == ["QUEUED", "1) OK", "2) (integer) 2", "(integer) 0"], "EXEC ran what was queued")
        _ = try rcli(["-c", "-p", ports[0], "del", here])
    }

    @Test func readOnlyTypedByHandSurvivesRedirectsAndReplicaReadsUseReplicas() throws {
        let ports = try Self.ports()
        let p = uniquePrefix()
        let a = "\(p)a"
        let b = try Self.key("\(p)b", notOn: a)
        _ = try rcli(["-c", "-p", ports[0], "mset", a, "1", b, "2"])
        let r = try rcli(["-c", "-p", ports[0]], stdin: "readonly\nget \(a)\nclient info\nget \(b)\nclient info\n")
        let infos = r.out.split(separator: "\n").filter { $0.hasPrefix("id=") }
        #expect(infos.count == 2)
        for info in infos {
            let flags = info.split(separator: " ").first { $0.hasPrefix("flags=") } ?? ""
            #expect(flags.contains("r"), "READONLY on every node's connection: \(info)")
        }
        // --replica-reads: reads are served by replicas, writes by masters (annotations say which).
        // Replication is asynchronous: wait until both replicas have the values.
        for _ in 0..<100 {
            if try rcli(["-c", "-p", ports[0], "--replica-reads"], stdin: "get \(a)\nget \(b)\n").out == "1\n2\n" {
                break
            }
            usleep(20_000)
        }
        let replicas = try rcli(
            ["-c", "-p", ports[0], "--replica-reads"], stdin: "get \(a)\nget \(b)\nset \(a) 3\n",
            environment: ["FAKETTY": "1"])
        let lines = replicas.out.split(separator: "\n").map(String.init)
        #expect(lines.count == 6, "\(replicas.out)")
        guard lines.count == 6 else { return }
        #expect(lines[0].contains("replica]") && lines[1] == "\"1\"", "\(replicas.out)")
        #expect(lines[2].contains("replica]") && lines[3] == "\"2\"", "\(replicas.out)")
        #expect(lines[4].contains("master]") && lines[5] == "OK", "\(replicas.out)")
        let map = try Self.map()
        let replicaPorts = map.replicas(for: HashSlot.slot(Array(a.utf8))).map { "127.0.0.1:\($0.port) replica]" }
        #expect(replicaPorts.contains { lines[0].hasSuffix($0 + "\u{1b}[0m") }, "\(lines[0]) names the shard's replica")
        _ = try rcli(["-c", "-p", ports[0], "del", a, b])
    }

    /// With --replica-reads a slot's reads go to a replica and its writes to the master, on two
    /// connections; a pipelined script must still never read a value it writes later.
    @Test func replicaReadsNeverSeeALaterWrite() throws {
        let ports = try Self.ports()
        let p = uniquePrefix()
        let keys = ["\(p)a", "\(p)b{x}", "\(p)c"]
        // Every replica holds 0 first, so a read can only see 0 or a value the script wrote.
        _ = try rcli(["-c", "-p", ports[0], "mset"] + keys.flatMap { [$0, "0"] })
        let zeros = String(repeating: "0\n", count: keys.count)
        for _ in 0..<100 {
            if try rcli(["-c", "-p", ports[0], "--replica-reads"], stdin: keys.map { "get \($0)\n" }.joined()).out
                == zeros
            {
                break
            }
            usleep(20_000)
        }
        var script = ""
        for i in 1...300 {
            let key = keys[i % keys.count]
            script += "get \(key)\nset \(key) \(i)\n"
        }
        let r = try rcli(["-c", "-p", ports[0], "--replica-reads"], stdin: script)
        #expect(r.status == 0, "\(r.err)")
        let lines = r.out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        try #require(lines.count == 601, "\(r.out)")
        var newest = Dictionary(uniqueKeysWithValues: keys.map { ($0, 0) })
        var overtaken = 0
        for i in 1...300 {
            let key = keys[i % keys.count]
            let read = Int(lines[2 * (i - 1)]) ?? -1
            if read < 0 || read > (newest[key] ?? 0) { overtaken += 1 }
            newest[key] = i
        }
        #expect(overtaken == 0, "reads that saw a value written after them: \(overtaken) of 300")
        _ = try rcli(["-c", "-p", ports[0], "del"] + keys)
    }

    @Test func seedsOfEveryKindAndBadOnes() throws {
        let ports = try Self.ports()
        let p = uniquePrefix()
        // A replica as the seed: the write still goes to the master.
        let replica = try #require(try Self.map().shards.first?.replicas.first)
        let w = try rcli(["-c", "-p", "\(replica.port)", "set", "\(p)k", "v"])
        #expect(w.out == "OK\n" && w.status == 0, "\(w.err)")
        #expect(try rcli(["-c", "-p", ports[5], "get", "\(p)k"]).out == "v\n")
        _ = try rcli(["-c", "-p", ports[0], "del", "\(p)k"])
        // A server without cluster support: works standalone, says so once.
        let standalone = try rcli(["-c", "-p", try TestEnvironment.port()], stdin: "ping\nping\n")
        #expect(standalone.out == "PONG\nPONG\n")
        #expect(
            standalone.err
                == "rcli: 127.0.0.1:\(try TestEnvironment.port()) is not a cluster node (cluster "
                + "support disabled); -c has no effect\n"
        )
        #expect(standalone.status == 0)
        // Nothing listening.
        let port = try { try FakeServer(reply: []).port }()
        let down = try rcli(["-c", "-p", "\(port)", "get", "k"], timeout: 10)
        #expect(down.status == 1)
        #expect(down.err.hasPrefix("Could not connect to Redis at 127.0.0.1:\(port)"), "\(down.err)")
        #expect(down.err.split(separator: "\n").count == 1)
        let bad = try rcli(["-c", "--nat-map", "nonsense", "-p", ports[0], "ping"])
        #expect(bad.status == 1 && bad.err.contains("Invalid --nat-map entry 'nonsense'"), "\(bad.err)")
    }

    @Test func hostileClusterRepliesEndWithOneClearError() throws {
        func shards(_ port: Int) -> String {
            "*1\r\n*4\r\n$5\r\nslots\r\n*2\r\n:0\r\n:16383\r\n$5\r\nnodes\r\n*1\r\n*6\r\n$4\r\nport\r\n:\(port)\r\n"
                + "$2\r\nip\r\n$9\r\n127.0.0.1\r\n$4\r\nrole\r\n$6\r\nmaster\r\n"
        }
        // A node that answers MOVED to itself forever.
        let loop = try FakeServer(
            replyFor: { port in
                Array((shards(port) + String(repeating: "-MOVED 12182 127.0.0.1:\(port)\r\n", count: 10)).utf8)
            }, holdOpen: 5)
        let r = try rcli(["-c", "-p", "\(loop.port)", "get", "foo"], timeout: 10)
        #expect(r.status == 1)
        #expect(r.out == "")
        #expect(
            r.err
                == "Error: redirect loop: slot 12182 was redirected 5 times (last: MOVED to "
                + "127.0.0.1:\(loop.port)); the cluster's slot assignments disagree [GET foo]\n"
        )
        // A redirect to an address that cannot be read, with an escape sequence in it.
        let garbled = try FakeServer(
            replyFor: { port in Array((shards(port) + "-MOVED 12182 \u{1b}[31mnowhere\r\n").utf8) }, holdOpen: 5)
        let g = try rcli(["-c", "-p", "\(garbled.port)", "get", "foo"], timeout: 10)
        #expect(g.status == 1)
        #expect(
            g.err
                == "Error: cannot follow the redirect 'MOVED 12182 \\x1b[31mnowhere' from "
                + "127.0.0.1:\(garbled.port) [GET foo]\n"
        )
        // A node that takes the command and never answers (hung): given up after --reply-timeout.
        let silent = try FakeServer(replyFor: { port in Array(shards(port).utf8) }, holdOpen: 10)
        let started = Date()
        let h = try rcli(["-c", "--reply-timeout", "1", "-p", "\(silent.port)", "get", "foo"], timeout: 15)
        #expect(h.status == 1)
        #expect(
            h.err
                == "Error: no reply in 1.00s (127.0.0.1:\(silent.port)); the command may or may not "
                + "have run [GET foo]\n"
        )
        #expect(Date().timeIntervalSince(started) < 5)
        // A topology reply that is not one.
        let junk = try FakeServer(reply: Array("*1\r\n:5\r\n".utf8), holdOpen: 5)
        let j = try rcli(["-c", "-p", "\(junk.port)", "get", "foo"], timeout: 10)
        #expect(j.status == 1)
        #expect(
            j.err
                == "Error: 127.0.0.1:\(junk.port): unexpected cluster topology reply: a shard without slots or nodes\n")
    }
}
