import Cluster
import Foundation
import Testing

/// The shell's subscribed mode (redis-cli 7.2, with valkey-cli's automatic exit), driven
/// through tmux against the fixture server.
@Suite struct SubscribedModeTests {
    static let banner = "Reading messages... (press Ctrl-C to quit or any key to type command)"

    private func shell(_ extra: [String] = [], port: String) throws -> TmuxSession {
        let home = try scratchDirectory("home")
        let shell = try TmuxSession(
            [TestEnvironment.rcli, "-p", port] + extra, environment: ["HOME": home.path, "TERM": "xterm"])
        try shell.wait(for: "127.0.0.1:\(port)")
        return shell
    }

    /// True when the screen, trailing blank lines aside, ends with `text`.
    static func ends(_ screen: String, with text: String) -> Bool {
        screen.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix(text)
    }

    private func subscribers(_ port: String, _ channel: String) throws -> String {
        try redisCli(["-p", port, "pubsub", "numsub", channel]).out
    }

    /// RESP2: messages keep printing under the banner; a key opens the subscribed prompt (the
    /// key is its first character); PING and more SUBSCRIBEs work, other commands get the
    /// server's refusal; the last UNSUBSCRIBE leaves subscribed mode by itself.
    @Test func resp2TypingWhileSubscribed() throws {
        let port = try TestEnvironment.port()
        let p = uniquePrefix()
        let shell = try shell(port: port)
        let prompt = "127.0.0.1:\(port)(subscribed mode)> "
        try shell.type("subscribe \(p)a \(p)b")
        try shell.wait(for: "3) (integer) 2")
        try shell.wait(for: Self.banner)
        _ = try redisCli(["-p", port, "publish", "\(p)a", "first message"])
        try shell.wait(for: "3) \"first message\"")
        try shell.wait(for: "screen ends with the banner again") { Self.ends($0, with: Self.banner) }
        try shell.type("p", enter: false)
        try shell.wait(for: prompt + "p")
        #expect(!(try shell.screen()).contains(Self.banner), "the banner gives way to the prompt")
        try shell.type("ing")
        try shell.wait(for: "1) \"pong\"")
        try shell.type("get \(p)k")
        try shell.wait(for: "only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed")
        try shell.type("x", enter: false)
        _ = try redisCli(["-p", port, "publish", "\(p)b", "while typing"])
        try shell.wait(for: "3) \"while typing\"")
        try shell.wait(for: prompt + "x")
        try shell.key("BSpace")
        try shell.type("psubscribe \(p)*")
        try shell.wait(for: "3) (integer) 3")
        _ = try redisCli(["-p", port, "publish", "\(p)c", "by pattern"])
        try shell.wait(for: "4) \"by pattern\"")
        #expect(try subscribers(port, "\(p)a").hasSuffix("1\n"))
        try shell.type("unsubscribe \(p)a \(p)b")
        try shell.wait(for: "1) \"unsubscribe\"\n2) \"\(p)b\"\n3) (integer) 1")
        try shell.wait(for: "a pattern is still subscribed") { Self.ends($0, with: Self.banner) }
        try shell.type("punsubscribe")
        try shell.wait(for: "1) \"punsubscribe\"\n2) \"\(p)*\"\n3) (integer) 0")
        try shell.wait(for: "the normal prompt") { Self.ends($0, with: "127.0.0.1:\(port)>") }
        try shell.type("set \(p)k v")
        try shell.wait(for: "OK")
        #expect(try subscribers(port, "\(p)a").hasSuffix("0\n"))
    }

    /// RESP3: the same, with pushes; every command is allowed while subscribed, and a message
    /// prints before or after a reply as the server sent them (a script publishes to our channel:
    /// Redis 7.0 sends the message first, later servers the reply).
    @Test func resp3TypingWhileSubscribedKeepsMessagesAheadOfReplies() throws {
        // A server of its own: SCANs are counted below (shells elsewhere scan while idle).
        let server = try OwnServer()
        let port = server.port
        let p = uniquePrefix()
        let shell = try shell(["-3"], port: port)
        try shell.type("subscribe \(p)a")
        try shell.wait(for: "3) (integer) 1")
        try shell.wait(for: Self.banner)
        try shell.type("subscribe \(p)s")
        try shell.wait(for: "3) (integer) 2")
        try shell.type("eval \"redis.call('publish', KEYS[1], 'from the script') return 'reply'\" 1 \(p)a")
        try shell.wait(for: "3) \"from the script\"")
        let screen = try shell.wait(for: "\"reply\"")
        let message = try #require(screen.range(of: "3) \"from the script\""))
        let reply = try #require(screen.range(of: "\"reply\"", options: .backwards))
        let first = try PipedSubscriptionTests.ownMessageComesFirst(port, channel: "\(p)probe")
        #expect((message.lowerBound < reply.lowerBound) == first, "in server order:\n\(screen)")
        try shell.type("get \(p)nothing")
        try shell.wait(for: "(nil)")
        // A reply shaped like a confirmation is not one under RESP3 (only pushes are).
        try shell.type("eval \"return {'unsubscribe','\(p)a',0}\" 0")
        try shell.wait(for: "still subscribed after the look-alike") { Self.ends($0, with: Self.banner) }
        // Tab at a key position sends no SCAN on the subscribed connection.
        let scans = try Self.scanCalls(port)
        try shell.type("get \(p)", enter: false)
        try shell.key("Tab")
        usleep(300_000)
        try shell.key("C-u")
        #expect(try Self.scanCalls(port) == scans, "no side query while subscribed")
        try shell.type("unsubscribe")
        try shell.wait(for: "3) (integer) 0")
        try shell.wait(for: "the normal prompt") { Self.ends($0, with: "127.0.0.1:\(port)>") }
    }

