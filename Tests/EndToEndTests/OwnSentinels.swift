import Foundation
import Glibc

/// A throwaway Sentinel setup of a test's own (`scripts/redis-sentinel`): a master, its replica
/// and three sentinels watching it as `mymaster` (quorum 2, down after 1 s, failover timeout 3 s).
final class OwnSentinels {
    let dir: URL
    let master: Int
    let replica: Int
    let sentinels: [Int]
    private static let script = TestEnvironment.packageRoot.appendingPathComponent("scripts/redis-sentinel").path

    /// `dataPassword`: the master and replica require it; `sentinelPassword`: the sentinels do;
    /// `tlsDirectory` (certificates of scripts/tls-fixture): everything listens with TLS only.
    init(dataPassword: String? = nil, sentinelPassword: String? = nil, tlsDirectory: String? = nil) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "rcli-own-sentinel-\(UUID().uuidString.prefix(8))")
        let extra = [dataPassword ?? "", sentinelPassword ?? "", tlsDirectory ?? ""]
        let started = spawnAndWait(Self.script, ["start", dir.path] + extra)
        guard started.status == 0 else {
            let log = try? String(contentsOf: dir.appendingPathComponent("fixture.log"), encoding: .utf8)
            print("scripts/redis-sentinel start failed: \(log ?? "(no log)")")
            throw TestEnvironment.FixtureMissing()
        }
        let words = started.stdout.split(whereSeparator: \.isWhitespace)
        guard words.count == 3, let m = Int(words[0]), let r = Int(words[1]) else {
            throw TestEnvironment.FixtureMissing()
        }
        master = m
        replica = r
        sentinels = words[2].split(separator: ",").compactMap { Int($0) }
        guard sentinels.count == 3 else { throw TestEnvironment.FixtureMissing() }
    }

    deinit {
        _ = spawnAndWait(Self.script, ["stop", dir.path])
        try? FileManager.default.removeItem(at: dir)
    }

    /// One more sentinel, alone, that watches `port` as `name`; its port.
    func lone(_ name: String, watching port: Int) throws -> Int {
        let started = spawnAndWait(Self.script, ["lone", dir.path, name, "\(port)"])
        guard started.status == 0, let p = Int(started.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw TestEnvironment.FixtureMissing()
        }
        return p
    }

    /// `--sentinel mymaster` with the first sentinel as -p and the others as --sentinel-addr.
    var arguments: [String] {
        ["--sentinel", "mymaster", "-p", "\(sentinels[0])"]
            + sentinels.dropFirst().flatMap { ["--sentinel-addr", "127.0.0.1:\($0)"] }
    }

    /// Where the sentinels say the master is now (the first sentinel's answer).
    func currentMaster() throws -> Int? {
        let r = try redisCli(["-p", "\(sentinels[0])", "sentinel", "get-master-addr-by-name", "mymaster"])
        return r.out.split(separator: "\n").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// Kills the first master (or `replica`) with SIGKILL (no goodbye: its connections are reset).
    func killMaster(replica: Bool = false) throws {
        let file = dir.appendingPathComponent(replica ? "replica/redis.pid" : "master/redis.pid")
        let text = try String(contentsOf: file, encoding: .utf8)
        guard let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw TestEnvironment.FixtureMissing()
        }
        kill(pid, SIGKILL)
    }

    /// Sends `signal` to sentinel `index` (SIGSTOP: it still accepts connections, answers nothing).
    func signalSentinel(_ index: Int, _ signal: Int32) throws {
        let file = dir.appendingPathComponent("sentinel\(index + 1)/redis.pid")
        let text = try String(contentsOf: file, encoding: .utf8)
        guard let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw TestEnvironment.FixtureMissing()
        }
        kill(pid, signal)
    }

    /// redis-cli against a data server.
    func cli(_ port: Int, _ args: [String]) throws -> RunResult {
        try redisCli(["-p", "\(port)"] + args)
    }
}
