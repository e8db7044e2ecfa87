import Foundation
import Glibc
import Testing

/// `--sentinel` against real sentinels (`redis-server --sentinel`, `scripts/redis-sentinel`).
@Suite(.serialized)
struct SentinelTests {
    /// Every mode runs on the master the sentinels name: what rcli writes is on that server.
    @Test func everyModeRunsOnTheMaster() throws {
        let s = try OwnSentinels()
        let args = s.arguments
        var r = try rcli(args + ["set", "st:one", "1"])
        #expect(r.status == 0 && r.out == "OK\n", "\(r.err)")
        #expect(try s.cli(s.master, ["get", "st:one"]).out == "1\n")
        r = try rcli(args + ["role"])
        #expect(r.out.hasPrefix("master\n"))
        // A script on stdin.
        r = try rcli(args, stdin: "set st:two 2\nincr st:two\nget st:two\n")
        #expect(r.status == 0 && r.out == "OK\n3\n3\n", "\(r.err)")
        // -r repeats.
        r = try rcli(args + ["-r", "3", "incr", "st:rep"])
        #expect(r.out == "1\n2\n3\n")
        // --pipe.
        r = try rcli(args + ["--pipe"], stdin: "*3\r\n$3\r\nSET\r\n$7\r\nst:pipe\r\n$1\r\np\r\n")
        #expect(r.status == 0 && r.out.contains("errors: 0, replies: 1"), "\(r.out) \(r.err)")
        #expect(try s.cli(s.master, ["get", "st:pipe"]).out == "p\n")
        // --scan and a key-space tool mode walk the master.
        r = try rcli(args + ["--scan", "--pattern", "st:*"])
        #expect(Set(r.out.split(separator: "\n")) == ["st:one", "st:two", "st:rep", "st:pipe"])
        r = try rcli(args + ["--bigkeys"])
        #expect(r.status == 0 && r.out.contains("4 strings"), "\(r.out)")
        // --eval.
        let script = try scratchDirectory("sentinel-eval").appendingPathComponent("s.lua")
        try Data("return redis.call('get', KEYS[1])".utf8).write(to: script)
        r = try rcli(args + ["--eval", script.path, "st:one"])
        #expect(r.out == "1\n")
    }

    /// --sentinel-replica: reads on the replica, writes on the master, in script order.
    @Test func replicaReads() throws {
        let s = try OwnSentinels()
        var r = try rcli(s.arguments + ["--sentinel-replica", "role"])
        #expect(r.out.hasPrefix("slave\n"), "\(r.out) \(r.err)")
        r = try rcli(s.arguments + ["--sentinel-replica", "set", "rr:k", "v"])
        #expect(r.out == "OK\n", "\(r.err)")
        #expect(try s.cli(s.master, ["get", "rr:k"]).out == "v\n")
        // A read waits for the writes before it; the replica serves it (its connection is the
        // replica's: CLIENT LIST there shows rcli's name).
        r = try rcli(
            s.arguments + ["--sentinel-replica", "--name", "rr-reader"],
            stdin: "set rr:n 5\nincr rr:n\nrole\nclient list\n")
        let lines = r.out.split(separator: "\n")
        #expect(lines.prefix(3) == ["OK", "6", "slave"], "\(r.out) \(r.err)")
        #expect(r.out.contains("name=rr-reader"))
        // Without a replica to read from: one line, exit 1.
        _ = try s.cli(s.replica, ["replicaof", "no", "one"])
        r = try rcli(s.arguments + ["--sentinel-replica", "get", "rr:k"], timeout: 20)
        #expect(r.status == 1 && r.out.isEmpty)
        #expect(r.err.split(separator: "\n").count == 1 && r.err.contains("no replica of 'mymaster'"), "\(r.err)")
    }

