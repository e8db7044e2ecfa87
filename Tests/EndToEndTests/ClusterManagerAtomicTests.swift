import Cluster
import Foundation
import Testing

/// Atomic slot migration (Valkey 9 `CLUSTER MIGRATESLOTS`): reshard and rebalance choose it by
/// themselves where every node can, the flags insist or refuse it, jobs are followed until they
/// end, and check, info, fix and Ctrl-C deal with running jobs. A job is held running by pausing
/// the target's writes (`CLIENT PAUSE ... WRITE`: it keeps answering reads). Elsewhere (no
/// atomic migration) the same runs move keys and the insisting flag is refused.
extension ClusterManagerCreateTests {
    /// Jobs on `port` as `state` words, newest first.
    static func jobStates(_ port: String) throws -> [String] {
        try redisCli(["-3", "-p", port, "cluster", "getslotmigrations"]).out.split(separator: "\n")
            .compactMap { line -> String? in
                let words = line.split(separator: " ")
                guard let i = words.firstIndex(where: { $0 == "state" }), i + 1 < words.count else { return nil }
                return String(words[i + 1])
            }
    }

    /// Keys per database held by the node on `port` (INFO keyspace).
    static func keysOn(_ port: String) throws -> String {
        try redisCli(["-p", port, "info", "keyspace"]).out.split(whereSeparator: \.isNewline)
            .filter { $0.hasPrefix("db") }.map { $0.split(separator: ",")[0] }.joined(separator: " ")
    }

    /// A cluster of `masters` masters made by rcli plus `extra` empty masters, with three keys in
    /// each of `slots` in every database the server serves.
    static func seededCluster(masters: Int, extra: Int, slots: [Int]) throws -> (DatabaseCluster, [String]) {
        let cluster = try DatabaseCluster(masters + extra)
        let created = try rcli(
            ["--cluster", "create"] + cluster.addresses.prefix(masters) + ["--cluster-yes"], timeout: 60)
        try #require(created.status == 0, "\(created.out)")
        for address in cluster.addresses.dropFirst(masters) {
            let added = try rcli(["--cluster", "add-node", address, cluster.addresses[0]], timeout: 60)
            try #require(added.status == 0, "\(added.out)")
        }
        try #require(cluster.settled())
        for slot in slots {
            let tag = try Self.tag(for: slot)
            let owner = try #require(try cluster.owner(slot))
            for db in DatabaseCluster.databases {
                _ = try redisCli(
                    ["-p", owner, "-n", "\(db)"], stdin: (0..<3).map { "set {\(tag)}d\(db)k\($0) v\n" }.joined())
            }
        }
        return (cluster, try cluster.ports.map { try cluster.id($0) })
    }

