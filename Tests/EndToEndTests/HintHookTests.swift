import Foundation
import Testing

/// redis-cli 7.2's hidden hint test hooks, `--test_hint` and `--test_hint_file`, end to end:
/// with the fixture server's COMMAND DOCS and with no server (the committed table).
struct HintHookTests {
    static let suite = TestEnvironment.packageRoot.appendingPathComponent("Tests/Fixtures/test_cli_hint_suite.txt").path

    @Test func testHintPrintsTheRawHintFromTheServer() throws {
        let port = try TestEnvironment.port()
        let r = try rcli(["-p", port, "--test_hint", "SET k v EX 10 "])
        #expect(r.status == 0)
        #expect(r.out == "[NX|XX] [GET] \n")
        let zadd = try rcli(["-p", port, "--test_hint", "ZADD k NX "])
        #expect(zadd.out == "[GT|LT] [CH] [INCR] score member [score member ...]\n")
    }

    @Test func testHintWorksWithoutAServer() throws {
        let r = try rcli(["-p", "1", "--test_hint", "hello 3 auth "])
        #expect(r.status == 0)
        #expect(r.out == "username password [SETNAME clientname]\n")
        #expect(r.err.isEmpty)
        let unknown = try rcli(["-p", "1", "--test_hint", "nosuchcommand "])
        #expect(unknown.status == 0 && unknown.out == "\n")
    }

