import Foundation
import Glibc
import Testing

/// What a finished process left behind.
struct RunResult: Sendable {
    var stdout: [UInt8]
    var stderr: [UInt8]
    var status: Int32
    var out: String { String(decoding: stdout, as: UTF8.self) }
    var err: String { String(decoding: stderr, as: UTF8.self) }
}

enum TestEnvironment {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var rcli: String {
        ProcessInfo.processInfo.environment["RCLI_BIN"] ?? packageRoot.appendingPathComponent(".build/debug/rcli").path
    }

    static let redisCli = "/usr/bin/redis-cli"

    /// The server the fixtures run (scripts/with-servers: redis-7.0, redis-8.2, valkey-8.1, valkey-9.1).
    static var server: String { ProcessInfo.processInfo.environment["RCLI_TEST_SERVER"] ?? "redis-7.0" }

    /// Its binary, for tests that start a node again.
    static var serverBinary: String {
        ProcessInfo.processInfo.environment["RCLI_SERVER_BIN"] ?? "/usr/bin/redis-server"
    }

    /// The CLI shipped with the server, compared with side by side where it differs from Debian's
    /// redis-cli 7.0 (valkey-cli 8.1.8 on Valkey, redis-cli 7.4.1 on redis-7.4); nil when it is
    /// Debian's redis-cli itself.
    static var peerCli: String? {
        guard let cli = ProcessInfo.processInfo.environment["RCLI_TEST_PEER_CLI"], !cli.isEmpty,
            URL(fileURLWithPath: cli).resolvingSymlinksInPath().path
                != URL(fileURLWithPath: redisCli).resolvingSymlinksInPath().path
        else { return nil }
        return cli
    }

    /// valkey-cli 8.1.8 from the fetched servers (every column has it: `make test` fetches them).
    static var valkeyCli: String {
        let dir =
            ProcessInfo.processInfo.environment["RCLI_SERVERS_DIR"]
            ?? packageRoot.appendingPathComponent(".build-servers").path
        return dir + "/valkey-8.1/valkey-cli"
    }

    /// redis-cli 7.4.1 (scripts/servers' redis-7.4 wrapper) when the suite runs on redis-7.4: there
    /// the tests that compare with redis-cli compare with it instead of Debian's 7.0, and rcli follows
    /// 7.4 where the two differ.
    static var redisCli74: String? {
        guard let cli = peerCli, URL(fileURLWithPath: cli).lastPathComponent == "redis-cli" else { return nil }
        return cli
    }

    /// The redis-cli the tests compare with: 7.4.1 on the redis-7.4 column, else Debian's 7.0.15.
    static var referenceCli: String { redisCli74 ?? redisCli }

    /// True on Valkey 9 and later (numbered databases in cluster mode, atomic slot migration).
    static var isValkey9: Bool { server.hasPrefix("valkey-") && !server.hasPrefix("valkey-8") }

    /// The fixture server's port (scripts/with-servers); a missing server fails the test.
    static func port(_ name: String = "RCLI_TEST_PORT") throws -> String {
        guard let p = ProcessInfo.processInfo.environment[name], !p.isEmpty else {
            Issue.record("\(name) is not set: run the suite with `make test` (scripts/with-servers starts the servers)")
            throw FixtureMissing()
        }
        return p
    }

    struct FixtureMissing: Error {}
}

/// Polls `condition` every 20 ms until it holds or `seconds` pass; returns its last value.
@discardableResult
func waitUntil(_ seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        usleep(20_000)
    }
    return try condition()
}

/// A new empty directory under the temporary directory, named after `name`; the caller removes it.
func scratchDirectory(_ name: String) throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
        "rcli-\(name)-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

/// A process for `executable` that does not inherit the caller's FAKETTY or REDISCLI_AUTH, with
/// `environment` added; not started.
func testProcess(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) -> Process {
    // A test may write to the child's stdin after the child has gone: that must be an error
    // for the write, not SIGPIPE for the whole test runner.
    signal(SIGPIPE, SIG_IGN)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env.removeValue(forKey: "FAKETTY")
    env.removeValue(forKey: "REDISCLI_AUTH")
    for (k, v) in environment { env[k] = v }
    process.environment = env
    return process
}

