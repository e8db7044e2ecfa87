import Foundation
import Glibc
import Testing

/// `--cluster reshard/rebalance` on Redis 8.4's atomic slot migration (`CLUSTER MIGRATION
/// IMPORT/STATUS/CANCEL`), run with the real rcli binary against a scripted cluster
/// (`FakeRedis84Cluster`) since no Redis 8.4 server is at hand. Each test checks what every node
/// was sent, what rcli said, its exit status and who owns the slots afterwards.
struct AtomicMigrationRedisTests {
    /// Three masters; the first one's lowest slots are two ranges (0-49, 100-...).
    static let threeMasters: [[ClosedRange<Int>]] = [[0...49, 100...5460], [50...99, 5461...10922], [10923...16383]]
    static let importWords = ["CLUSTER", "MIGRATION", "IMPORT"]
    static let plain = ["TERM": "dumb"]

    static func reshard(
        _ fake: FakeRedis84Cluster, from: [Int], to: Int, slots: Int, _ extra: [String] = []
    ) -> [String] {
        [
            "--cluster", "reshard", fake.nodes[0].address, "--cluster-from",
            from.map { fake.nodes[$0].id }.joined(separator: ","), "--cluster-to", fake.nodes[to].id,
            "--cluster-slots", "\(slots)", "--cluster-yes",
        ] + extra
    }

    /// Every `CLUSTER MIGRATION IMPORT` sent, by node.
    static func imports(_ fake: FakeRedis84Cluster) -> [[[String]]] {
        fake.nodes.indices.map { fake.commands($0, startingWith: importWords) }
    }

    /// The `CLUSTER MIGRATION <verb> ID <id>` commands node `node` was sent for `id`.
    static func sent(_ fake: FakeRedis84Cluster, _ node: Int, _ verb: String, id: String) -> Int {
        fake.commands(node, startingWith: ["CLUSTER", "MIGRATION", verb, "ID", id]).count
    }

    /// The key-by-key path's commands (and CLUSTER MIGRATION), whoever received them.
    static func keyByKey(_ fake: FakeRedis84Cluster) -> [[String]] {
        fake.nodes.indices.flatMap { node in
            fake.commands(node).filter { command in
                let words = command.map { $0.uppercased() }
                return words.first == "MIGRATE"
                    || (words.first == "CLUSTER" && ["SETSLOT", "GETKEYSINSLOT"].contains(words.dropFirst().first))
            }
        }
    }

