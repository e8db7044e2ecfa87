import Cluster
import Foundation
import Glibc
import Testing

/// Behaviour that depends on the server, run on every server of the matrix (scripts/test-matrix),
/// side by side with redis-cli 7.0 on servers and clusters of the tests' own: SHUTDOWN, and a
/// cluster whose nodes announce host names.
@Suite(.serialized) struct ServerMatrixTests {
    /// `text` with each port replaced by `PORT`, so runs on different servers compare.
    static func normalized(_ text: String, ports: [String]) -> String {
        ports.reduce(text) { $0.replacingOccurrences(of: $1, with: "PORT") }
    }

    /// Runs `arguments` (after `-p port`) in rcli and in redis-cli, each against a fresh server of
    /// its own (SHUTDOWN stops it), and expects the same stdout, stderr and exit status.
    func expectSameOnFreshServers(
        _ arguments: [String], stdin: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        var results: [RunResult] = []
        for cli in [TestEnvironment.rcli, TestEnvironment.redisCli] {
            let server = try OwnServer()
            let r = try run(cli, ["-p", server.port] + arguments, stdin: stdin.map { Array($0.utf8) }, timeout: 20)
            results.append(
                RunResult(
                    stdout: Array(Self.normalized(r.out, ports: [server.port]).utf8),
                    stderr: Array(Self.normalized(r.err, ports: [server.port]).utf8), status: r.status))
            if arguments.contains(where: { $0.lowercased() == "shutdown" }) && !arguments.contains("abort") {
                #expect(
                    try server.cli(["ping"]).status != 0, "\(cli) stopped the server", sourceLocation: sourceLocation)
            }
            // Quicker than the fixture's SIGTERM when the server is still up.
            _ = try server.cli(["shutdown", "nosave"])
        }
        let (ours, theirs) = (results[0], results[1])
        #expect(ours.out == theirs.out, "stdout for \(arguments)", sourceLocation: sourceLocation)
        #expect(ours.err == theirs.err, "stderr for \(arguments)", sourceLocation: sourceLocation)
        #expect(ours.status == theirs.status, "exit status for \(arguments)", sourceLocation: sourceLocation)
    }

    /// The server closes the connection without a reply: redis-cli prints nothing and exits 0.
    /// An error reply (nothing to abort) is still an error.
    @Test func shutdownOneShotIsASilentSuccess() throws {
        try expectSameOnFreshServers(["shutdown", "nosave"])
        try expectSameOnFreshServers(["--no-raw", "SHUTDOWN"])
        try expectSameOnFreshServers(["--no-raw", "shutdown", "abort"])
    }

    /// In a script, what comes before SHUTDOWN is answered, SHUTDOWN prints nothing, and each
    /// line after it prints redis-cli's connection error; the exit status is redis-cli's (0).
    @Test func shutdownInAScriptMatchesRedisCli() throws {
        let p = uniquePrefix()
        let script = "set \(p)k 1\nget \(p)k\nshutdown nosave\nget \(p)k\nping\n"
        try expectSameOnFreshServers([], stdin: script)
        try expectSameOnFreshServers(["-e"], stdin: script)
        try expectSameOnFreshServers([], stdin: "shutdown abort\nping\nshutdown nosave\n")
    }

    /// Types `lines` into `arguments` in a terminal, one at a time (each waits for the prompt
    /// that follows it), and returns the screen with the ports normalized.
    static func shellScreen(_ arguments: [String], lines: [String], ports: [String]) throws -> String {
        let home = try scratchDirectory("matrix-home")
        defer { try? FileManager.default.removeItem(at: home) }
        let shell = try TmuxSession(arguments, environment: ["HOME": home.path])
        func prompts(_ screen: String) -> Int {
            screen.split(separator: "\n").filter { $0.hasPrefix("127.0.0.1:") || $0.hasPrefix("not connected>") }.count
        }
        try shell.wait(for: "the first prompt") { prompts($0) == 1 }
        for (i, line) in lines.enumerated() {
            try shell.type(line)
            try shell.wait(for: "the prompt after '\(line)'") { prompts($0) == i + 2 }
        }
        var screen = try shell.screen()
        while screen.hasSuffix("\n") { screen.removeLast() }
        return normalized(screen, ports: ports)
    }

    /// The shell after SHUTDOWN: no output, the prompt is `not connected> `, each command then
    /// says the server cannot be reached; `connect` gets a server again, where SHUTDOWN ABORT is
    /// an error and the prompt stays.
    @Test func shutdownInTheShellLeavesItNotConnected() throws {
        var screens: [String] = []
        for cli in [[TestEnvironment.rcli, "--no-confirm"], [TestEnvironment.redisCli]] {
            let first = try OwnServer()
            let second = try OwnServer()
            let lines = [
                "set k 1", "shutdown nosave", "get k", "ping", "connect 127.0.0.1 \(second.port)", "shutdown abort",
                "shutdown nosave", "ping",
            ]
            screens.append(
                try Self.shellScreen(cli + ["-p", first.port], lines: lines, ports: [first.port, second.port]))
        }
        #expect(screens[0] == screens[1], "rcli:\n\(screens[0])\nredis-cli:\n\(screens[1])")
        #expect(screens[0].contains("\n127.0.0.1:PORT> shutdown nosave\nnot connected> get k\n"), "\(screens[0])")
        #expect(screens[0].hasSuffix("\nnot connected>"), "\(screens[0])")
    }

    /// With -c: SHUTDOWN sent to the current node is a silent success, one-shot, in a script and
    /// in the shell, and what follows is reported as redis-cli -c reports it (it reconnects to
    /// that node for every command).
    @Test func shutdownUnderClusterModeMatchesRedisCli() throws {
        let cluster = try OwnCluster()
        let map = try cluster.map()
        // Replicas first: the masters they would fail over to are stopped later.
        let nodes = map.shards.flatMap(\.replicas).map { "\($0.port)" } + map.masters.map { "\($0.port)" }
        try #require(nodes.count == 6)
        let all = cluster.ports.map(String.init)
        func compare(_ ours: RunResult, _ theirs: RunResult, _ what: String) {
            #expect(Self.normalized(ours.out, ports: all) == Self.normalized(theirs.out, ports: all), "\(what) stdout")
            #expect(Self.normalized(ours.err, ports: all) == Self.normalized(theirs.err, ports: all), "\(what) stderr")
            #expect(ours.status == theirs.status, "\(what) status")
        }
        let oneShot = ["-c", "shutdown", "nosave"]
        compare(
            try rcli(["-p", nodes[0]] + oneShot, timeout: 20), try redisCli(["-p", nodes[1]] + oneShot), "one-shot")
        let script = "ping\nshutdown nosave\nget k\nping\n"
        compare(
            try rcli(["-c", "-p", nodes[2]], stdin: script, timeout: 20),
            try redisCli(["-c", "-p", nodes[3]], stdin: script), "script")
        let lines = ["ping", "shutdown nosave", "ping", "get k"]
        let ours = try Self.shellScreen(
            [TestEnvironment.rcli, "--no-confirm", "-c", "-p", nodes[4]], lines: lines, ports: all)
        let theirs = try Self.shellScreen([TestEnvironment.redisCli, "-c", "-p", nodes[5]], lines: lines, ports: all)
        #expect(ours == theirs, "rcli:\n\(ours)\nredis-cli:\n\(theirs)")
        #expect(ours.hasSuffix("\nnot connected>"), "\(ours)")
        for port in cluster.ports { #expect(cluster.info(port, "server").isEmpty, "node \(port) was shut down") }
    }
}

