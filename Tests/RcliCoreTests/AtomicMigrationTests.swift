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

    /// `CLUSTER MIGRATION STATUS ID <id>` as Redis 8.4 builds it (redis/redis src/cluster_asm.c,
    /// replyTaskStatus): an array holding the one task (empty for an unknown id), the task a map
    /// in RESP3 and a flat field/value array in RESP2, the numbers as integers, every range
    /// written `s-e` (a single slot `5-5`), times in ms and -1 until set.
    static func redisTask(
        id: String = "7003cd8d76840f0b4ee72ee7c7eb2a11aa79e225", slots: String = "0-49 100-149 5000-5000",
        operation: String = "import", state: String, error: String = "", resp3: Bool
    ) -> RESPValue {
        let fields: [(String, RESPValue)] = [
            ("id", bulk(id)), ("slots", bulk(slots)), ("source", bulk("a6f8")), ("dest", bulk("7c5a")),
            ("operation", bulk(operation)), ("state", bulk(state)), ("last_error", bulk(error)),
            ("retries", .integer(2)), ("create_time", .integer(1_790_405_105_443)),
            ("start_time", .integer(1_790_405_105_443)), ("end_time", .integer(-1)), ("write_pause_ms", .integer(0)),
        ]
        let items = fields.flatMap { [bulk($0.0), $0.1] }
        return resp3 ? .map(items) : .array(items)
    }

    @Test(arguments: [false, true]) func aRedisStatusReplyAsTheServerSendsIt(resp3: Bool) throws {
        let reply = RESPValue.array([
            Self.redisTask(state: "failed", error: "RDB channel - Connection is closed (state: x)", resp3: resp3)
        ])
        let job = try #require(SlotMigrationJob.list(reply)?.first)
        #expect(job.id == "7003cd8d76840f0b4ee72ee7c7eb2a11aa79e225")
        #expect(job.slots == [0...49, 100...149, 5000...5000] && job.slotCount == 101)
        #expect(job.source == "a6f8" && job.target == "7c5a" && !job.isExport)
        #expect(job.outcome == .failed && job.message == "RDB channel - Connection is closed (state: x)")
        #expect(job.created == 1_790_405_105 && job.updated == nil, "milliseconds read as seconds, -1 as none")
        let migrate = try #require(
            SlotMigrationJob.list(.array([Self.redisTask(operation: "migrate", state: "handoff", resp3: resp3)]))?.first
        )
        #expect(migrate.isExport && migrate.outcome == .running)
        // An unknown id: an empty array. CANCEL answers a count, not a list.
        #expect(SlotMigrationJob.list(.array([])) == [])
        #expect(SlotMigrationJob.list(.integer(1)) == nil)
    }

    /// asmTaskStateToString: `completed`, `failed`, `canceled` (one l) end a task; every other
    /// state is on the way (a failed import is also started again by the destination itself).
    @Test func redisStatesAsTheServerNamesThem() throws {
        for (state, outcome) in [
            ("completed", SlotMigrationJob.Outcome.succeeded), ("failed", .failed), ("canceled", .cancelled),
            ("none", .running), ("connecting", .running), ("auth-reply", .running), ("send-handshake", .running),
            ("syncslots-reply", .running), ("init-rdbchannel", .running), ("accumulate-buffer", .running),
            ("ready-to-stream", .running), ("streaming-buffer", .running), ("wait-stream-eof", .running),
            ("takeover", .running), ("wait-rdbchannel", .running), ("wait-bgsave-start", .running),
            ("send-bulk-and-stream", .running), ("send-stream", .running), ("handoff-prep", .running),
            ("handoff", .running), ("stream-eof", .running),
        ] {
            let job = try #require(SlotMigrationJob.list(.array([Self.redisTask(state: state, resp3: false)]))?.first)
            #expect(job.outcome == outcome, "\(state)")
        }
    }

    /// One Redis task from both ends: ended for good when the target has completed and the
    /// source has stopped, or the target is cancelled; a failure (which the target retries by
    /// itself) or a cancel on either end while the target runs is told but not final (rcli then
    /// cancels both ends); otherwise the target's state with the source's beside it.
    @Test func aRedisTaskFromBothEnds() throws {
        func side(_ state: String, _ operation: String, error: String = "") throws -> SlotMigrationJob {
            try #require(
                SlotMigrationJob.list(
                    .array([Self.redisTask(operation: operation, state: state, error: error, resp3: true)]))?.first)
        }
        let done = try side("completed", "import")
        let both = AtomicSlotMover.redisTask(onTarget: done, onSource: try side("completed", "migrate"))
        #expect(both?.job == done && both?.final == true)
        #expect(AtomicSlotMover.redisTask(onTarget: done, onSource: nil)?.final == true)
        let waiting = AtomicSlotMover.redisTask(onTarget: done, onSource: try side("stream-eof", "migrate"))
        #expect(waiting?.final == false && waiting?.job.outcome == .running)
        #expect(waiting?.job.state == "completed / source stream-eof")
        let sourceFailed = try side("failed", "migrate", error: "Write pause timeout")
        let seen = AtomicSlotMover.redisTask(onTarget: try side("wait-stream-eof", "import"), onSource: sourceFailed)
        #expect(seen?.final == false && seen?.job.outcome == .failed && seen?.job.message == "Write pause timeout")
        let targetFailed = try side("failed", "import", error: "Main channel - Connection timeout")
        let retrying = AtomicSlotMover.redisTask(onTarget: targetFailed, onSource: sourceFailed)
        #expect(retrying?.job == targetFailed && retrying?.final == false, "Redis retries a failed import")
        let sourceCancelled = AtomicSlotMover.redisTask(
            onTarget: try side("accumulate-buffer", "import"), onSource: try side("canceled", "migrate"))
        #expect(sourceCancelled?.job.outcome == .cancelled && sourceCancelled?.final == false)
        let targetCancelled = AtomicSlotMover.redisTask(onTarget: try side("canceled", "import"), onSource: nil)
        #expect(targetCancelled?.final == true)
        let running = AtomicSlotMover.redisTask(
            onTarget: try side("accumulate-buffer", "import"), onSource: try side("send-bulk-and-stream", "migrate"))
        #expect(running?.final == false && running?.job.state == "accumulate-buffer / source send-bulk-and-stream")
        #expect(AtomicSlotMover.redisTask(onTarget: nil, onSource: sourceFailed) == nil)
    }

    @Test func theCutOverIsNeverCancelled() {
        for state in ["failover-paused", "failover-granted", "handoff / source handoff-prep", "takeover"] {
            #expect(AtomicSlotMover.inCutOver(state), "\(state)")
        }
        for state in ["snapshotting", "replicating", "waiting-to-pause", "accumulate-buffer / source send-stream"] {
            #expect(!AtomicSlotMover.inCutOver(state), "\(state)")
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
            job("redone", [50...59], "failed", created: now - 200),
            job("again", [50...59], "success", created: now - 100),
        ]
        let notices = RcliCore.ManagedCluster.migrationNotices(jobs, now: now) { $0 == "s" ? "a:1" : "b:2" }
        // `retried` stays: a later job moved one of its ten slots only.
        #expect(notices.map(\.job.id) == ["run", "bad", "retried"])
        #expect(
            notices.first?.line
                == "[WARNING] Atomic slot migration in progress: slots 0-9 from a:1 to b:2 (state snapshotting, "
                + "for 30 s, job run).")
        #expect(
            notices[1].line
                == "[WARNING] Atomic slot migration failed 5 min ago: slots 30-39 from a:1 to b:2 (job bad): "
                + "Connection lost to target.")
    }
}
