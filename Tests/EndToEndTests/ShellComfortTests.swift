import Cluster
import Foundation
import Testing

/// The shell's comforts beyond redis-cli: risky commands asked about, a pager for tall replies,
/// key names completed from the server. Driven through tmux like a person.
@Suite struct ShellComfortTests {
    private func home() throws -> String { try scratchDirectory("home").path }

    @Test func riskyCommandsAreAskedAboutOnlyOnATerminal() throws {
        let server = try OwnServer()
        defer { server.stop() }
        let port = server.port
        _ = try redisCli(["-p", port, "mset", "a", "1", "b", "2", "c", "3"])
        let shell = try TmuxSession([TestEnvironment.rcli, "-p", port], environment: ["HOME": try home()])
        try shell.wait(for: "127.0.0.1:\(port)> ")
        try shell.type("flushdb")
        try shell.wait(for: "FLUSHDB on 127.0.0.1:\(port) (3 keys). Type 'yes' to run it: ")
        try shell.type("no")
        try shell.wait(for: "(not run)")
        #expect(try redisCli(["-p", port, "dbsize"]).out == "3\n", "declined: nothing ran")
        try shell.type("config set dir /tmp")
        try shell.wait(for: "CONFIG SET dir on 127.0.0.1:\(port) (3 keys). Type 'yes' to run it: ")
        try shell.type("")
        try shell.wait(for: "(not run)")
        // KEYS is asked about only on a large database.
        try shell.type("keys *")
        try shell.wait(for: "3) ")
        try shell.type("debug populate 100001 big")
        try shell.wait(for: "OK")
        try shell.type("keys nothing*")
        try shell.wait(for: "KEYS on 127.0.0.1:\(port) (100004 keys). Type 'yes' to run it: ")
        try shell.type("no")
        try shell.type("flushall")
        try shell.wait(for: "FLUSHALL on 127.0.0.1:\(port) (100004 keys). Type 'yes' to run it: ")
        try shell.type("yes")
        try shell.wait(for: "the flush ran") { _ in (try? redisCli(["-p", port, "dbsize"]).out) == "0\n" }

        // --no-confirm: not asked.
        _ = try redisCli(["-p", port, "set", "a", "1"])
        let unasked = try TmuxSession(
            [TestEnvironment.rcli, "-p", port, "--no-confirm"], environment: ["HOME": try home()])
        try unasked.wait(for: "127.0.0.1:\(port)> ")
        try unasked.type("flushdb")
        try unasked.wait(for: "OK")
        #expect(try !unasked.screen().contains("Type 'yes'"))
        #expect(try redisCli(["-p", port, "dbsize"]).out == "0\n")
        // One-shot and piped commands are deliberate: never asked.
        _ = try redisCli(["-p", port, "set", "a", "1"])
        #expect(try rcli(["-p", port, "flushdb"]).out == "OK\n")
        _ = try redisCli(["-p", port, "set", "a", "1"])
        #expect(try rcli(["-p", port], stdin: "flushall\n").out == "OK\n")
    }

    @Test func clusterShellCountsEveryMaster() throws {
        let ports = try ClusterFixtureTests.ports()
        let shell = try TmuxSession([TestEnvironment.rcli, "-c", "-p", ports[0]], environment: ["HOME": try home()])
        try shell.wait(for: "> ")
        try shell.type("flushall")
        try shell.wait(for: "asked, naming the masters") { $0.contains("FLUSHALL on 3 masters (") }
        try shell.type("no")
        try shell.wait(for: "(not run)")
    }