    private static func scanCalls(_ port: String) throws -> String {
        let stats = try redisCli(["-p", port, "info", "commandstats"]).out
        return stats.split(whereSeparator: \.isNewline).first { $0.hasPrefix("cmdstat_scan:") }
            .map(String.init) ?? "none"
    }

    /// A SUBSCRIBE queued in MULTI: the confirmation inside EXEC's reply enters subscribed mode
    /// (messages are not taken for replies, the connection is kept).
    @Test func subscribeInsideATransaction() throws {
        let port = try TestEnvironment.port()
        let p = uniquePrefix()
        let shell = try shell(port: port)
        try shell.type("multi")
        try shell.type("subscribe \(p)a")
        try shell.wait(for: "QUEUED")
        try shell.type("exec")
        try shell.wait(for: Self.banner)
        _ = try redisCli(["-p", port, "publish", "\(p)a", "after exec"])
        try shell.wait(for: "3) \"after exec\"")
        try shell.type("ping")
        try shell.wait(for: "1) \"pong\"")
        #expect(!(try shell.screen()).contains("Protocol error"))
        try shell.type("unsubscribe")
        try shell.wait(for: "the normal prompt") { Self.ends($0, with: "127.0.0.1:\(port)>") }
    }

    /// Sharded channels count apart from channels and patterns (valkey-cli's rule).
    @Test func shardChannelsKeepSubscribedModeUntilTheyAreGone() throws {
        let port = try TestEnvironment.port()
        let p = uniquePrefix()
        let shell = try shell(port: port)
        try shell.type("ssubscribe \(p)s")
        try shell.wait(for: "3) (integer) 1")
        try shell.type("subscribe \(p)a")
        try shell.wait(for: "1) \"subscribe\"")
        try shell.type("unsubscribe \(p)a")
        try shell.wait(for: "3) (integer) 0")
        _ = try redisCli(["-p", port, "spublish", "\(p)s", "sharded"])
        try shell.wait(for: "3) \"sharded\"")
        try shell.wait(for: "still subscribed") { Self.ends($0, with: Self.banner) }
        try shell.type("sunsubscribe")
        try shell.wait(for: "the normal prompt") { Self.ends($0, with: "127.0.0.1:\(port)>") }
    }

    /// Ctrl-C while waiting, and Ctrl-C or Ctrl-D at the subscribed prompt, leave subscribed
    /// mode on a fresh connection with the same database; the shell stays.
    @Test func ctrlCAndCtrlDLeaveSubscribedModeAndKeepTheDatabase() throws {
        let port = try TestEnvironment.port()
        let p = uniquePrefix()
        let shell = try shell(["-n", "3"], port: port)
        try shell.type("subscribe \(p)a")
        try shell.wait(for: Self.banner)
        try shell.key("C-c")
        try shell.wait(for: "the normal prompt") { Self.ends($0, with: "127.0.0.1:\(port)[3]>") }
        #expect(!(try shell.screen()).contains(Self.banner))
        #expect(try subscribers(port, "\(p)a").hasSuffix("0\n"), "the subscribed connection was closed")
        try shell.type("set \(p)k in-three")
        try shell.wait(for: "OK")
        #expect(try redisCli(["-p", port, "-n", "3", "get", "\(p)k"]).out == "in-three\n")
        try shell.type("subscribe \(p)a")
        try shell.wait(for: Self.banner)
        try shell.type("x", enter: false)
        try shell.wait(for: "127.0.0.1:\(port)[3](subscribed mode)> x")
        try shell.key("C-c")
        try shell.wait(for: "prompt after Ctrl-C") { Self.ends($0, with: "127.0.0.1:\(port)[3]>") }
        try shell.type("subscribe \(p)a")
        try shell.wait(for: Self.banner)
        try shell.type("x", enter: false)
        try shell.key("BSpace")
        try shell.key("C-d")
        try shell.wait(for: "prompt after Ctrl-D") { Self.ends($0, with: "127.0.0.1:\(port)[3]>") }
        #expect(try shell.isAlive(), "Ctrl-D while subscribed leaves subscribed mode, not the shell")
        try shell.type("get \(p)k")
        try shell.wait(for: "\"in-three\"")
    }