    @Test func reshardAndRebalanceMoveWholeSlotsInsideTheServers() throws {
        let slots = [0, 50, 99, 100, 104, 5461, 10923]
        let (cluster, ids) = try Self.seededCluster(masters: 3, extra: 1, slots: slots)
        defer { cluster.stop() }
        let (ports, addresses) = (cluster.ports, cluster.addresses)
        let before = try cluster.counts()
        let reshard = { (count: Int, extra: [String]) in
            try rcli(
                [
                    "--cluster", "reshard", addresses[0], "--cluster-from", ids[0], "--cluster-to", ids[3],
                    "--cluster-slots", "\(count)", "--cluster-yes",
                ] + extra, environment: ["TERM": "dumb"], timeout: 120)
        }
        guard TestEnvironment.isValkey9 else {
            // No atomic migration here: insisting is refused, naming the node, and nothing moves.
            let refused = try reshard(10, ["--cluster-use-atomic-slot-migration"])
            #expect(refused.status == 1, "\(refused.out)")
            #expect(
                refused.out.contains("--cluster-use-atomic-slot-migration: \(addresses[0]) (")
                    && refused.out.contains("cannot move slots atomically")
                    && refused.out.contains("nothing was moved"),
                "\(refused.out)")
            #expect(try cluster.owner(0) == ports[0])
            let auto = try reshard(10, [])
            #expect(auto.status == 0 && auto.out.contains("Moving slot 0 from "), "\(auto.out)")
            #expect(!auto.out.contains("atomic"), "no word of it where the servers cannot: \(auto.out)")
            try cluster.expectCounts(before, "key by key")
            return
        }
        // By itself: one job, every database, no slot opened, no key moved by rcli.
        let atomic = try reshard(100, [])
        #expect(atomic.status == 0, "\(atomic.out)")
        #expect(
            atomic.out.contains(">>> Moving 100 slots by atomic slot migration (CLUSTER MIGRATESLOTS; Valkey 9."),
            "\(atomic.out)")
        #expect(
            atomic.out.contains("Moved 100 slots 0-99 from \(addresses[0]) to \(addresses[3]) in "), "\(atomic.out)")
        #expect(!atomic.out.contains("Moving slot 0 from \(addresses[0])"), "no key-by-key lines: \(atomic.out)")
        #expect(try Self.jobStates(ports[0]).first == "success", "the source ran the job")
        #expect(try (0...99).allSatisfy { try cluster.owner($0) == ports[3] })
        try cluster.expectCounts(before, "atomic reshard")
        try cluster.expectOnOwners(slots, perSlot: 3, "atomic reshard", among: ports)

        // Key by key when asked: no job.
        let jobs = try Self.jobStates(ports[0]).count
        let byKeys = try reshard(5, ["--cluster-no-atomic-slot-migration"])
        #expect(byKeys.status == 0 && byKeys.out.contains("Moving slot 100 from "), "\(byKeys.out)")
        #expect(!byKeys.out.contains("atomic"), "\(byKeys.out)")
        #expect(try Self.jobStates(ports[0]).count == jobs, "no job started")
        #expect(cluster.settled())
        try cluster.expectCounts(before, "key-by-key reshard")

        // Insisting works where every node can.
        let insisted = try reshard(1, ["--cluster-use-atomic-slot-migration"])
        #expect(insisted.status == 0 && insisted.out.contains("Moved 1 slot 105 from "), "\(insisted.out)")

        // rebalance: the pairs side by side, one line each when piped.
        let rebalance = try rcli(["--cluster", "rebalance", addresses[1], "--cluster-yes"], timeout: 120)
        #expect(rebalance.status == 0, "\(rebalance.out)")
        #expect(rebalance.out.contains("slots by atomic slot migration (CLUSTER MIGRATESLOTS"), "\(rebalance.out)")
        let moved = rebalance.out.split(separator: "\n").filter { $0.hasPrefix("Moved ") && $0.contains(" to ") }
        #expect(moved.count == 3, "one line per pair: \(rebalance.out)")
        #expect(cluster.settled())
        let info = try rcli(["--cluster", "info", addresses[0]]).out
        #expect(info.components(separatedBy: " 4096 slots ").count == 5, "four masters of 4096 slots: \(info)")
        try cluster.expectCounts(before, "atomic rebalance")
        try cluster.expectOnOwners(slots, perSlot: 3, "atomic rebalance", among: ports)

        // On a terminal: a progress line while the job runs (the target pauses its writes for 5 s).
        _ = try redisCli(["-p", ports[1], "client", "pause", "5000", "write"])
        let command = [
            TestEnvironment.rcli, "--cluster", "reshard", addresses[0], "--cluster-from", ids[0], "--cluster-to",
            ids[1], "--cluster-slots", "10", "--cluster-yes",
        ].map(TmuxSession.quote).joined(separator: " ")
        let shell = try TmuxSession(
            ["/bin/sh", "-c", command + "; sleep 30"], environment: ["HOME": try scratchDirectory("home").path])
        // The job's pair and state on the line while it runs (not only the first, empty draw).
        try shell.wait(for: " from \(addresses[0]) to \(addresses[1]): ", timeout: 10)
        #expect(try shell.screen().contains("Moving slots: 0/10 (0%) | "))
        try shell.wait(for: "Moved 10 slots ", timeout: 15)
        try cluster.expectCounts(before, "reshard on a terminal")
    }

    /// A running job seen by check, info and --json, left alone by fix; Ctrl-C cancels it and
    /// waits for it to end (exit 130); a job without progress for --cluster-timeout is
    /// cancelled (exit 1); a job whose target dies is reported with what did not move and how to
    /// go on (exit 1). No key is lost in any of them.
    @Test func runningJobsAreToldCancelledOnCtrlCAndFailuresLoseNothing() throws {
        guard TestEnvironment.isValkey9 else { return }
        let (cluster, ids) = try Self.seededCluster(masters: 3, extra: 0, slots: [0, 5, 9])
        defer { cluster.stop() }
        let (ports, addresses) = (cluster.ports, cluster.addresses)
        let before = try cluster.counts()
        let heldOnA = try Self.keysOn(ports[0])
        // C's writes paused: a job moving slots to C stays running.
        _ = try redisCli(["-p", ports[2], "client", "pause", "120000", "write"])
        let dir = try scratchDirectory("atomic")
        func start(_ extra: [String]) throws -> (Process, () -> String) {
            let out = dir.appendingPathComponent("out\(extra.count)")
            FileManager.default.createFile(atPath: out.path, contents: nil)
            let process = testProcess(
                TestEnvironment.rcli,
                [
                    "--cluster", "reshard", addresses[0], "--cluster-from", ids[0], "--cluster-to", ids[2],
                    "--cluster-slots", "10", "--cluster-yes",
                ] + extra)
            process.standardOutput = try FileHandle(forWritingTo: out)
            try process.run()
            return (process, { (try? String(contentsOf: out, encoding: .utf8)) ?? "" })
        }
        let (process, text) = try start([])
        #expect(waitUntil(30) { (try? Self.jobStates(ports[0]).first).map { $0 != "success" } == true })

        // check, info, --json: the job, as warnings; fix leaves its slots alone.
        let check = try rcli(["--cluster", "check", addresses[1]], environment: ["TERM": "dumb"])
        #expect(
            check.out.contains(
                "[WARNING] Atomic slot migration in progress: slots 0-9 from \(addresses[0]) to \(addresses[2]) (state "
            ),
            "\(check.out)")
        #expect(check.status == 0, "a running job is not a fault: \(check.out)")
        let info = try rcli(["--cluster", "info", addresses[1]], environment: ["TERM": "dumb"])
        #expect(info.out.contains("[WARNING] Atomic slot migration in progress: slots 0-9 "), "\(info.out)")
        let json = try rcli(["--cluster", "check", addresses[1], "--json"])
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any], "\(json.out)")
        let jobs = try #require(document["migrations"] as? [[String: Any]], "\(json.out)")
        #expect(jobs.first?["outcome"] as? String == "running" && jobs.first?["slot_count"] as? Int == 10, "\(jobs)")
        #expect(jobs.first?["target_address"] as? String == addresses[2], "\(jobs)")
        let fix = try rcli(["--cluster", "fix", addresses[1], "--cluster-search-multiple-owners"], timeout: 60)
        #expect(fix.out.contains("fix leaves those slots alone"), "\(fix.out)")
        #expect(!fix.out.contains("Fixing multiple owners for slot 0"), "\(fix.out)")
        #expect(try Self.jobStates(ports[0]).first.map { $0 != "success" && $0 != "cancelled" } == true)

        // Ctrl-C: the job is cancelled and waited for; its slots stay on A.
        _ = try redisCli(["-p", ports[2], "client", "pause", "120000", "write"])
        kill(process.processIdentifier, SIGINT)
        #expect(waitUntil(20) { !process.isRunning })
        process.waitUntilExit()
        #expect(process.terminationStatus == 130, "\(text())")
        #expect(text().contains("*** Ctrl-C: cancelling 1 running job(s)"), "\(text())")
        #expect(text().contains("Not moved (cancelled): 10 slots 0-9 from "), "\(text())")
        #expect(text().contains("*** Interrupted: every job started has ended; no slot is left open."), "\(text())")
        #expect(try Self.jobStates(ports[0]).first == "cancelled")
        #expect(try cluster.owner(0) == ports[0])
        try cluster.expectCounts(before, "after Ctrl-C")

        // No progress for --cluster-timeout (10 s at least on Valkey, whose jobs acknowledge every
        // second): cancelled, exit 1.
        _ = try redisCli(["-p", ports[2], "client", "pause", "120000", "write"])
        let stalled = try rcli(
            [
                "--cluster", "reshard", addresses[0], "--cluster-from", ids[0], "--cluster-to", ids[2],
                "--cluster-slots", "10", "--cluster-yes", "--cluster-timeout", "2000",
            ], timeout: 60)
        #expect(stalled.status == 1, "\(stalled.out)")
        #expect(stalled.out.contains("*** No progress for 10 s on 0-9 from "), "\(stalled.out)")
        #expect(stalled.out.contains("failed: no progress for 10 s, cancelled"), "\(stalled.out)")
        #expect(
            stalled.out.contains(
                "To move the rest (with this run's connection options): rcli --cluster reshard \(addresses[0]) "
                    + "--cluster-from \(ids[0]) --cluster-to \(ids[2]) --cluster-slots 10 --cluster-yes "
                    + "--cluster-timeout 2000"), "\(stalled.out)")
        #expect(try Self.jobStates(ports[0]).first == "cancelled")

        // The target dies mid-job: failed, told, nothing lost on the source.
        _ = try redisCli(["-p", ports[2], "client", "pause", "120000", "write"])
        let (second, secondText) = try start(["--cluster-retries", "0"])
        #expect(waitUntil(30) { (try? Self.jobStates(ports[0]).first).map { $0 != "cancelled" } == true })
        let pid = try redisCli(["-p", ports[2], "info", "server"]).out.split(whereSeparator: \.isNewline)
            .first { $0.hasPrefix("process_id:") }.flatMap { Int32($0.dropFirst(11)) }
        kill(try #require(pid), SIGKILL)
        #expect(waitUntil(30) { !second.isRunning })
        second.waitUntilExit()
        #expect(second.terminationStatus == 1, "\(secondText())")
        #expect(secondText().contains("*** atomic slot migration of 0-9 from "), "\(secondText())")
        #expect(secondText().contains("Not moved: 10 slots (0-9), still served by their source"), "\(secondText())")
        #expect(try cluster.owner(0, from: ports[0]) == ports[0])
        #expect(try Self.keysOn(ports[0]) == heldOnA, "every key still on the source")
    }

    /// A `-c` user writing during an atomic move: MSETs of two keys in a slot that moves, paced,
    /// from before the job starts until after the cut-over. Every one is answered OK (no ASK, no
    /// TRYAGAIN for the multi-key command, the MOVED after the cut-over followed) and the last
    /// value is on the new owner.
    @Test func writesInAMovingSlotKeepWorkingUnderDashC() throws {
        guard TestEnvironment.isValkey9 else { return }
        let (cluster, ids) = try Self.seededCluster(masters: 3, extra: 0, slots: [5])
        defer { cluster.stop() }
        let (ports, addresses) = (cluster.ports, cluster.addresses)
        let tag = try Self.tag(for: 5)
        let writer = try PipedProcess(TestEnvironment.rcli, ["-c", "-p", ports[0]])
        var sent = 0
        func write(_ count: Int) throws {
            for _ in 0..<count {
                sent += 1
                try writer.write("MSET {\(tag)}a \(sent) {\(tag)}b \(sent)\n")
                usleep(5000)
            }
        }
        try write(50)
        // The job lasts while B's writes are paused (1.5 s): the writer keeps going through it.
        _ = try redisCli(["-p", ports[1], "client", "pause", "1500", "write"])
        let reshard = testProcess(
            TestEnvironment.rcli,
            [
                "--cluster", "reshard", addresses[0], "--cluster-from", ids[0], "--cluster-to", ids[1],
                "--cluster-slots", "10", "--cluster-yes",
            ])
        let log = try scratchDirectory("writer").appendingPathComponent("reshard")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        reshard.standardOutput = try FileHandle(forWritingTo: log)
        try reshard.run()
        while reshard.isRunning { try write(10) }
        reshard.waitUntilExit()
        let told = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(reshard.terminationStatus == 0 && told.contains("by atomic slot migration"), "\(told)")
        #expect(try cluster.owner(5) == ports[1], "slot 5 moved")
        try write(50)
        try writer.write("GET {\(tag)}b\n")
        try writer.closeInput()
        let end = writer.finish(within: 30)
        #expect(end.status == 0, "\(end.err)")
        let lines = writer.out.split(separator: "\n")
        #expect(lines.count == sent + 1, "one reply per command")
        #expect(lines.dropLast().allSatisfy { $0 == "OK" }, "every MSET answered OK: \(Set(lines.dropLast()))")
        #expect(lines.last.map(String.init) == "\(sent)", "the last value, read on the new owner")
        #expect(sent > 150, "the writer ran through the job (\(sent) commands)")
    }
}
