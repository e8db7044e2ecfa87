import Cluster
import Foundation
import Testing

/// Key names scanned while the shell's prompt waits (IdleKeyScan), through tmux like a person,
/// on servers of the test's own (the SCAN counts are the server's) and the shared cluster.
@Suite(.serialized) struct IdleScanTests {
    private func home() throws -> String { try scratchDirectory("home").path }

    /// The SCANs the server at `port` has run (0 before the first).
    private static func scans(_ port: String, field: String = "calls") throws -> Int {
        let stats = try redisCli(["-p", port, "info", "commandstats"]).out
        guard let line = stats.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix("cmdstat_scan:") }),
            let part = line.dropFirst("cmdstat_scan:".count).split(separator: ",").first(where: {
                $0.hasPrefix(field + "=")
            })
        else { return 0 }
        return Int(part.dropFirst(field.count + 1).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    /// Waits until `count` has moved past `before` and then stayed the same for about a second and a
    /// half (the idle scan's steps come milliseconds apart: it has ended); the last count.
    @discardableResult
    private static func waitForTheScanToEnd(
        after before: Int = 0, timeout: Double = 60, _ count: () throws -> Int
    ) throws -> Int {
        var last = -1
        var same = 0
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let now = try count()
            same = now > before && now == last ? same + 1 : 0
            if same >= 5 { return now }
            last = now
            usleep(300_000)
        }
        Issue.record("the idle scan did not end; SCANs: \(last)")
        return last
    }

    private func shell(_ port: String, _ extra: [String] = []) throws -> TmuxSession {
        let shell = try TmuxSession([TestEnvironment.rcli, "-p", port] + extra, environment: ["HOME": try home()])
        try shell.wait(for: "127.0.0.1:\(port)> ")
        return shell
    }

    /// 200,000 keys and one with a unique prefix: after the prompt sat idle, the first Tab
    /// completes it from the names already scanned, sending no SCAN of its own (a Tab's direct
    /// scan covers what 100 ms allow, a part of such a database).
    @Test func afterIdleAKeyAnywhereCompletesOnTheFirstTabWithoutAScan() throws {
        let server = try OwnServer()
        let port = server.port
        _ = try server.cli(["debug", "populate", "200000", "key"])
        let p = uniquePrefix()
        _ = try server.cli(["set", p + "needle", "1"])
        let shell = try shell(port)
        let scanned = try Self.waitForTheScanToEnd { try Self.scans(port) }
        try shell.type("get \(p)ne", enter: false)
        try shell.key("Tab")
        try shell.wait(for: "> get \(p)needle")
        #expect(try Self.scans(port) == scanned, "the Tab was answered from the scanned names")
        // A prefix with no scanned name (a key made after the scan) still asks the server.
        _ = try server.cli(["set", p + "late", "1"])
        try shell.key("C-u")
        try shell.type("get \(p)la", enter: false)
        // Tab's own scan has a time budget: on a loaded machine one press may not cover 200,000
        // keys, and the next press goes on from where it stopped.
        var completed = false
        for _ in 0..<10 where !completed {
            try shell.key("Tab")
            completed = waitUntil(2) { (try? shell.screen().contains("> get \(p)late")) == true }
        }
        #expect(completed, "a key made after the scan completes through Tab's own scan")
        #expect(try Self.scans(port) > scanned, "Tab's own scan for a prefix the names lack")
    }

    /// Keys typed while the scan is under way show at once, and the scan goes on after them.
    @Test func keysTypedDuringTheScanAreEchoedAndTheScanGoesOn() throws {
        let server = try OwnServer()
        let port = server.port
        _ = try server.cli(["debug", "populate", "1000000", "key"])
        let shell = try shell(port)
        #expect(waitUntil(10) { ((try? Self.scans(port)) ?? 0) > 0 }, "the idle scan started")
        try shell.type("get abc", enter: false)
        try shell.wait(for: "> get abc")
        let atTyping = try Self.scans(port)
        #expect(waitUntil(10) { ((try? Self.scans(port)) ?? 0) > atTyping }, "the scan went on after the keys")
        try shell.type("d")
        try shell.wait(for: "(nil)")
    }

    /// No SCAN while a command runs (a BLPOP waiting 3 s): the scan stops before the command
    /// goes and resumes at the prompt after it. None at all from one-shot commands and scripts.
    @Test func noScanWhileACommandRunsNorFromOneShotOrScripts() throws {
        let server = try OwnServer()
        let port = server.port
        _ = try server.cli(["debug", "populate", "1000000", "key"])
        let p = uniquePrefix()
        do {
            let shell = try shell(port)
            #expect(waitUntil(10) { ((try? Self.scans(port)) ?? 0) > 0 }, "the idle scan started")
            try shell.type("blpop \(p)list 3")
            usleep(600_000)
            let early = try Self.scans(port)
            usleep(1_800_000)
            #expect(try Self.scans(port) == early, "no SCAN while BLPOP runs")
            try shell.wait(for: "(nil)")
            #expect(waitUntil(10) { ((try? Self.scans(port)) ?? 0) > early }, "the scan resumed at the prompt")
        }
        let quiet = try OwnServer()
        _ = try quiet.cli(["mset", p + "a", "1", p + "b", "2"])
        #expect(try rcli(["-p", quiet.port, "get", p + "a"]).out == "1\n")
        #expect(try rcli(["-p", quiet.port], stdin: "get \(p)a\nget \(p)b\n").out == "1\n2\n")
        #expect(try rcli(["-p", quiet.port, "-r", "3", "-i", "0.3", "get", p + "a"]).status == 0)
        #expect(try Self.scans(quiet.port) == 0, "no SCAN from one-shot commands and scripts")
    }

    /// SELECT drops the names (another database's), and so does FLUSHDB (a Tab no longer
    /// offers a key it removed).
    @Test func selectAndFlushdbDropTheNames() throws {
        let server = try OwnServer()
        let port = server.port
        let p = uniquePrefix()
        _ = try server.cli(["set", p + "alpha", "1"])
        _ = try server.cli(["-n", "1", "set", p + "another", "1"])
        let shell = try shell(port, ["--no-confirm"])
        var scanned = try Self.waitForTheScanToEnd { try Self.scans(port) }
        try shell.type("select 1")
        try shell.wait(for: "127.0.0.1:\(port)[1]> ")
        try shell.type("get \(p)a", enter: false)
        try shell.key("Tab")
        try shell.wait(for: "> get \(p)another")
        #expect(try !shell.screen().contains(p + "alpha"), "database 0's names are not offered in 1")
        try shell.key("C-u")
        try shell.type("select 0")
        try shell.wait(for: "127.0.0.1:\(port)> ")
        scanned = try Self.waitForTheScanToEnd(after: scanned) { try Self.scans(port) }
        try shell.type("flushdb")
        try shell.wait(for: "OK")
        try shell.type("get \(p)al", enter: false)
        try shell.key("Tab")
        usleep(800_000)
        #expect(try !shell.screen().contains(p + "alpha"), "a flushed key is not offered")
    }

    /// With -c every master is scanned: names from the first and the last master complete from
    /// the scanned names (a key made after the scan is not among them while others match).
    @Test func clusterNamesComeFromEveryMaster() throws {
        let ports = try ClusterFixtureTests.ports()
        let p = uniquePrefix()
        let names = (0..<50).map { "\(p)c\($0)" }
        _ = try rcli(["-c", "-p", ports[0]], stdin: names.map { "set \($0) v\n" }.joined())
        let first = try #require(names.first { HashSlot.slot(Array($0.utf8)) <= 5460 })
        let last = try #require(names.first { HashSlot.slot(Array($0.utf8)) >= 10923 })
        let cluster = try TmuxSession([TestEnvironment.rcli, "-c", "-p", ports[0]], environment: ["HOME": try home()])
        try cluster.wait(for: "> ")
        try Self.waitForTheScanToEnd { try ports.reduce(0) { $0 + (try Self.scans($1)) } }
        _ = try rcli(["-c", "-p", ports[0], "set", p + "clate", "v"])
        try cluster.type("get \(p)c", enter: false)
        try cluster.key("Tab")
        let screen = try cluster.wait(for: "names from the first and the last master") {
            $0.contains(first) && $0.contains(last)
        }
        #expect(!screen.contains(p + "clate"), "answered from the scanned names: \(screen)")
        _ = try rcli(["-c", "-p", ports[0]], stdin: ([p + "clate"] + names).map { "del \($0)\n" }.joined())
    }

    /// --no-idle-scan: an idle prompt sends no SCAN (Tab still asks the server itself).
    @Test func theOffSwitchSendsNoIdleScan() throws {
        let server = try OwnServer()
        let port = server.port
        let p = uniquePrefix()
        _ = try server.cli(["set", p + "alpha", "1"])
        let shell = try shell(port, ["--no-idle-scan"])
        usleep(1_500_000)
        try shell.type("get x", enter: false)
        usleep(1_500_000)
        #expect(try Self.scans(port) == 0, "no SCAN while idle")
        try shell.key("C-u")
        try shell.type("get \(p)al", enter: false)
        try shell.key("Tab")
        try shell.wait(for: "> get \(p)alpha")
        #expect(try Self.scans(port) > 0, "Tab's own scan")
    }

    /// A user whom ACL denies SCAN: the idle scan stops after the first refusal, saying nothing.
    @Test func aRefusedScanStopsTheIdleScanQuietly() throws {
        let server = try OwnServer()
        let port = server.port
        _ = try server.cli(["acl", "setuser", "noscan", "on", ">pw", "~*", "&*", "+@all", "-scan"])
        _ = try server.cli(["set", "k1", "1"])
        let shell = try shell(port, ["--user", "noscan", "--pass", "pw", "--no-auth-warning"])
        #expect(waitUntil(10) { ((try? Self.scans(port, field: "rejected_calls")) ?? 0) > 0 }, "SCAN was refused")
        try shell.type("get x", enter: false)
        usleep(1_500_000)
        try shell.key("C-u")
        try shell.type("ping")
        try shell.wait(for: "PONG", timeout: 15)
        usleep(1_500_000)
        #expect(try Self.scans(port, field: "rejected_calls") == 1, "no SCAN after the refusal")
        #expect(try !shell.screen().contains("NOPERM"), "quietly")
    }
}