    /// RESET leaves subscribed mode and puts the session back to database 0 and RESP2 (as the
    /// server does), so the prompt and later reconnects agree with the server.
    @Test func resetLeavesSubscribedModeAndResetsTheSession() throws {
        let port = try TestEnvironment.port()
        let p = uniquePrefix()
        let shell = try shell(["-n", "2", "-3"], port: port)
        try shell.type("subscribe \(p)a")
        try shell.wait(for: Self.banner)
        try shell.type("reset")
        try shell.wait(for: "RESET")
        try shell.wait(for: "the normal prompt, database 0") { Self.ends($0, with: "127.0.0.1:\(port)>") }
        try shell.type("set \(p)k in-zero")
        try shell.wait(for: "OK")
        #expect(try redisCli(["-p", port, "get", "\(p)k"]).out == "in-zero\n")
        try shell.type("client info")
        try shell.wait(for: " resp=2 ")
        #expect(try subscribers(port, "\(p)a").hasSuffix("0\n"))
    }

    /// --raw prints no banner (as redis-cli); messages print raw.
    @Test func rawOutputHasNoBanner() throws {
        let port = try TestEnvironment.port()
        let p = uniquePrefix()
        let shell = try shell(["--raw"], port: port)
        try shell.type("subscribe \(p)a")
        try shell.wait(for: "\(p)a\n1")
        _ = try redisCli(["-p", port, "publish", "\(p)a", "raw message"])
        try shell.wait(for: "message\n\(p)a\nraw message")
        #expect(!(try shell.screen()).contains("Reading messages"))
        try shell.key("C-c")
        try shell.wait(for: "the normal prompt") { Self.ends($0, with: "127.0.0.1:\(port)>") }
    }
}

extension ClusterFixtureTests {
    /// With -c: channels stay on one node (UNSUBSCRIBE goes where they are, whatever node served
    /// the last command), shard channels on their slot's master; messages from both show, and
    /// the shell leaves subscribed mode when both are gone.
    @Test func clusterShellSubscribedMode() throws {
        let banner = SubscribedModeTests.banner
        // Whichever node served the last command: any prompt but the subscribed one.
        func normalPrompt(_ screen: String) -> Bool {
            SubscribedModeTests.ends(screen, with: ">") && !SubscribedModeTests.ends(screen, with: "(subscribed mode)>")
        }
        let seed = try #require(try Self.map().masters.first)
        let other = try #require(try Self.map().masters.first { $0 != seed })
        let p = uniquePrefix()
        let map = try Self.map()
        let shard = try #require(
            (0..<1000).map { "\(p)s\($0)" }.first { map.master(for: HashSlot.slot(Array($0.utf8))) != seed })
        let home = try scratchDirectory("home")
        let shell = try TmuxSession(
            [TestEnvironment.rcli, "-c", "-p", "\(seed.port)"], environment: ["HOME": home.path, "TERM": "xterm"])
        try shell.wait(for: "\(seed)> ")
        try shell.type("subscribe \(p)ch")
        try shell.wait(for: banner)
        _ = try redisCli(["-p", "\(other.port)", "publish", "\(p)ch", "from another node"])
        try shell.wait(for: "3) \"from another node\"")
        try shell.type("ssubscribe \(shard)")
        try shell.wait(for: "1) \"ssubscribe\"")
        _ = try redisCli(["-c", "-p", "\(seed.port)", "spublish", shard, "sharded"])
        try shell.wait(for: "3) \"sharded\"")
        try shell.type("unsubscribe")
        try shell.wait(for: "2) \"\(p)ch\"\n3) (integer) 0")
        try shell.wait(for: "still subscribed to the shard channel") { SubscribedModeTests.ends($0, with: banner) }
        #expect(try redisCli(["-p", "\(seed.port)", "pubsub", "numsub", "\(p)ch"]).out.hasSuffix("0\n"))
        try shell.type("sunsubscribe")
        try shell.wait(for: "2) \"\(shard)\"\n3) (integer) 0")
        try shell.wait(for: "the normal prompt") { normalPrompt($0) }
        try shell.type("ssubscribe \(shard)")
        try shell.wait(for: banner)
        try shell.key("C-c")
        try shell.wait(for: "the normal prompt after Ctrl-C") { normalPrompt($0) }
        try shell.type("set \(p) v")
        try shell.wait(for: "OK")
    }
}