extension ServerMatrixTests {
    /// Sets `cluster-announce-hostname` on every node to a name that does not resolve and waits
    /// until every node has heard every name.
    static func announceUnresolvableNames(_ cluster: OwnCluster) throws {
        let names = cluster.ports.indices.map { "nosuch-node-\($0 + 1).invalid" }
        for (port, name) in zip(cluster.ports, names) {
            #expect(cluster.command(port, ["config", "set", "cluster-announce-hostname", name])?.isError == false)
        }
        let heard = waitUntil(30) {
            cluster.ports.allSatisfy { port in
                let view = cluster.command(port, ["cluster", "nodes"])?.text ?? ""
                return names.allSatisfy { view.contains(",\($0) ") }
            }
        }
        try #require(heard, "the names did not spread by gossip")
    }

    /// Every node prefers `type` (`ip` or `hostname`) as its endpoint.
    static func preferEndpoints(_ cluster: OwnCluster, _ type: String) {
        for port in cluster.ports {
            #expect(
                cluster.command(port, ["config", "set", "cluster-preferred-endpoint-type", type])?.isError == false)
        }
    }

    /// Announced names that do not resolve, endpoints by IP (the default): the names are only
    /// metadata, so rcli -c and --cluster check work at once and print what redis-cli prints.
    /// With the names as endpoints, rcli reaches each node at its IP (redis-cli cannot).
    @Test func unresolvableAnnouncedNamesNeverStopRcli() throws {
        let cluster = try OwnCluster()
        // Quicker than the fixture's SIGTERM at the end.
        defer { for port in cluster.ports { _ = cluster.command(port, ["shutdown", "nosave"]) } }
        let map = try cluster.map()
        let p = uniquePrefix()
        let keys = try map.masters.flatMap { try cluster.keys("\(p)k", on: $0, count: 2) }
        try Self.announceUnresolvableNames(cluster)
        let seed = "\(cluster.ports[0])"
        let plain = ["TERM": "dumb"]

        var script = keys.map { "set \($0) v-\($0)\n" }.joined() + keys.map { "get \($0)\n" }.joined()
        script += "mget \(keys.joined(separator: " "))\n"
        let start = Date()
        let ours = try rcli(["-c", "-p", seed], stdin: script, timeout: 10)
        let oneShot = try rcli(["-c", "-p", seed, "get", keys[keys.count - 1]], timeout: 10)
        #expect(Date().timeIntervalSince(start) < 5, "no waiting on names that do not resolve")
        #expect(oneShot.out == "v-\(keys[keys.count - 1])\n" && oneShot.err.isEmpty, "\(oneShot.err)")
        let theirs = try redisCli(["-c", "-p", seed], stdin: keys.map { "get \($0)\n" }.joined())
        let gets = keys.map { "v-\($0)\n" }.joined()
        // (redis-cli's stdin is its shell: it says where it was redirected; rcli's scripts do not)
        let values = theirs.out.split(separator: "\n").filter { !$0.hasPrefix("-> Redirected") }
        #expect(values.map { $0 + "\n" }.joined() == gets, "redis-cli works here: \(theirs.err)")
        #expect(ours.out == String(repeating: "OK\n", count: keys.count) + gets + gets, "\(ours.err)")
        #expect(ours.err.isEmpty && ours.status == 0, "\(ours.err)")

        for args in [["--cluster", "check", "127.0.0.1:\(seed)"], ["--cluster", "info", "127.0.0.1", seed]] {
            let ours = try rcli(args, environment: plain, timeout: 10)
            let theirs = try redisCli(args, environment: plain)
            #expect(ours.out == theirs.out, "\(args)\n--- rcli\n\(ours.out)\(ours.err)--- redis-cli\n\(theirs.out)")
            #expect(ours.err == theirs.err, "\(args)")
            #expect(ours.status == theirs.status, "\(args)")
        }

        // The names become the endpoints (MOVED names them too): reached at the IPs they stand for.
        Self.preferEndpoints(cluster, "hostname")
        defer { Self.preferEndpoints(cluster, "ip") }
        let byName = try rcli(["-c", "-p", seed], stdin: keys.map { "get \($0)\n" }.joined(), timeout: 10)
        #expect(byName.out == gets && byName.status == 0, "\(byName.err)")
        let check = try rcli(["--cluster", "check", "127.0.0.1:\(seed)"], environment: plain, timeout: 10)
        #expect(check.status == 0 && check.out.contains("[OK] All 16384 slots covered."), "\(check.out)\(check.err)")
        #expect(check.out.contains(" nosuch-node-2.invalid:\(cluster.ports[1])\n"), "shown as the cluster prefers")
    }
}
