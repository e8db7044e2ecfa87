import Cluster
import Foundation
import Glibc
import RedisNet
import Testing

/// `rcli < script` after a SUBSCRIBE (redis-cli 7.2+): the script goes on while subscribed,
/// messages and pushes print between the replies in arrival order, the end of stdin keeps
/// streaming until Ctrl-C, and Ctrl-C leaves subscribed mode (status 0 at the end of input, as
/// redis-cli 7.0.15, compared side by side where its behaviour is the same).
@Suite struct PipedSubscriptionTests {
    private func publish(_ port: String, _ channel: String, _ message: String, command: String = "publish") throws {
        let r = try redisCli(["-p", port, command, channel, message])
        #expect(r.status == 0, "\(command) failed: \(r.err)")
    }

    private func subscribers(_ port: String, _ channel: String) throws -> String {
        try redisCli(["-p", port, "pubsub", "numsub", channel]).out
    }

    /// RESP2: PING, more SUBSCRIBEs and an UNSUBSCRIBE are sent while subscribed, other commands
    /// get the server's refusal, a message published from outside prints where it arrived, and
    /// once the counts reach 0 the rest runs as usual and the end of stdin exits.
    /// `rcli SUBSCRIBE ch` on a terminal: no banner, as redis-cli 7.2+ (7.0 printed
    /// `Reading messages... (press Ctrl-C to quit)` first); the confirmation comes first.
    @Test func oneShotSubscribePrintsNoBanner() throws {
        let port = try TestEnvironment.port()
        let channel = "\(uniquePrefix())c"
        let cli = try PipedProcess(
            TestEnvironment.rcli, ["-p", port, "subscribe", channel], environment: ["FAKETTY": "1"])
        cli.wait(for: "3) (integer) 1\n")
        #expect(cli.out.hasPrefix("1) \"subscribe\"\n2) \"\(channel)\"\n"), "\(cli.out.debugDescription)")
        cli.interrupt()
        _ = cli.finish()
        if let r74 = TestEnvironment.redisCli74 {
            let theirs = try PipedProcess(r74, ["-p", port, "subscribe", channel], environment: ["FAKETTY": "1"])
            theirs.wait(for: "3) (integer) 1\n")
            #expect(theirs.out == cli.out)
            theirs.interrupt()
            _ = theirs.finish()
        }
    }

    @Test func resp2ScriptGoesOnWhileSubscribed() throws {
        let port = try TestEnvironment.port()
        let p = uniquePrefix()
        let (a, b, k) = ("\(p)a", "\(p)b", "\(p)k")
        let cli = try PipedProcess(TestEnvironment.rcli, ["-p", port])
        try cli.write("SUBSCRIBE \(a)\nPING\nSUBSCRIBE \(b)\n")
        cli.wait(for: "subscribe\n\(b)\n2\n")
        try publish(port, a, "first")
        cli.wait(for: "message\n\(a)\nfirst\n")
        try cli.write("GET \(k)\nUNSUBSCRIBE \(a)\nPING hi\n")
        cli.wait(for: "pong\nhi\n")
        try publish(port, a, "not for us any more")
        try publish(port, b, "second")
        cli.wait(for: "message\n\(b)\nsecond\n")
        try cli.write("UNSUBSCRIBE\nSET \(k) v\nGET \(k)\n")
        try cli.closeInput()
        let end = cli.finish()
        #expect(end.status == 0 && !end.signalled && end.err.isEmpty, "\(end)")
        let refusal = "ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are "
        #expect(cli.out.contains(refusal), "RESP2 refuses GET while subscribed: \(cli.out)")
        let expected =
            "subscribe\n\(a)\n1\n" + "pong\n\n" + "subscribe\n\(b)\n2\n" + "message\n\(a)\nfirst\n" + "<refusal>\n\n"
            + "unsubscribe\n\(a)\n1\n" + "pong\nhi\n" + "message\n\(b)\nsecond\n" + "unsubscribe\n\(b)\n0\n" + "OK\n"
            + "v\n"
        #expect(Self.maskingRefusal(cli.out) == expected)
        _ = try redisCli(["-p", port, "del", k])
    }