    @Test func redisHintSuiteAgainstTheServerAndWithout() throws {
        let port = try TestEnvironment.port()
        let r = try rcli(["-p", port, "--test_hint_file", Self.suite])
        // The three BITFIELD_RO cases expect redis 7.2's docs (its GET block became required).
        #expect(r.out == "FAILURE: 63/66 passed\n")
        #expect(r.status == 3)
        #expect(r.err.components(separatedBy: "\n").filter { $0.contains("FAILED") }.count == 3)
        #expect(r.err.contains("Test case 'BITFIELD_RO k ' FAILED: expected 'GET encoding offset"))
        // The committed table is Redis 8.2's docs, which changed BITFIELD_RO, GEORADIUS and MIGRATE
        // after 7.2 (ArgumentHinterTests.docsChangedAfter72 checks each case's 8.x form).
        let offline = try rcli(["-p", "1", "--test_hint_file", Self.suite])
        #expect(offline.out == "FAILURE: 55/66 passed\n")
        #expect(offline.status == 11)
        let failed = offline.err.components(separatedBy: "\n").filter { $0.contains("FAILED") }
        #expect(failed.count == 11)
        for line in failed {
            #expect(
                ["BITFIELD_RO k ", "GEORADIUS key ", "MIGRATE "].contains { line.hasPrefix("Test case '\($0)") },
                "\(line)")
        }
    }

    @Test func verboseAndSuccess() throws {
        let dir = try scratchDirectory("hints")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("ok.txt")
        try "# comment\n\n\"GET \" \"key\"\n\"SET key value EX \" \"seconds [NX|XX] [GET]\"\n".write(
            to: file, atomically: true, encoding: .utf8)
        let r = try rcli(["-p", "1", "--verbose", "--test_hint_file", file.path])
        #expect(r.status == 0)
        #expect(
            r.out == "Input: 'GET ', Expected: 'key', Hint: 'key'\n"
                + "Input: 'SET key value EX ', Expected: 'seconds [NX|XX] [GET]', Hint: 'seconds [NX|XX] [GET] '\n"
                + "SUCCESS: 2/2 passed\n")
    }

    @Test func badInputIsOneLineAndANonZeroExit() throws {
        let missing = try rcli(["-p", "1", "--test_hint_file", "/nonexistent/hints.txt"])
        #expect(missing.status == 255)
        #expect(missing.err == "Can't open file '/nonexistent/hints.txt': No such file or directory\n")
        let dir = try scratchDirectory("hints")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("bad.txt")
        try "\"GET \" \"key\"\n\"SET k \"\n".write(to: file, atomically: true, encoding: .utf8)
        let bad = try rcli(["-p", "1", "--test_hint_file", file.path])
        #expect(bad.status == 255)
        #expect(bad.err == "Missing expected hint for input 'SET k '\n")
        // Lines redis-cli's splitter rejects are skipped silently, as by redis-cli (hint suites rely
        // on it); --verbose names them on stderr.
        try "\"GET \" \"key\n\"a\" \"b\"\" \"\"\n\"GET \" \"key\"\n".write(to: file, atomically: true, encoding: .utf8)
        let quotes = try rcli(["-p", "1", "--test_hint_file", file.path])
        #expect(quotes.status == 0 && quotes.err == "")
        #expect(quotes.out == "SUCCESS: 1/1 passed\n")
        let told = try rcli(["-p", "1", "--verbose", "--test_hint_file", file.path])
        #expect(told.status == 0)
        #expect(told.err.hasPrefix("Skipping line 1 (its quoting does not split): \"GET \" \"key\nSkipping line 2"))
        // valkey-cli 8.1.8 (every column has it) reads the file as redis-cli 7.2+ does.
        for args in [["--test_hint_file", file.path], ["--verbose", "--test_hint_file", file.path]] {
            let theirs = try run(TestEnvironment.valkeyCli, ["-p", "1"] + args)
            let ours = try rcli(["-p", "1"] + args)
            #expect(ours.out == theirs.out && ours.status == theirs.status, "\(args)")
        }
        // A missing value: the same line as redis-cli (7.0 does not know the option; 7.2 lacks the value).
        let ours = try rcli(["--test_hint"])
        let theirs = try redisCli(["--test_hint"])
        #expect(ours.err == "Unrecognized option or bad number of args for: '--test_hint'\n")
        #expect(ours.err == theirs.err && ours.status == theirs.status)
    }

    /// A server before 7.0 (no COMMAND DOCS): the committed table without what its version lacks,
    /// as redis-cli 7.4 does. The fake answers COMMAND DOCS with an error and INFO with 6.0.9.
    @Test func aServerBefore7GetsHintsForItsVersion() throws {
        func fake(_ version: String) throws -> FakeServer {
            let info = "# Server\r\nredis_version:\(version)\r\nredis_mode:standalone\r\n"
            return try FakeServer(
                reply: Array("-ERR unknown subcommand 'DOCS'\r\n$\(info.utf8.count)\r\n\(info)\r\n".utf8), holdOpen: 2)
        }
        // Each fake answers one connection; it must outlive the run (its listener closes with it).
        func hint(_ line: String, version: String) throws -> RunResult {
            let server = try fake(version)
            return try withExtendedLifetime(server) { try rcli(["-p", "\(server.port)", "--test_hint", line]) }
        }
        let old = try hint("set k v ", version: "6.0.9")
        #expect(old.status == 0)
        // GET, EXAT and PXAT came in 6.2; KEEPTTL in 6.0.
        #expect(old.out == "[NX|XX] [EX seconds|PX milliseconds|KEEPTTL]\n")
        #expect(try hint("set k v ", version: "5.0.14").out == "[NX|XX] [EX seconds|PX milliseconds]\n")
        #expect(
            try hint("set k v ", version: "6.2.14").out.hasPrefix(
                "[NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|"))
        // A command the server does not have gets no hint (GETDEL came in 6.2).
        #expect(try hint("getdel ", version: "6.0.9").out == "\n")
        #expect(try hint("getdel ", version: "6.2.0").out == "key\n")
    }

    /// A server that refuses COMMAND DOCS gets the committed table as its kind and version have it:
    /// Valkey (by `valkey_version`, not the 7.2.4 it reports as `redis_version`) gets no Redis-only
    /// commands and Redis no Valkey-only ones.
    @Test func aServerThatRefusesDocsGetsHintsForItsKind() throws {
        func hint(_ line: String, info: String) throws -> String {
            let body = "# Server\r\n\(info)\r\n"
            let server = try FakeServer(
                reply: Array("-ERR unknown subcommand 'DOCS'\r\n$\(body.utf8.count)\r\n\(body)\r\n".utf8), holdOpen: 2)
            return try withExtendedLifetime(server) { try rcli(["-p", "\(server.port)", "--test_hint", line]).out }
        }
        let valkey81 = "redis_version:7.2.4\r\nserver_name:valkey\r\nvalkey_version:8.1.0"
        let valkey90 = "redis_version:7.2.4\r\nserver_name:valkey\r\nvalkey_version:9.0.0"
        let redis82 = "redis_version:8.2.3"
        #expect(try hint("delifeq ", info: valkey81) == "\n", "DELIFEQ came in Valkey 9.0")
        #expect(try hint("delifeq ", info: valkey90) == "key value\n")
        #expect(try hint("delifeq ", info: redis82) == "\n", "Valkey-only")
        #expect(try hint("xdelex ", info: valkey90) == "\n", "Redis-only")
        #expect(try hint("xdelex ", info: redis82).hasPrefix("key "))
        #expect(try hint("set k v ", info: valkey81).hasPrefix("[NX|XX|IFEQ comparison-value] [GET] "))
        #expect(try hint("set k v ", info: redis82).hasPrefix("[NX|XX] [GET] "))
        #expect(try hint("hsetex ", info: redis82).hasPrefix("key [FNX|FXX] "))
        #expect(try hint("hsetex ", info: "redis_version:7.4.2") == "\n", "HSETEX came in Redis 8.0")
    }

    @Test func hooksAreHiddenFromHelp() throws {
        let help = try rcli(["--help"])
        #expect(!help.out.contains("test_hint"))
    }
}