    /// Wrong input: one line on stderr, exit status 1, no hang.
    @Test func badInput() throws {
        let s = try OwnSentinels()
        func once(_ args: [String], _ wanted: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let r = try rcli(args + ["get", "k"], timeout: 20)
            #expect(r.status == 1 && r.out.isEmpty, "\(r.out)", sourceLocation: sourceLocation)
            #expect(r.err.split(separator: "\n").count == 1, "\(r.err)", sourceLocation: sourceLocation)
            #expect(r.err.contains(wanted), "\(r.err)", sourceLocation: sourceLocation)
        }
        // No sentinel answers (nothing listens; then a data server, not a sentinel).
        try once(["--sentinel", "mymaster", "-p", "1"], "no sentinel answered for master 'mymaster'")
        try once(["--sentinel", "mymaster", "-p", "\(s.master)"], "is not a sentinel")
        // An unknown master name.
        try once(["--sentinel", "nosuch", "-p", "\(s.sentinels[0])"], "no sentinel knows a master named 'nosuch'")
        // A sentinel that watches the replica as mymaster: it names a server that is a replica ...
        let odd = try s.lone("mymaster", watching: s.replica)
        try once(["--sentinel", "mymaster", "-p", "\(odd)"], "answers ROLE as a replica of 127.0.0.1:\(s.master)")
        // ... and it disagrees with one of the others (one against one: no majority) ...
        try once(
            ["--sentinel", "mymaster", "-p", "\(odd)", "--sentinel-addr", "127.0.0.1:\(s.sentinels[0])"],
            "the sentinels disagree on master 'mymaster'")
        // ... but not with all three (three against one).
        let r = try rcli(s.arguments + ["--sentinel-addr", "127.0.0.1:\(odd)", "role"])
        #expect(r.out.hasPrefix("master\n"), "\(r.err)")
        // Usage mistakes.
        try once(["--sentinel-replica"], "need --sentinel <master-name>")
        try once(["--sentinel", "mymaster", "-c"], "cannot be used together")
        try once(["--sentinel", "mymaster", "--sentinel-addr", "nope"], "Invalid --sentinel-addr 'nope'")
    }

    /// A sentinel that accepts connections and never answers costs its deadline (-t, else 2 s),
    /// never a hang: alone it is one line and exit 1; with the others answering, they decide.
    @Test func hungSentinel() throws {
        let s = try OwnSentinels()
        try s.signalSentinel(0, SIGSTOP)
        defer { try? s.signalSentinel(0, SIGCONT) }
        var r = try rcli(["--sentinel", "mymaster", "-p", "\(s.sentinels[0])", "get", "k"], timeout: 20)
        let at = "127.0.0.1:\(s.sentinels[0])"
        let wanted =
            "Error: no sentinel answered for master 'mymaster': \(at): Could not connect to Redis at \(at): "
            + "accepted the connection but did not answer in 2s\n"
        #expect(r.status == 1 && r.err == wanted, "\(r.err)")
        r = try rcli(["-t", "0.5"] + s.arguments + ["role"], timeout: 20)
        #expect(r.status == 0 && r.out.hasPrefix("master\n"), "\(r.err)")
    }

    /// TLS to the sentinels and to the servers they name, with the same options (scripts/with-servers
    /// makes the certificates for the servers that take TLS).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["RCLI_TEST_TLS_DIR"] != nil))
    func tls() throws {
        let certs = try TestEnvironment.port("RCLI_TEST_TLS_DIR")
        let s = try OwnSentinels(tlsDirectory: certs)
        let tlsArgs = ["--tls", "--cacert", certs + "/ca.crt"] + s.arguments
        var r = try rcli(tlsArgs + ["set", "tl:k", "v"])
        #expect(r.status == 0 && r.out == "OK\n", "\(r.err)")
        r = try rcli(tlsArgs + ["--sentinel-replica"], stdin: "role\nget tl:k\n")
        #expect(r.out.hasPrefix("slave\n") && r.out.hasSuffix("\nv\n"), "\(r.out) \(r.err)")
        // Without --tls: each sentinel's reason, one line.
        r = try rcli(["--sentinel", "mymaster", "-p", "\(s.sentinels[0])", "get", "tl:k"])
        #expect(r.status == 1 && r.err.contains("(a TLS port? try --tls)"), "\(r.err)")
        #expect(r.err.split(separator: "\n").count == 1)
    }