    /// The server's words for a refused command (they vary between servers) as `<refusal>`.
    private static func maskingRefusal(_ out: String) -> String {
        out.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix("ERR Can't execute 'get'") ? "<refusal>" : String($0) }
            .joined(separator: "\n")
    }

    /// Scripts that subscribe, run commands while subscribed and unsubscribe to the end print
    /// the same bytes as valkey-cli 8.1 in every format, RESP2 and RESP3 (with a client-tracking
    /// invalidation the script causes itself).
    @Test func sameBytesAsValkeyCli() throws {
        // valkey-cli 8.1.8 (redis-cli 7.2's piped session); every column has it (make test fetches it).
        let valkey = TestEnvironment.valkeyCli
        try #require(FileManager.default.isExecutableFile(atPath: valkey), "valkey-cli not fetched: \(valkey)")
        let port = try TestEnvironment.port()
        let p = uniquePrefix()
        let (a, b, k) = ("\(p)a", "\(p)b", "\(p)k")
        let resp2 =
            "SET \(k) v\nSUBSCRIBE \(a)\nPING\nSUBSCRIBE \(b)\nGET \(k)\nUNSUBSCRIBE \(a)\nPING hi\n"
            + "UNSUBSCRIBE\nGET \(k)\n"
        let resp3 =
            "SUBSCRIBE \(a)\nPUBLISH \(a) self\nCLIENT TRACKING on\nGET \(k)\nSET \(k) v3\nGET \(k)\nPING\n"
            + "UNSUBSCRIBE\nGET \(k)\nCLIENT TRACKING off\n"
        for (script, proto) in [(resp2, "-2"), (resp3, "-3")] {
            for format in [[], ["--no-raw"], ["--csv"], ["--json"]] {
                let args = ["-p", port, proto] + format
                try seed([["set", k, "v1"]])
                let ours = try rcli(args, stdin: script, timeout: 10)
                try seed([["set", k, "v1"]])
                let theirs = try run(valkey, args, stdin: Array(script.utf8), timeout: 10)
                #expect(ours.stdout == theirs.stdout, "\(args): \(ours.out) vs \(theirs.out)")
                #expect(ours.status == theirs.status && ours.status == 0, "\(args)")
            }
        }
        _ = try redisCli(["-p", port, "del", k])
    }

    /// True when the server sends a RESP3 client the message of its own PUBLISH before the
    /// reply (Redis 7.0); newer servers send the reply first. Either way it prints in server order.
    static func ownMessageComesFirst(_ port: String, channel: String) throws -> Bool {
        let conn = try Connection(endpoint: .tcp(host: "127.0.0.1", port: Int(port) ?? 0), connectTimeout: 5)
        let deadline = monotonicSeconds() + 5
        for words in [["HELLO", "3"], ["SUBSCRIBE", channel], ["PUBLISH", channel, "probe"]] {
            conn.enqueue(words.map { Array($0.utf8) })
        }
        _ = try conn.flush(wait: true)
        _ = try conn.nextValue(deadline: deadline)
        _ = try conn.nextValue(deadline: deadline)
        guard case .push = try conn.nextValue(deadline: deadline) else { return false }
        return true
    }

    /// RESP3: any command runs while subscribed; the message a PUBLISH to our own channel sends
    /// prints before or after its reply as the server sent them; a client-tracking invalidation
    /// prints where it arrived, in the output format; the end of stdin keeps streaming; Ctrl-C
    /// ends it, status 0.
    @Test func resp3CommandsPushesAndTheEndOfInput() throws {
        let port = try TestEnvironment.port()
        let p = uniquePrefix()
        let (a, k) = ("\(p)a", "\(p)k")
        try seed([["set", k, "v1"]])
        let cli = try PipedProcess(TestEnvironment.rcli, ["-p", port, "-3"])
        try cli.write("SUBSCRIBE \(a)\nPUBLISH \(a) self\nCLIENT TRACKING on\nGET \(k)\n")
        cli.wait(for: "OK\nv1\n")
        try seed([["set", k, "v2"]])
        cli.wait(for: "invalidate\n\(k)\n")
        try cli.write("GET \(k)\nPING\n")
        cli.wait(for: "v2\nPONG\n")
        try cli.closeInput()
        try publish(port, a, "after the end of input")
        cli.wait(for: "message\n\(a)\nafter the end of input\n")
        cli.drain(for: 0.2)
        #expect(cli.isRunning, "still subscribed at the end of stdin: messages until Ctrl-C")
        cli.interrupt()
        let end = cli.finish()
        #expect(end.status == 0 && !end.signalled && end.err.isEmpty, "\(end)")
        let own = "message\n\(a)\nself\n"
        let publish = try Self.ownMessageComesFirst(port, channel: "\(p)probe") ? own + "1\n" : "1\n" + own
        let expected =
            "subscribe\n\(a)\n1\n" + publish + "OK\n" + "v1\n" + "invalidate\n\(k)\n" + "v2\n" + "PONG\n"
            + "message\n\(a)\nafter the end of input\n"
        #expect(cli.out == expected)
        #expect(try subscribers(port, a).hasSuffix("0\n"))
        _ = try redisCli(["-p", port, "del", k])
    }

    /// FAKETTY (a terminal for output): redis-cli 7.4's line after each batch of output while
    /// subscribed and waiting, dimmed when TERM names an xterm, and ESC[K before what comes next;
    /// none with --raw.
    @Test(arguments: ["xterm", "dumb"]) func readingMessagesLineOnATerminal(term: String) throws {
        let port = try TestEnvironment.port()
        let a = uniquePrefix() + "a"
        let text = "Reading messages... (press Ctrl-C to quit or any key to type command)"
        let line = term == "xterm" ? "\u{1b}[1;90m" + text + "\r\u{1b}[0m" : text + "\r"
        let erase = "\u{1b}[K"
        let cli = try PipedProcess(TestEnvironment.rcli, ["-p", port], environment: ["FAKETTY": "1", "TERM": term])
        try cli.write("SUBSCRIBE \(a)\n")
        cli.wait(for: "3) (integer) 1\n" + line)
        try cli.closeInput()
        try publish(port, a, "hello")
        cli.wait(for: "3) \"hello\"\n" + line)
        cli.interrupt()
        let end = cli.finish()
        #expect(end.status == 0 && !end.signalled, "\(end)")
        // The line shows again each time the wait resumes (how often depends on when stdin's
        // end was read): one showing and erasing stands for them all.
        var out = cli.out
        while out.contains(line + erase + line + erase) {
            out = out.replacingOccurrences(of: line + erase + line + erase, with: line + erase)
        }
        #expect(
            out == "1) \"subscribe\"\n2) \"\(a)\"\n3) (integer) 1\n" + line + erase
                + "1) \"message\"\n2) \"\(a)\"\n3) \"hello\"\n" + line + erase)

        let raw = try PipedProcess(
            TestEnvironment.rcli, ["-p", port, "--raw"], environment: ["FAKETTY": "1", "TERM": term])
        try raw.write("SUBSCRIBE \(a)\n")
        raw.wait(for: "subscribe\n\(a)\n1\n")
        try publish(port, a, "raw")
        raw.wait(for: "message\n\(a)\nraw\n")
        raw.interrupt()
        try raw.closeInput()
        let rawEnd = raw.finish()
        #expect(rawEnd.status == 0 && raw.out == "subscribe\n\(a)\n1\nmessage\n\(a)\nraw\n", "\(rawEnd)")
    }

    /// A run of one CLI: SUBSCRIBE, a message, the end of stdin, another message, Ctrl-C.
    private func streamPastTheEndOfInput(_ executable: String, port: String, channel: String) throws -> (
        out: [UInt8], status: Int32, signalled: Bool, err: String
    ) {
        let cli = try PipedProcess(executable, ["-p", port])
        try cli.write("SUBSCRIBE \(channel)\n")
        cli.wait(for: "subscribe\n\(channel)\n1\n")
        try publish(port, channel, "hello")
        cli.wait(for: "message\n\(channel)\nhello\n")
        try cli.closeInput()
        cli.drain(for: 0.2)
        try publish(port, channel, "after-eof")
        cli.wait(for: "message\n\(channel)\nafter-eof\n")
        cli.interrupt()
        let end = cli.finish()
        return (cli.stdout, end.status, end.signalled, end.err)
    }

    /// Shared with redis-cli 7.0.15 (which stops reading at SUBSCRIBE): the end of stdin keeps
    /// streaming, and Ctrl-C ends it with status 0 (not killed by the signal), byte for byte.
    @Test func endOfInputKeepsStreamingLikeRedisCli70() throws {
        let port = try TestEnvironment.port()
        let a = uniquePrefix() + "a"
        let ours = try streamPastTheEndOfInput(TestEnvironment.rcli, port: port, channel: a)
        let theirs = try streamPastTheEndOfInput(TestEnvironment.redisCli, port: port, channel: a)
        #expect(ours.out == Array("subscribe\n\(a)\n1\nmessage\n\(a)\nhello\nmessage\n\(a)\nafter-eof\n".utf8))
        #expect(ours.out == theirs.out)
        #expect(ours.status == 0 && !ours.signalled && ours.err.isEmpty, "\(ours)")
        #expect(ours.status == theirs.status && ours.signalled == theirs.signalled && ours.err == theirs.err)
    }

    /// A run of one CLI: SUBSCRIBE, Ctrl-C while stdin is still open, then more lines.
    private func interruptThenGoOn(_ executable: String, port: String, channel: String, key: String) throws -> (
        out: [UInt8], status: Int32, signalled: Bool, err: String
    ) {
        let cli = try PipedProcess(executable, ["-p", port])
        try cli.write("SUBSCRIBE \(channel)\n")
        cli.wait(for: "subscribe\n\(channel)\n1\n")
        cli.interrupt()
        #expect(try waitUntil(10) { try subscribers(port, channel).hasSuffix("\n0\n") }, "the connection was closed")
        try cli.write("PING\nGET \(key)\n")
        try cli.closeInput()
        let end = cli.finish()
        return (cli.stdout, end.status, end.signalled, end.err)
    }

    /// Ctrl-C while subscribed leaves subscribed mode on a fresh connection and the rest of
    /// stdin runs on it, as in redis-cli (7.0.15 compared byte for byte).
    @Test func ctrlCLeavesSubscribedModeAndTheScriptGoesOn() throws {
        let port = try TestEnvironment.port()
        let p = uniquePrefix()
        let (a, k) = ("\(p)a", "\(p)k")
        try seed([["set", k, "kept"]])
        let ours = try interruptThenGoOn(TestEnvironment.rcli, port: port, channel: a, key: k)
        let theirs = try interruptThenGoOn(TestEnvironment.redisCli, port: port, channel: a, key: k)
        #expect(ours.out == Array("subscribe\n\(a)\n1\nPONG\nkept\n".utf8))
        #expect(ours.out == theirs.out)
        #expect(ours.status == 0 && !ours.signalled && ours.err.isEmpty, "\(ours)")
        #expect(ours.status == theirs.status && ours.signalled == theirs.signalled && ours.err == theirs.err)
        _ = try redisCli(["-p", port, "del", k])
    }

    /// Ctrl-C is taken over only while subscribed: a script that never subscribed, or no longer
    /// is, is ended by the signal as before.
    @Test func ctrlCOutsideSubscribedModeKeepsItsDefaultAction() throws {
        let port = try TestEnvironment.port()
        let p = uniquePrefix()
        for script in ["BLPOP \(p)none 0\n", "SUBSCRIBE \(p)a\nUNSUBSCRIBE \(p)a\nBLPOP \(p)none 0\n"] {
            let cli = try PipedProcess(TestEnvironment.rcli, ["-p", port])
            try cli.write(script)
            if script.hasPrefix("SUBSCRIBE") { cli.wait(for: "unsubscribe\n\(p)a\n0\n") }
            #expect(
                try waitUntil(10) { try redisCli(["-p", port, "client", "list"]).out.contains("cmd=blpop") },
                "BLPOP is waiting")
            cli.interrupt()
            let end = cli.finish()
            #expect(end.signalled && end.status == SIGINT, "\(script.debugDescription): \(end)")
        }
    }

    /// A run of one CLI whose subscribed connection the server closes after the end of stdin.
    private func connectionClosedWhileSubscribed(_ executable: String, port: String, channel: String) throws -> (
        out: [UInt8], status: Int32, signalled: Bool, err: String
    ) {
        let name = "rcli-piped-\(UUID().uuidString.prefix(8))"
        let cli = try PipedProcess(executable, ["-p", port])
        try cli.write("CLIENT SETNAME \(name)\nSUBSCRIBE \(channel)\n")
        try cli.closeInput()
        cli.wait(for: "subscribe\n\(channel)\n1\n")
        let list = try redisCli(["-p", port, "client", "list"]).out.split(separator: "\n")
        let id = list.first { $0.contains(" name=\(name) ") }?.split(separator: " ").first { $0.hasPrefix("id=") }
        _ = try redisCli(["-p", port, "client", "kill", "id", String(id?.dropFirst(3) ?? "0")])
        let end = cli.finish()
        return (cli.stdout, end.status, end.signalled, end.err)
    }

    /// The server closing the subscribed connection ends the run with redis-cli's error and
    /// status 1 (7.0.15 compared).
    @Test func connectionLostWhileSubscribedIsAnError() throws {
        let port = try TestEnvironment.port()
        let a = uniquePrefix() + "a"
        let ours = try connectionClosedWhileSubscribed(TestEnvironment.rcli, port: port, channel: a)
        let theirs = try connectionClosedWhileSubscribed(TestEnvironment.redisCli, port: port, channel: a)
        #expect(ours.out == Array("OK\nsubscribe\n\(a)\n1\n".utf8))
        #expect(ours.err == "Error: Server closed the connection\n" && ours.status == 1, "\(ours)")
        #expect(ours.out == theirs.out && ours.err == theirs.err && ours.status == theirs.status)
    }
}