    @Test func tallRepliesGoThroughThePagerWhenPagingIsOn() throws {
        let port = try TestEnvironment.port()
        let p = uniquePrefix()
        _ = try redisCli(["-p", port, "rpush", p + "list"] + (1...100).map(String.init))
        _ = try redisCli(["-p", port, "set", p + "small", "x"])
        let dir = try scratchDirectory("pager")
        let paged = dir.appendingPathComponent("paged").path
        let pagerEnv = ["HOME": try home(), "RCLI_PAGER": "cat > \(paged); echo PAGED-BY-TEST"]
        let shell = try TmuxSession([TestEnvironment.rcli, "-p", port, "--pager"], environment: pagerEnv)
        try shell.wait(for: "127.0.0.1:\(port)> ")
        try shell.type("get \(p)small")
        try shell.wait(for: "\"x\"")
        #expect(!FileManager.default.fileExists(atPath: paged), "a short reply is printed, not paged")
        try shell.type("lrange \(p)list 0 -1")
        try shell.wait(for: "PAGED-BY-TEST")
        let text = try String(contentsOf: URL(fileURLWithPath: paged), encoding: .utf8)
        #expect(text.hasPrefix("  1) \"1\"\n") && text.contains("100) \"100\"\n"), "\(text.prefix(200))")
        try FileManager.default.removeItem(atPath: paged)
        try shell.type(":pager off")
        try shell.type("lrange \(p)list 0 -1")
        try shell.wait(for: "100) \"100\"")
        #expect(!FileManager.default.fileExists(atPath: paged))

        // A pager that cannot run: one warning, then plain output.
        let broken = try TmuxSession(
            [TestEnvironment.rcli, "-p", port],
            environment: ["HOME": try home(), "RCLI_PAGER": "/nonexistent/pager"])
        try broken.wait(for: "127.0.0.1:\(port)> ")
        try broken.type(":pager on")
        try broken.type("lrange \(p)list 0 -1")
        try broken.wait(for: "the reply, then one warning") {
            $0.contains(
                "100) \"100\"\nrcli: the pager '/nonexistent/pager' could not be run; printing replies without it")
        }
        try broken.type("lrange \(p)list 0 -1")
        try broken.wait(for: "printed again, without a second warning") {
            $0.contains("100) \"100\"\n127.0.0.1:\(port)>") && !$0.contains("could not be run")
        }

        // Never for scripts or pipes, even with --pager.
        let piped = try rcli(["-p", port, "--pager"], stdin: "lrange \(p)list 0 -1\n", environment: pagerEnv)
        #expect(piped.out == (1...100).map { "\($0)\n" }.joined())
        #expect(!FileManager.default.fileExists(atPath: paged))
    }

    @Test func keyNamesCompleteFromTheServerAtKeyPositionsOnly() throws {
        // A server of its own: SCANs are counted below (shells elsewhere scan while idle); Tab's
        // own scan, without the idle one (IdleScanTests).
        let server = try OwnServer()
        let port = server.port
        let p = uniquePrefix()
        _ = try redisCli(["-p", port, "mset", p + "alpha", "1", p + "beta", "2"])
        let scans = {
            let stats = try redisCli(["-p", port, "info", "commandstats"]).out
            return stats.split(whereSeparator: \.isNewline).first { $0.hasPrefix("cmdstat_scan:") }
                .map(String.init) ?? ""
        }
        let shell = try TmuxSession(
            [TestEnvironment.rcli, "-p", port, "--no-idle-scan"], environment: ["HOME": try home()])
        try shell.wait(for: "127.0.0.1:\(port)> ")
        try shell.type("get \(p)a", enter: false)
        try shell.key("Tab")
        try shell.wait(for: "> get \(p)alpha")
        try shell.key("C-u")
        try shell.type("get \(p)", enter: false)
        try shell.key("Tab")
        try shell.wait(for: "\(p)alpha  \(p)beta")
        try shell.key("C-u")
        // A value position sends nothing.
        let before = try scans()
        try shell.type("set \(p)alpha \(p)", enter: false)
        try shell.key("Tab")
        usleep(300_000)
        #expect(try scans() == before, "no SCAN for a non-key position")
        try shell.key("C-u")

        // With -c every master is scanned: names from different masters are offered.
        let ports = try ClusterFixtureTests.ports()
        let names = (0..<50).map { "\(p)c\($0)" }
        _ = try rcli(["-c", "-p", ports[0]], stdin: names.map { "set \($0) v\n" }.joined())
        let first = try #require(names.first { HashSlot.slot(Array($0.utf8)) <= 5460 })
        let last = try #require(names.first { HashSlot.slot(Array($0.utf8)) >= 10923 })
        let cluster = try TmuxSession(
            [TestEnvironment.rcli, "-c", "-p", ports[0], "--no-idle-scan"], environment: ["HOME": try home()])
        try cluster.wait(for: "> ")
        try cluster.type("get \(p)c", enter: false)
        // One Tab scans for 100 ms; on a loaded machine that may end before every master
        // answered, and Tab again goes on from there (as a person would press it).
        var both = false
        for _ in 0..<5 where !both {
            try cluster.key("Tab")
            both = waitUntil(2) {
                let screen = (try? cluster.screen()) ?? ""
                return screen.contains(first) && screen.contains(last)
            }
        }
        let screen = try cluster.screen()
        #expect(both, "names from the first and the last master: \(screen)")
    }
}
