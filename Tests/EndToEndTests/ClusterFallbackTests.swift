import Cluster
import Foundation
import Testing

/// `-c` through a seed that will not tell the topology (a proxy, a managed endpoint that blocks
/// `CLUSTER`): commands go to it and MOVED/ASK are followed, as redis-cli does.
extension ClusterFixtureTests {
    @Test func refusedTopologyFollowsRedirectsToTheRealNodes() throws {
        let ports = try Self.ports()
        let p = uniquePrefix()
        let plain = "\(p)plain"
        let asked = "\(p)ask"
        let owners = try [plain, asked].map { try Self.owner($0) }
        // The fake seed answers every data command with a redirect to the real owner.
        let seed = try ClusterlessProxy(upstream: nil) { words in
            guard words.count > 1, words[0].lowercased() != "ping" else { return nil }
            let slot = HashSlot.slot(Array(words[1].utf8))
            guard let owner = try? ClusterFixtureTests.owner(words[1]) else { return "ERR no owner" }
            return (words[1].hasPrefix(asked) ? "ASK" : "MOVED") + " \(slot) 127.0.0.1:\(owner.port)"
        }
        let set = try rcli(["-c", "-p", "\(seed.port)", "set", plain, "from-rcli"])
        #expect(set.status == 0 && set.out == "OK\n", "\(set.err)")
        #expect(set.err.isEmpty, "the notice is for terminals (and --verbose): \(set.err)")
        #expect(try redisCli(["-p", "\(owners[0].port)", "get", plain]).out == "from-rcli\n")
        _ = try redisCli(["-p", "\(owners[1].port)", "set", asked, "asked-value"])
        let ask = try rcli(["-c", "-p", "\(seed.port)", "--verbose", "get", asked])
        #expect(ask.status == 0 && ask.out == "asked-value\n", "ASKING then the command on the real owner: \(ask.err)")
        #expect(
            ask.err.contains("-c: topology unavailable (ERR unexpected command CLUSTER SLOTS); following redirects"))
        #expect(!ask.err.contains("topology reloaded"), "an ASK is no reason to ask for the topology: \(ask.err)")