    /// The sentinels' credentials are not the data's: options, environment, profile.
    @Test func separateCredentials() throws {
        let s = try OwnSentinels(dataPassword: "datapw", sentinelPassword: "sentpw")
        let args = s.arguments + ["--no-auth-warning", "-a", "datapw"]
        var r = try rcli(args + ["--sentinel-pass", "sentpw", "set", "cr:k", "v"])
        #expect(r.status == 0 && r.out == "OK\n", "\(r.err)")
        r = try rcli(args + ["get", "cr:k"], environment: ["REDISCLI_SENTINEL_AUTH": "sentpw"])
        #expect(r.out == "v\n", "\(r.err)")
        r = try rcli(args + ["--sentinel-pass", "wrong", "get", "cr:k"])
        #expect(r.status == 1 && r.err.contains("AUTH failed"), "\(r.err)")
        // A profile.
        let home = try scratchDirectory("sentinel-profile")
        let config = home.appendingPathComponent("rcli/config")
        try FileManager.default.createDirectory(
            at: config.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(
            """
            [sent]
            port = \(s.sentinels[0])
            sentinel = mymaster
            sentinel-addr = 127.0.0.1:\(s.sentinels[1]),127.0.0.1:\(s.sentinels[2])
            sentinel-password = sentpw
            password = datapw
            sentinel-replica = yes

            """.utf8
        ).write(to: config)
        chmod(config.path, 0o600)
        r = try rcli(["@sent", "role"], environment: ["XDG_CONFIG_HOME": home.path])
        #expect(r.out.hasPrefix("slave\n"), "\(r.err)")
    }

    /// The shell's prompt names the master; a failover is told in one line and the prompt follows.
    @Test func shellPromptFollowsTheMaster() throws {
        let s = try OwnSentinels()
        // What Redis documents against losing writes in a failover: the master refuses writes
        // once its replica has left it (when the replica is promoted).
        _ = try s.cli(s.master, ["config", "set", "min-replicas-to-write", "1"])
        let shell = try TmuxSession([TestEnvironment.rcli] + s.arguments)
        try shell.wait(for: "mymaster 127.0.0.1:\(s.master)> ")
        try shell.type("set sh:k 1")
        try shell.wait(for: "OK")
        _ = try redisCli(["-p", "\(s.sentinels[0])", "sentinel", "failover", "mymaster"])
        #expect(try waitUntil(20) { try s.currentMaster() == s.replica })
        try shell.type("incr sh:k")
        let screen = try shell.wait(for: "mymaster 127.0.0.1:\(s.replica)> ", timeout: 25)
        #expect(screen.contains("the master is now 127.0.0.1:\(s.replica) (was 127.0.0.1:\(s.master))"))
        #expect(screen.contains("(integer) 2"), "\(screen)")
    }

    /// In the shell, Ctrl-C ends the wait for the sentinels after a lost master (here none
    /// answers: they are stopped), long before the retry budget; the prompt comes back.
    @Test func ctrlCEndsTheWaitForTheSentinels() throws {
        let s = try OwnSentinels()
        let shell = try TmuxSession([TestEnvironment.rcli, "--retry-budget", "60"] + s.arguments)
        try shell.wait(for: "mymaster 127.0.0.1:\(s.master)> ")
        for i in 0..<3 { try s.signalSentinel(i, SIGSTOP) }
        defer { for i in 0..<3 { try? s.signalSentinel(i, SIGCONT) } }
        try s.killMaster()
        try shell.type("get k")
        usleep(1_000_000)
        try shell.key("C-c")
        try shell.wait(for: "not connected> ", timeout: 10)
        #expect(try shell.isAlive())
    }
}