    /// (a) A reshard between 8.4 nodes takes the Redis path by itself: one IMPORT on the target
    /// with the pair's two ranges, the line that says so, no key-by-key command, the slots moved
    /// in every node's view; in RESP2 (flat arrays) and RESP3 (maps).
    @Test(arguments: [false, true]) func reshardImportsOnTheTargetByItself(resp3: Bool) throws {
        let fake = try FakeRedis84Cluster(slots: Self.threeMasters)
        let result = try rcli(
            (resp3 ? ["-3"] : []) + Self.reshard(fake, from: [0], to: 1, slots: 100), environment: Self.plain)
        #expect(result.status == 0, "\(result.out)\(result.err)")
        #expect(
            result.out.contains(
                ">>> Moving 100 slots by atomic slot migration (CLUSTER MIGRATION IMPORT; Redis 8.4.0)"))
        #expect(result.out.contains("Moved 100 slots 0-49 100-149 from \(fake.nodes[0].address) to "))
        #expect(Self.imports(fake) == [[], [Self.importWords + ["0", "49", "100", "149"]], []])
        #expect(Self.keyByKey(fake).isEmpty)
        #expect(Set(fake.slots(of: 1)).isSuperset(of: Array(0...149)))
        #expect(fake.slots(of: 0).first == 150)
        #expect(fake.activeTasks.isEmpty)
        let polls = fake.commands(1, startingWith: ["CLUSTER", "MIGRATION", "STATUS", "ID"])
        #expect(polls.count >= 2, "the target is asked until it says completed")
        #expect(!fake.commands(0, startingWith: ["CLUSTER", "MIGRATION", "STATUS", "ID"]).isEmpty)
    }

    /// (b) Rebalance onto an empty master from two sources: one import per pair, each of one
    /// source's slots; the second only once the first has ended (a Redis node runs one task at
    /// a time: started together the second IMPORT is refused).
    @Test func rebalanceImportsOncePerPairOneAtATime() throws {
        let fake = try FakeRedis84Cluster(slots: [[0...8191], [8192...16383], []])
        let result = try rcli(
            ["--cluster", "rebalance", fake.nodes[0].address, "--cluster-use-empty-masters"], environment: Self.plain)
        #expect(result.status == 0, "\(result.out)\(result.err)")
        #expect(result.out.contains("by atomic slot migration (CLUSTER MIGRATION IMPORT; Redis 8.4.0)"))
        let imports = Self.imports(fake)
        #expect(imports[0].isEmpty && imports[1].isEmpty)
        #expect(imports[2].count == 2, "\(imports)")
        let ranges = imports[2].map { Array($0.dropFirst(3)).compactMap(Int.init) }
        #expect(ranges.contains { $0.first == 0 } && ranges.contains { $0.first == 8192 }, "\(ranges)")
        #expect(!result.out.contains("another ASM task"))
        #expect(fake.slots(of: 2).count >= 5460 && fake.slots(of: 0).count + fake.slots(of: 1).count <= 10924)
        #expect(Self.keyByKey(fake).isEmpty)
        #expect(fake.activeTasks.isEmpty)
    }

    /// (c) A task that fails: its last_error, what moved and what not, the command that moves
    /// the rest, exit 1. Redis would start a failed import again by itself for ever: rcli cancels
    /// it on both ends, so nothing is left running and the slots stay with their source.
    @Test func aFailedTaskIsReportedAndNotLeftRetrying() throws {
        let why = "Main channel - Failed to sync with source node: Connection refused (state: connecting)"
        let fake = try FakeRedis84Cluster(slots: Self.threeMasters, scripts: [.fail(after: 2, error: why)])
        let result = try rcli(Self.reshard(fake, from: [0], to: 1, slots: 100), environment: Self.plain)
        #expect(result.status == 1, "\(result.out)\(result.err)")
        #expect(result.out.contains(why))
        #expect(result.out.contains("Not moved (failed): 100 slots 0-49 100-149"))
        #expect(result.out.contains("Moved: 0 slots. Not moved: 100 slots (0-49 100-149)"))
        #expect(
            result.out.contains(
                "To move the rest (with this run's connection options): rcli --cluster reshard "
                    + "\(fake.nodes[0].address) --cluster-from \(fake.nodes[0].id) "
                    + "--cluster-to \(fake.nodes[1].id) --cluster-slots 100 --cluster-yes"))
        #expect(Self.imports(fake)[1].count == 1, "no retry unless --cluster-retries")
        let id = try #require(fake.commands(1, startingWith: ["CLUSTER", "MIGRATION", "STATUS", "ID"]).first?.last)
        #expect(Self.sent(fake, 1, "CANCEL", id: id) == 1 && Self.sent(fake, 0, "CANCEL", id: id) == 1)
        #expect(fake.activeTasks.isEmpty, "a failed import left to retry on the server")
        #expect(fake.slots(of: 0).first == 0 && fake.slots(of: 1).first == 50)
    }

    /// (d) `--cluster-retries 1`: a failed task is cancelled and started again once (a second
    /// IMPORT), which completes.
    @Test func retriesStartAFailedTaskAgain() throws {
        let good = try FakeRedis84Cluster(
            slots: Self.threeMasters,
            scripts: [.fail(after: 1, error: "RDB channel - Connection is closed"), .complete(after: 2)])
        let result = try rcli(
            Self.reshard(good, from: [0], to: 1, slots: 100, ["--cluster-retries", "1"]), environment: Self.plain)
        #expect(result.status == 0, "\(result.out)\(result.err)")
        #expect(result.out.contains("RDB channel - Connection is closed; starting it again (1 of 1 retries)"))
        #expect(Self.imports(good)[1] == Array(repeating: Self.importWords + ["0", "49", "100", "149"], count: 2))
        #expect(Set(good.slots(of: 1)).isSuperset(of: Array(0...149)))
        #expect(good.activeTasks.isEmpty)

        // Without retries left the second failure is the end: two IMPORTs, exit 1.
        let bad = try FakeRedis84Cluster(
            slots: Self.threeMasters,
            scripts: [.fail(after: 1, error: "first failure"), .fail(after: 1, error: "second failure")])
        let twice = try rcli(
            Self.reshard(bad, from: [0], to: 1, slots: 100, ["--cluster-retries", "1"]), environment: Self.plain)
        #expect(twice.status == 1, "\(twice.out)\(twice.err)")
        #expect(Self.imports(bad)[1].count == 2)
        #expect(twice.out.contains("second failure"))
        #expect(bad.activeTasks.isEmpty)
    }

    /// (e) A task that makes no progress for the stall time (`--cluster-timeout`, at least 1 s)
    /// is cancelled on the target and on the source, and reported failed.
    @Test func aHangingTaskIsCancelledOnBothEnds() throws {
        let fake = try FakeRedis84Cluster(slots: Self.threeMasters, scripts: [.hang])
        let result = try rcli(
            Self.reshard(fake, from: [0], to: 1, slots: 100, ["--cluster-timeout", "2000"]), environment: Self.plain,
            timeout: 40)
        #expect(result.status == 1, "\(result.out)\(result.err)")
        let id = try #require(fake.commands(1, startingWith: ["CLUSTER", "MIGRATION", "STATUS", "ID"]).first?.last)
        #expect(Self.sent(fake, 1, "CANCEL", id: id) >= 1, "cancelled on the target")
        #expect(Self.sent(fake, 0, "CANCEL", id: id) >= 1, "cancelled on the source")
        #expect(result.out.contains("*** No progress for 2 s on 0-49 100-149"))
        #expect(result.out.contains("Not moved (failed): 100 slots"))
        #expect(result.out.contains("Not moved: 100 slots (0-49 100-149)"))
        #expect(fake.activeTasks.isEmpty)
        #expect(fake.slots(of: 0).first == 0)
    }

    /// (f) Ctrl-C while a task hangs: CANCEL ID on both ends, exit 130, and the output says what
    /// moved (the first pair, finished before) and what did not.
    @Test func ctrlCCancelsOnBothEndsAndSaysWhatMoved() throws {
        let fake = try FakeRedis84Cluster(slots: Self.threeMasters, scripts: [.complete(after: 1), .hang])
        let result = try Self.interrupted(
            Self.reshard(fake, from: [0, 2], to: 1, slots: 200),
            when: {
                // The second pair's import has been asked about twice: it runs and hangs.
                Self.imports(fake)[1].count == 2
                    && fake.commands(1, startingWith: ["CLUSTER", "MIGRATION", "STATUS"]).count >= 4
            })
        #expect(result.status == 130, "\(result.out)\(result.err)")
        let ids = Array(
            Set(fake.commands(1, startingWith: ["CLUSTER", "MIGRATION", "STATUS", "ID"]).compactMap(\.last)))
        #expect(ids.count == 2)
        let hung = try #require(ids.first { Self.sent(fake, 1, "CANCEL", id: $0) > 0 })
        #expect(Self.sent(fake, 0, "CANCEL", id: hung) >= 1, "cancelled on its source too")
        #expect(ids.allSatisfy { $0 == hung || Self.sent(fake, 1, "CANCEL", id: $0) == 0 }, "the finished one is left")
        #expect(result.out.contains("*** Ctrl-C: cancelling 1 running job(s)"))
        #expect(result.out.contains("Not moved (cancelled): 99 slots 0-49 100-148 from \(fake.nodes[0].address)"))
        #expect(result.out.contains("*** Interrupted: every job started has ended; no slot is left open."))
        #expect(
            result.out.contains(
                "Moved: 101 slots (10923-11023). Not moved: 99 slots (0-49 100-148), still served by their source"))
        #expect(fake.activeTasks.isEmpty)
        #expect(Set(fake.slots(of: 1)).isSuperset(of: Array(10923...11023)) && fake.slots(of: 0).first == 0)
    }

    /// (g) `--cluster-no-atomic-slot-migration`: no IMPORT (nor INFO server), the key-by-key
    /// path instead (SETSLOT IMPORTING/MIGRATING, GETKEYSINSLOT, SETSLOT NODE), exit 0.
    @Test func noAtomicFlagKeepsKeyByKey() throws {
        let fake = try FakeRedis84Cluster(slots: Self.threeMasters)
        let result = try rcli(
            Self.reshard(fake, from: [0], to: 1, slots: 10, ["--cluster-no-atomic-slot-migration"]),
            environment: Self.plain)
        #expect(result.status == 0, "\(result.out)\(result.err)")
        #expect(!result.out.contains("atomic slot migration"))
        // (check asks every master for CLUSTER MIGRATION STATUS ALL: no task is started or cancelled.)
        #expect(
            fake.nodes.indices.allSatisfy { node in
                ["IMPORT", "CANCEL"].allSatisfy {
                    fake.commands(node, startingWith: ["CLUSTER", "MIGRATION", $0]).isEmpty
                }
            })
        #expect(fake.commands(1, startingWith: ["CLUSTER", "SETSLOT", "0", "IMPORTING"]).count == 1)
        #expect(fake.commands(0, startingWith: ["CLUSTER", "SETSLOT", "0", "MIGRATING"]).count == 1)
        #expect(fake.commands(0, startingWith: ["CLUSTER", "GETKEYSINSLOT", "0"]).count >= 1)
        #expect(Set(fake.slots(of: 1)).isSuperset(of: Array(0...9)))
    }

    /// (h) `--cluster-use-atomic-slot-migration` with a Redis 8.2.3 node in the plan: refused
    /// with that node named, exit 1, nothing sent to move anything.
    @Test func insistingRefusesAnOlderNodeByName() throws {
        let fake = try FakeRedis84Cluster(slots: Self.threeMasters, versions: ["8.4.0", "8.2.3", "8.4.0"])
        let result = try rcli(
            Self.reshard(fake, from: [0], to: 1, slots: 10, ["--cluster-use-atomic-slot-migration"]),
            environment: Self.plain)
        #expect(result.status == 1, "\(result.out)\(result.err)")
        #expect(
            result.out.contains(
                "--cluster-use-atomic-slot-migration: \(fake.nodes[1].address) (Redis 8.2.3) cannot move slots "
                    + "atomically"))
        #expect(result.out.contains("nothing was moved"))
        // (check asks every master for CLUSTER MIGRATION STATUS ALL: no task is started or cancelled.)
        #expect(
            fake.nodes.indices.allSatisfy { node in
                ["IMPORT", "CANCEL"].allSatisfy {
                    fake.commands(node, startingWith: ["CLUSTER", "MIGRATION", $0]).isEmpty
                }
            })
        #expect(Self.keyByKey(fake).isEmpty)
        #expect(fake.slots(of: 0).first == 0)
    }

    /// Without the flag, the same cluster moves key by key without a word about atomic moves.
    @Test func anOlderNodeInThePlanMeansKeyByKey() throws {
        let fake = try FakeRedis84Cluster(slots: Self.threeMasters, versions: ["8.4.0", "8.2.3", "8.4.0"])
        let result = try rcli(Self.reshard(fake, from: [0], to: 1, slots: 10), environment: Self.plain)
        #expect(result.status == 0, "\(result.out)\(result.err)")
        // (check asks every master for CLUSTER MIGRATION STATUS ALL: no task is started or cancelled.)
        #expect(
            fake.nodes.indices.allSatisfy { node in
                ["IMPORT", "CANCEL"].allSatisfy {
                    fake.commands(node, startingWith: ["CLUSTER", "MIGRATION", $0]).isEmpty
                }
            })
        #expect(!Self.keyByKey(fake).isEmpty)
    }

    /// Runs rcli with `arguments`, sends it SIGINT once `ready` holds, and returns what it left.
    static func interrupted(_ arguments: [String], when ready: () -> Bool) throws -> RunResult {
        let dir = try scratchDirectory("asm-redis-sigint")
        defer { try? FileManager.default.removeItem(at: dir) }
        let outURL = dir.appendingPathComponent("out")
        let errURL = dir.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = testProcess(
            TestEnvironment.rcli, arguments, environment: plain.merging(["HOME": dir.path]) { $1 })
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        #expect(waitUntil(30) { ready() || !process.isRunning }, "the moment to press Ctrl-C never came")
        kill(process.processIdentifier, SIGINT)
        #expect(waitUntil(20) { !process.isRunning }, "rcli did not end after Ctrl-C")
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return RunResult(
            stdout: Array(try Data(contentsOf: outURL)), stderr: Array(try Data(contentsOf: errURL)),
            status: process.terminationStatus)
    }
}
