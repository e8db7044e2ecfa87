import RESP
import Testing

@testable import RcliCore

/// Atomic slot migration without a server: which servers can, the job lists both servers give
/// (RESP2 flat arrays, RESP3 maps), and how a plan becomes one job per source→target pair.
struct AtomicMigrationTests {
    static func bulk(_ s: String) -> RESPValue { .bulkString(Array(s.utf8)) }

    static func entry(_ fields: [(String, String)], resp3: Bool) -> RESPValue {
        let items = fields.flatMap { [bulk($0.0), bulk($0.1)] }
        return resp3 ? .map(items) : .array(items)
    }

    @Test func theServersThatCanMoveSlotsThemselves() {
        let valkey9 = "# Server\r\nredis_version:7.2.4\r\nserver_name:valkey\r\nvalkey_version:9.1.2\r\n"
        let valkey8 = "# Server\r\nredis_version:7.2.4\r\nserver_name:valkey\r\nvalkey_version:8.1.8\r\n"
        #expect(AtomicDialect.of(infoServer: valkey9) == .valkey)
        #expect(AtomicDialect.of(infoServer: valkey8) == nil)
        #expect(AtomicDialect.of(infoServer: "redis_version:8.4.0\r\n") == .redis)
        #expect(AtomicDialect.of(infoServer: "redis_version:8.10.1\r\n") == .redis)
        #expect(AtomicDialect.of(infoServer: "redis_version:9.0.0\r\n") == .redis)
        #expect(AtomicDialect.of(infoServer: "redis_version:8.2.3\r\n") == nil)
        #expect(AtomicDialect.of(infoServer: "redis_version:7.0.15\r\n") == nil)
        #expect(AtomicDialect.of(infoServer: "") == nil)
        #expect(AtomicDialect.serverName(infoServer: valkey8) == "Valkey 8.1.8")
        #expect(AtomicDialect.serverName(infoServer: "redis_version:7.0.15\r\n") == "Redis 7.0.15")
    }

    @Test(arguments: [false, true]) func aValkeyJobListInEitherProtocol(resp3: Bool) throws {
        let reply = RESPValue.array([
            Self.entry(
                [
                    ("name", "d70f"), ("operation", "EXPORT"), ("slot_ranges", "0-99 200-210"),
                    ("target_node", "t1"), ("source_node", "s1"), ("create_time", "1796669220"),
                    ("last_update_time", "1796669221"), ("state", "snapshotting"), ("message", ""),
                ], resp3: resp3),
            Self.entry(
                [
                    ("name", "2ce3"), ("operation", "IMPORT"), ("slot_ranges", "7"), ("target_node", "t2"),
                    ("source_node", "s2"), ("state", "failed"), ("message", "Connection lost to source."),
                ], resp3: resp3),
        ])
        let jobs = try #require(SlotMigrationJob.list(reply))
        #expect(jobs.count == 2)
        #expect(jobs[0].id == "d70f" && jobs[0].isExport && jobs[0].outcome == .running)
        #expect(jobs[0].slots == [0...99, 200...210] && jobs[0].slotCount == 111)
        #expect(jobs[0].source == "s1" && jobs[0].target == "t1" && jobs[0].updated == 1_796_669_221)
        #expect(jobs[1].slots == [7...7] && !jobs[1].isExport && jobs[1].outcome == .failed)
        #expect(jobs[1].message == "Connection lost to source.")
        #expect(SlotMigrationJob.list(.error(Array("ERR unknown subcommand".utf8))) == nil)
    }

    @Test func aRedisTaskStatus() throws {
        let task = Self.entry(
            [
                ("id", "24cf"), ("slots", "0-1000 2000-3000"), ("source", "s"), ("dest", "d"),
                ("operation", "import"), ("state", "completed"), ("last_error", ""), ("retries", "0"),
            ], resp3: true)
        for reply in [RESPValue.array([task]), task] {
            let job = try #require(SlotMigrationJob.list(reply)?.first)
            #expect(job.id == "24cf" && job.target == "d" && job.source == "s")
            #expect(job.slots == [0...1000, 2000...3000] && job.outcome == .succeeded)
        }
        for (state, outcome) in [
            ("canceled", SlotMigrationJob.Outcome.cancelled), ("cancelled", .cancelled), ("failed", .failed),
            ("success", .succeeded), ("in_progress", .running), ("connecting", .running),
        ] {
            var job = try #require(SlotMigrationJob.list(.array([task]))?.first)
            job.state = state
            #expect(job.outcome == outcome, "\(state)")
        }
    }

    @Test func slotRangesReadAndWrittenAsValkeyDoes() {
        #expect(SlotMigrationJob.ranges("0-99 200-210") == [0...99, 200...210])
        #expect(SlotMigrationJob.ranges("5,9-10") == [5...5, 9...10])
        #expect(SlotMigrationJob.ranges("x 9-3 -1") == [])
        #expect(SlotMigrationJob.text([0...99, 5...5]) == "0-99 5")
    }

    @Test func whatCheckWarnsAbout() {
        func job(_ id: String, _ slots: [ClosedRange<Int>], _ state: String, created: Int, message: String = "")
            -> SlotMigrationJob
        {
            SlotMigrationJob(
                id: id, operation: "EXPORT", slots: slots, source: "s", target: "t", state: state, message: message,
                created: created, updated: created)
        }
        let now = 10_000
        let jobs = [
            job("run", [0...9], "snapshotting", created: now - 30),
            job("old", [20...29], "failed", created: now - 7200, message: "too old"),
            job("bad", [30...39], "failed", created: now - 300, message: "Connection lost to target."),
            job("retried", [40...49], "cancelled", created: now - 200),
            job("later", [45...45], "success", created: now - 100),
        ]
        let notices = RcliCore.ManagedCluster.migrationNotices(jobs, now: now) { $0 == "s" ? "a:1" : "b:2" }
        #expect(notices.map(\.job.id) == ["run", "bad"])
        #expect(
            notices.first?.line
                == "[WARNING] Atomic slot migration in progress: slots 0-9 from a:1 to b:2 (state snapshotting, "
                + "for 30 s, job run).")
        #expect(
            notices.last?.line
                == "[WARNING] Atomic slot migration failed 5 min ago: slots 30-39 from a:1 to b:2 (job bad): "
                + "Connection lost to target.")
    }
}