        // A script pipelines its commands to the seed until the first redirect comes back; then the
        // real node's topology is loaded (once) and the rest go straight to their owners.
        var script = ""
        for i in 0..<50 { script += "set \(p)k\(i) v\(i)\n" }
        script += "get \(p)k7\n"
        let run = try rcli(["-c", "-p", "\(seed.port)"], stdin: script)
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out == String(repeating: "OK\n", count: 50) + "v7\n")
        let shell = try CoProcess(["-c", "-p", "\(seed.port)"])
        #expect(shell.send("get \(p)k1") == ["v1"])
        let before = seed.seen.count
        for i in 2..<20 { #expect(shell.send("get \(p)k\(i)") == ["v\(i)"]) }
        #expect(seed.seen.count == before, "once the topology is known nothing goes through the seed")
        #expect(shell.finish().status == 0)
        _ = try rcli(["-c", "-p", ports[0], "del", plain, asked] + (0..<50).map { "\(p)k\($0)" })
        _ = ports
    }

    /// A seed that refuses CLUSTER and then closes the connection, or closes it without a word:
    /// the command goes to the seed on a fresh connection and the MOVED it gets is followed, as
    /// redis-cli does (it never asks for the topology).
    @Test func aSeedThatClosesOnClusterStillServesByRedirects() throws {
        let p = uniquePrefix()
        let key = "\(p)closing"
        let owner = try Self.owner(key)
        // .silent: the topology request times out (5 s), then the same on a fresh connection.
        for behaviour in [ClusterlessProxy.OnCluster.refuseAndClose, .close, .silent] {
            let seed = try ClusterlessProxy(upstream: nil, onCluster: behaviour) { words in
                guard words.count > 1, words[0].lowercased() != "ping" else { return nil }
                return "MOVED \(HashSlot.slot(Array(words[1].utf8))) 127.0.0.1:\(owner.port)"
            }
            let set = try rcli(["-c", "-p", "\(seed.port)", "--verbose", "set", key, "\(behaviour)"])
            #expect(set.status == 0 && set.out == "OK\n", "\(behaviour): \(set.err)")
            #expect(set.err.contains("-c: topology unavailable ("), "\(set.err)")
            #expect(try redisCli(["-p", "\(owner.port)", "get", key]).out == "\(behaviour)\n")
            let sets = seed.seen.filter { $0.first?.lowercased() == "set" }
            #expect(sets.count == 1, "the command went to the seed once, then to its owner: \(seed.seen)")
            // A script too: every line gets its reply.
            let run = try rcli(["-c", "-p", "\(seed.port)"], stdin: "set \(key) a\nget \(key)\nping\n")
            #expect(run.status == 0 && run.out == "OK\na\nPONG\n", "\(behaviour): \(run.err)")
        }
        _ = try redisCli(["-p", "\(owner.port)", "del", key])
    }

    /// No node ever tells the topology: slot owners are learnt from MOVED alone, and the one-shot,
    /// script, tool-mode and shell paths all work.
    @Test func withoutAnyTopologyRedirectsAloneServe() throws {
        let p = uniquePrefix()
        let other = try OwnServer()
        defer { other.stop() }
        let upstream = Int(try TestEnvironment.port()) ?? 0
        let far = try ClusterlessProxy(upstream: Int(other.port)) { _ in nil }
        let farKeys = "b:{\(p)}"
        let near = try ClusterlessProxy(upstream: upstream) { words in
            guard words.count > 1, words[1].hasPrefix(farKeys) else { return nil }
            return "MOVED \(HashSlot.slot(Array(words[1].utf8))) 127.0.0.1:\(far.port)"
        }
        let script = "set \(farKeys)1 one\nset \(p)a here\nget \(farKeys)1\nset \(farKeys)2 two\nget \(p)a\n"
        let run = try rcli(["-c", "-p", "\(near.port)", "--verbose"], stdin: script)
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out == "OK\nOK\none\nOK\nhere\n")
        #expect(run.err.contains("-c: topology unavailable ("), "\(run.err)")
        // A MOVED to an unknown node asks for the topology again, at most every 100 ms: a script
        // this short may end before the far node is asked. Asked, it is asked once and said.
        let asked = far.seen.filter { $0.first?.lowercased() == "cluster" }.count
        #expect(asked <= 2, "SHARDS then SLOTS, once")
        if asked > 0 {
            #expect(
                run.err.contains("cannot read the cluster topology from 127.0.0.1:\(far.port)"), "asked: \(run.err)")
        }
        #expect(try redisCli(["-p", other.port, "mget", "\(farKeys)1", "\(farKeys)2"]).out == "one\ntwo\n")
        #expect(try redisCli(["-p", "\(upstream)", "get", "\(p)a"]).out == "here\n")
        // Line by line: once a slot's owner is learnt, its commands go there directly.
        let shell = try CoProcess(["-c", "-p", "\(near.port)"])
        #expect(shell.send("get \(farKeys)1") == ["one"])
        let redirected = near.seen.count
        #expect(shell.send("get \(farKeys)2") == ["two"])
        #expect(shell.send("get \(p)a") == ["here"])
        #expect(near.seen.count == redirected + 1, "only the keyless-slot read went to the seed")
        #expect(shell.finish().status == 0)

        let oneShot = try rcli(["-c", "-p", "\(near.port)", "get", "\(farKeys)2"])
        #expect(oneShot.status == 0 && oneShot.out == "two\n", "\(oneShot.err)")
        let scan = try rcli(["-c", "-p", "\(near.port)", "--scan", "--pattern", "\(p)*"])
        #expect(scan.status == 0 && scan.out == "\(p)a\n", "tool modes ask the seed: \(scan.err)")

        let tmux = try TmuxSession(
            [TestEnvironment.rcli, "-c", "-p", "\(near.port)"],
            environment: ["HOME": try scratchDirectory("home").path])
        try tmux.wait(for: "-c: topology unavailable (ERR unexpected command CLUSTER SLOTS); following redirects")
        try tmux.wait(for: "127.0.0.1:\(near.port)> ")
        try tmux.type("get \(farKeys)1")
        try tmux.wait(for: "\"one\"")
        try tmux.wait(
            for: "-> Redirected to slot [\(HashSlot.slot(Array("\(farKeys)1".utf8)))] located at 127.0.0.1:\(far.port)")
        _ = try redisCli(["-p", "\(upstream)", "del", "\(p)a"])
    }
}