extension ClusterFixtureTests {
    /// With -c the piped session works the same: channels on one node, a shard channel on its
    /// slot's master, messages from both between the replies; the last UNSUBSCRIBE and
    /// SUNSUBSCRIBE let the end of stdin exit; a subscribed end of stdin streams until Ctrl-C.
    @Test func clusterPipedSessionWhileSubscribed() throws {
        let map = try Self.map()
        let seed = try #require(map.masters.first)
        let other = try #require(map.masters.first { $0 != seed })
        let p = uniquePrefix()
        let shard = try #require(
            (0..<1000).map { "\(p)s\($0)" }.first { map.master(for: HashSlot.slot(Array($0.utf8))) != seed })
        let shardOwner = map.master(for: HashSlot.slot(Array(shard.utf8)))
        // Under RESP2 a subscribed connection refuses SET: the key lives on the third master.
        let k = try #require(
            (0..<1000).map { "\(p)k\($0)" }.first {
                let owner = map.master(for: HashSlot.slot(Array($0.utf8)))
                return owner != seed && owner != shardOwner
            })
        let ch = "\(p)ch"
        let cli = try PipedProcess(TestEnvironment.rcli, ["-c", "-p", "\(seed.port)"])
        try cli.write("SUBSCRIBE \(ch)\nSSUBSCRIBE \(shard)\nSET \(k) v\n")
        cli.wait(for: "OK\n")
        _ = try redisCli(["-p", "\(other.port)", "publish", ch, "from another node"])
        cli.wait(for: "message\n\(ch)\nfrom another node\n")
        _ = try redisCli(["-c", "-p", "\(seed.port)", "spublish", shard, "sharded"])
        cli.wait(for: "smessage\n\(shard)\nsharded\n")
        try cli.write("UNSUBSCRIBE\nSUNSUBSCRIBE\nGET \(k)\n")
        try cli.closeInput()
        let end = cli.finish()
        #expect(end.status == 0 && !end.signalled && end.err.isEmpty, "\(end)")
        #expect(
            cli.out
                == "subscribe\n\(ch)\n1\n" + "ssubscribe\n\(shard)\n1\n" + "OK\n"
                + "message\n\(ch)\nfrom another node\n"
                + "smessage\n\(shard)\nsharded\n" + "unsubscribe\n\(ch)\n0\n" + "sunsubscribe\n\(shard)\n0\n" + "v\n")

        let streaming = try PipedProcess(TestEnvironment.rcli, ["-c", "-p", "\(seed.port)"])
        try streaming.write("SSUBSCRIBE \(shard)\n")
        try streaming.closeInput()
        streaming.wait(for: "ssubscribe\n\(shard)\n1\n")
        _ = try redisCli(["-c", "-p", "\(seed.port)", "spublish", shard, "after the end"])
        streaming.wait(for: "smessage\n\(shard)\nafter the end\n")
        #expect(streaming.isRunning)
        streaming.interrupt()
        let streamEnd = streaming.finish()
        #expect(streamEnd.status == 0 && !streamEnd.signalled && streamEnd.err.isEmpty, "\(streamEnd)")
        _ = try redisCli(["-c", "-p", "\(seed.port)", "del", k])
    }
}
