import Foundation
import Glibc
import Testing

/// A redis-server of the test's own (for modes that replicate from it or lose it).
final class OwnServer {
    let dir: URL
    let port: String
    private static let fixture = TestEnvironment.packageRoot.appendingPathComponent("scripts/redis-fixture").path

    private let owned: Bool

    /// `owned`: the directory is removed at the end.
    init(_ extra: [String] = [], dir: URL? = nil, owned: Bool = true) throws {
        self.owned = owned
        self.dir =
            dir
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("rcli-own-\(UUID().uuidString.prefix(8))")
        // posix_spawn, not Process: the daemon must not inherit the runner's descriptors.
        let started = spawnAndWait(Self.fixture, ["start", self.dir.path] + extra)
        guard started.status == 0 else { throw TestEnvironment.FixtureMissing() }
        port = started.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func stop() {
        _ = spawnAndWait(Self.fixture, ["stop", dir.path])
    }

    /// Starts redis-server again on the same port.
    func restart() -> Bool {
        spawnAndWait(
            TestEnvironment.serverBinary,
            [
                "--port", port, "--bind", "127.0.0.1", "--daemonize", "yes",
                "--dir", dir.path, "--pidfile", dir.appendingPathComponent("redis.pid").path,
                "--logfile", dir.appendingPathComponent("redis.log").path,
                "--save", "", "--appendonly", "no",
            ]
        ).status == 0
    }

    func cli(_ args: [String]) throws -> RunResult {
        try redisCli(["-p", port] + args)
    }

    deinit {
        stop()
        if owned { try? FileManager.default.removeItem(at: dir) }
    }
}
