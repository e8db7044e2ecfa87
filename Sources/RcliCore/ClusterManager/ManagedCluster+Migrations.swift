import RESP
import RedisNet

/// Atomic slot migration jobs as the masters report them, for check, info and fix: the jobs
/// still running, and the failures of the last hour that nothing has made good since.
extension ManagedCluster {
    /// A job worth telling, with what `check` says about it.
    struct MigrationNotice: Equatable {
        let job: SlotMigrationJob
        /// `[WARNING] ...` text (without the brackets' colour).
        let line: String
    }

    /// Every job any master reports (Valkey `CLUSTER GETSLOTMIGRATIONS`, Redis `CLUSTER MIGRATION
    /// STATUS ALL`; both asked of every master in one round, a server without them refuses),
    /// once per job: the source's word where it answered, else the target's.
    func migrationJobs() -> [SlotMigrationJob] {
        if let read = migrationJobsRead { return read }
        let asked = [["CLUSTER", "GETSLOTMIGRATIONS"], ["CLUSTER", "MIGRATION", "STATUS", "ALL"]].map {
            $0.map { Array($0.utf8) }
        }
        let replies = pipelineMany(masters.map { ($0, asked) }, seconds: 10)
        var jobs: [SlotMigrationJob] = []
        var index: [String: Int] = [:]
        for reply in replies {
            var listed: [SlotMigrationJob] = []
            for (i, dialect) in [AtomicDialect.valkey, .redis].enumerated() where i < reply.count {
                for var job in SlotMigrationJob.list(reply[i]) ?? [] {
                    job.dialect = dialect
                    listed.append(job)
                }
            }
            for job in listed {
                if let i = index[job.id] {
                    if job.isExport && !jobs[i].isExport { jobs[i] = job }
                } else {
                    index[job.id] = jobs.count
                    jobs.append(job)
                }
            }
        }
        migrationJobsRead = jobs
        return jobs
    }

    /// What check and info warn about: every running job, and each failed or cancelled job of
    /// the last `recent` seconds unless later jobs have moved all of its slots since. `name` gives a node's address.
    static func migrationNotices(
        _ jobs: [SlotMigrationJob], now: Int, recent: Int = 3600, name: (String) -> String
    ) -> [MigrationNotice] {
        var notices: [MigrationNotice] = []
        for job in jobs {
            let what = "slots \(SlotMigrationJob.text(job.slots)) from \(name(job.source)) to \(name(job.target))"
            let age = job.updated.map { max(0, now - $0) }
            switch AtomicSlotMover.isActive(job, job.dialect) ? .running : job.outcome {
            case .running:
                let since = job.created.map { ", for \(Self.duration(max(0, now - $0)))" } ?? ""
                notices.append(
                    MigrationNotice(
                        job: job,
                        line: "[WARNING] Atomic slot migration in progress: \(what) (state \(job.state)\(since), "
                            + "job \(job.id))."))
            case .failed, .cancelled:
                guard let age, age <= recent else { continue }
                // Made good since: later successful jobs moved every one of its slots.
                let later = jobs.filter { $0.outcome == .succeeded && ($0.created ?? 0) >= (job.created ?? 0) }
                let madeGood = job.slots.allSatisfy { range in
                    range.allSatisfy { slot in later.contains { $0.slots.contains { $0.contains(slot) } } }
                }
                if madeGood { continue }
                let why = job.message.isEmpty ? "" : ": \(job.message)"
                notices.append(
                    MigrationNotice(
                        job: job,
                        line: "[WARNING] Atomic slot migration \(job.outcome == .failed ? "failed" : "cancelled") "
                            + "\(Self.duration(age)) ago: \(what) (job \(job.id))\(why)"))
            case .succeeded:
                continue
            }
        }
        return notices
    }

    /// `42 s`, `3 min`, `2 h`.
    static func duration(_ seconds: Int) -> String {
        seconds < 120 ? "\(seconds) s" : seconds < 7200 ? "\(seconds / 60) min" : "\(seconds / 3600) h"
    }

    /// The notices for this cluster now, each node named by its address.
    func migrationNotices() -> [MigrationNotice] {
        let jobs = migrationJobs()
        guard !jobs.isEmpty else { return [] }
        return Self.migrationNotices(jobs, now: wallClockSeconds(), name: nodeName)
    }

    /// A node as a job names it: its address when loaded, else the start of its id.
    func nodeName(_ id: String) -> String {
        node(id: id).map { ManagerAddress.text($0.address) } ?? String(id.prefix(8)) + "..."
    }
}