/// Runs `executable` with `arguments`, `stdin` (empty input when nil) and extra environment;
/// a run longer than `timeout` seconds is killed and recorded as a hang.
func run(
    _ executable: String, _ arguments: [String], stdin: [UInt8]? = nil, environment: [String: String] = [:],
    timeout: Double = 30
) throws -> RunResult {
    let dir = try scratchDirectory("e2e")
    defer { try? FileManager.default.removeItem(at: dir) }
    let inURL = dir.appendingPathComponent("in")
    let outURL = dir.appendingPathComponent("out")
    let errURL = dir.appendingPathComponent("err")
    try Data(stdin ?? []).write(to: inURL)
    FileManager.default.createFile(atPath: outURL.path, contents: nil)
    FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let process = testProcess(executable, arguments, environment: ["HOME": dir.path].merging(environment) { $1 })
    process.standardInput = try FileHandle(forReadingFrom: inURL)
    process.standardOutput = try FileHandle(forWritingTo: outURL)
    process.standardError = try FileHandle(forWritingTo: errURL)
    try process.run()
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { usleep(5_000) }
    if process.isRunning {
        // SIGKILL: the runner may hand its children SIGTERM blocked.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        Issue.record("\(executable) \(arguments) did not finish within \(timeout)s")
    }
    process.waitUntilExit()
    return RunResult(
        stdout: Array(try Data(contentsOf: outURL)), stderr: Array(try Data(contentsOf: errURL)),
        status: process.terminationStatus)
}

/// Runs rcli.
func rcli(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:], timeout: Double = 30) throws
    -> RunResult
{
    try run(
        TestEnvironment.rcli, arguments, stdin: stdin.map { Array($0.utf8) }, environment: environment, timeout: timeout
    )
}

/// Runs redis-cli.
func redisCli(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) throws -> RunResult {
    try run(TestEnvironment.redisCli, arguments, stdin: stdin.map { Array($0.utf8) }, environment: environment)
}

/// Runs the redis-cli the tests compare with (TestEnvironment.referenceCli: 7.4.1 on redis-7.4).
func referenceCli(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) throws
    -> RunResult
{
    try run(TestEnvironment.referenceCli, arguments, stdin: stdin.map { Array($0.utf8) }, environment: environment)
}

/// Runs rcli and redis-cli (TestEnvironment.referenceCli: 7.4.1 on the redis-7.4 column, else
/// 7.0.15) with the same arguments against the fixture server and expects identical stdout, stderr
/// and exit status (and, on Valkey, the same stdout and status as valkey-cli unless `comparePeer`
/// is false). `reset` runs before each of the two runs, for commands that change data.
func expectSameAsRedisCli(
    _ arguments: [String], stdin: String? = nil, environment: [String: String] = [:],
    compareStderr: Bool = true, comparePeer: Bool = true, reset: (() throws -> Void)? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let port = try TestEnvironment.port()
    try reset?()
    let ours = try rcli(["-p", port] + arguments, stdin: stdin, environment: environment)
    try reset?()
    let theirs = try referenceCli(["-p", port] + arguments, stdin: stdin, environment: environment)
    #expect(ours.out == theirs.out, "stdout differs for \(arguments)", sourceLocation: sourceLocation)
    if ours.out == theirs.out {
        #expect(ours.stdout == theirs.stdout, "stdout bytes differ for \(arguments)", sourceLocation: sourceLocation)
    }
    if compareStderr {
        #expect(ours.err == theirs.err, "stderr differs for \(arguments)", sourceLocation: sourceLocation)
    }
    #expect(ours.status == theirs.status, "exit status differs for \(arguments)", sourceLocation: sourceLocation)
    // On Valkey, valkey-cli too (stdout and status; its messages name itself and Valkey where
    // redis-cli's name redis-cli and Redis, and rcli keeps redis-cli's).
    if let peer = TestEnvironment.peerCli, peer != TestEnvironment.referenceCli, comparePeer {
        try reset?()
        let valkey = try run(
            peer, ["-p", port] + arguments, stdin: stdin.map { Array($0.utf8) }, environment: environment)
        let peerOut = valkey.out.replacing("valkey-cli", with: "redis-cli").replacing(
            "Could not connect to Valkey", with: "Could not connect to Redis")
        #expect(ours.out == peerOut, "stdout differs from valkey-cli for \(arguments)", sourceLocation: sourceLocation)
        #expect(
            ours.status == valkey.status, "exit status differs from valkey-cli for \(arguments)",
            sourceLocation: sourceLocation)
    }
}

/// Sets up data with redis-cli (never with rcli, so a bug cannot hide itself).
func seed(_ commands: [[String]]) throws {
    let port = try TestEnvironment.port()
    for c in commands {
        let r = try redisCli(["-p", port] + c)
        #expect(r.status == 0, "seeding \(c) failed: \(r.err)")
    }
}

/// A key prefix unique to one test.
func uniquePrefix(_ name: String = #function) -> String {
    "rcli-test:\(name.prefix(while: { $0 != "(" })):\(UUID().uuidString.prefix(8)):"
}

/// A scan mode run with `-i 30 --count 10` on `server`: once the server has counted 100 SCANs (the
/// `-i` sleep has begun), Ctrl-C it; it must exit 0 within 5 s (killed otherwise).
func interruptDuringTheScanSleep(_ process: Process, on server: OwnServer) throws {
    #expect(try waitUntil(10) { try server.cli(["info", "commandstats"]).out.contains("cmdstat_scan:calls=100,") })
    usleep(200_000)
    kill(process.processIdentifier, SIGINT)
    #expect(waitUntil(5) { !process.isRunning })
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
}
