import Foundation
import Testing

/// Where rcli deliberately differs from (improves on) redis-cli 7.0.
@Suite struct BehaviourTests {
    @Test func resp3BigNumberAndAttributesArePrinted() throws {
        let port = try TestEnvironment.port()
        let tty = try rcli(["-p", port, "-3", "debug", "protocol", "bignum"], environment: ["FAKETTY": "1"])
        #expect(tty.out == "(big number) 1234567999999999999999999999999999999\n")
        #expect(tty.status == 0)
        let raw = try rcli(["-p", port, "-3", "debug", "protocol", "bignum"])
        #expect(raw.out == "1234567999999999999999999999999999999\n")
        let attrib = try rcli(["-p", port, "-3", "debug", "protocol", "attrib"])
        #expect(attrib.out == "Some real reply following the attribute\n")
        #expect(attrib.status == 0)
    }

    @Test func exitOnErrorStopsAStdinScript() throws {
        let port = try TestEnvironment.port()
        let p = uniquePrefix()
        try seed([["rpush", p + "l", "x"]])
        let r = try rcli(["-p", port, "-e"], stdin: "set \(p)a 1\nincr \(p)l\nset \(p)b 2\n")
        #expect(r.status == 1)
        #expect(r.out == "OK\n")
        #expect(r.err == "WRONGTYPE Operation against a key holding the wrong kind of value\n")
        let b = try redisCli(["-p", port, "exists", p + "b"])
        #expect(b.out == "0\n", "the command after the failing one must not run")
    }

    @Test func slowRepliesShowTheirTimeInTheHumanFormat() throws {
        let port = try TestEnvironment.port()
        let r = try rcli(["-p", port, "--no-raw"], stdin: "debug sleep 0.6\nping\n")
        let lines = r.out.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines.first == "OK")
        #expect(lines.dropFirst().first?.hasPrefix("(0.6") == true && lines.dropFirst().first?.hasSuffix("s)") == true)
        #expect(lines.last == "PONG")
        // Raw output never shows it (as redis-cli).
        let raw = try rcli(["-p", port], stdin: "debug sleep 0.6\nping\n")
        #expect(raw.out == "OK\nPONG\n")
    }

    @Test func emptyUserInURIMeansTheDefaultUser() throws {
        let port = try TestEnvironment.port("RCLI_TEST_AUTH_PORT")
        let r = try rcli(["-u", "redis://:s3cret@127.0.0.1:\(port)", "--no-auth-warning", "ping"])
        #expect(r.out == "PONG\n")
        #expect(r.status == 0)
    }

    @Test func failedHandshakeIsAnError() throws {
        let auth = try TestEnvironment.port("RCLI_TEST_AUTH_PORT")
        let wrong = try rcli(["-p", auth, "-a", "nope", "--no-auth-warning", "ping"])
        #expect(wrong.status == 1)
        #expect(wrong.err == "AUTH failed: WRONGPASS invalid username-password pair or user is disabled.\n")
        #expect(wrong.stdout.isEmpty)
        let port = try TestEnvironment.port()
        let db = try rcli(["-p", port, "-n", "99", "ping"])
        #expect(db.status == 1)
        #expect(db.err == "SELECT 99 failed: ERR DB index is out of range\n")
        let script = try rcli(["-p", port, "-n", "99"], stdin: "ping\n")
        #expect(script.status == 1)
        #expect(script.stdout.isEmpty)
    }

    @Test func unreachableServerEndsAScriptAtOnce() throws {
        let r = try rcli(["-p", "1"], stdin: "ping\nping\n")
        #expect(r.status == 1)
        #expect(r.err == "Could not connect to Redis at 127.0.0.1:1: Connection refused\n")
    }

    @Test func badOptionsAreUsageErrors() throws {
        let cases: [([String], String)] = [
            (["--bogus"], "Unrecognized option or bad number of args for: '--bogus'\n"),
            (["-p"], "Unrecognized option or bad number of args for: '-p'\n"),
            (["-p", "abc", "ping"], "Invalid port for -p: 'abc' (expected 0-65535)\n"),
            (["-n", "x", "ping"], "Invalid value for -n: 'x' (expected an integer)\n"),
            (["-i", "-1", "ping"], "Invalid value for -i: '-1' (expected a non-negative number of seconds)\n"),
            (["-u", "redis://127.0.0.1:99999", "ping"], "Invalid port in URI: 'redis://127.0.0.1:99999'\n"),
            (["--ldb"], "Options --ldb and --ldb-sync-mode require --eval.\nTry rcli --help for more information.\n"),
            (
                ["--ldb-sync-mode", "ping"],
                "Options --ldb and --ldb-sync-mode require --eval.\nTry rcli --help for more information.\n"
            ),
            (
                ["--lru-test", "0"],
                "Invalid value for --lru-test: '0' (expected a number of keys from 1 to 9007199254740992)\n"
            ),
            (
                ["--lru-test", "many"],
                "Invalid value for --lru-test: 'many' (expected a number of keys from 1 to 9007199254740992)\n"
            ),
            (
                ["--lru-test", "-5"],
                "Invalid value for --lru-test: '-5' (expected a number of keys from 1 to 9007199254740992)\n"
            ),
            (
                ["--lru-test", "9223372036854775807"],
                "Invalid value for --lru-test: '9223372036854775807' "
                    + "(expected a number of keys from 1 to 9007199254740992)\n"
            ),
            (["--lru-test"], "Unrecognized option or bad number of args for: '--lru-test'\n"),
            (
                ["--cluster", "info", "ping"],
                "[ERR] Invalid arguments: you need to pass either a valid address (ie. 120.0.0.1:7000) or space "
                    + "separated IP and port (ie. 120.0.0.1 7000)\n"
            ),
            (
                ["--cluster", "reshard", "127.0.0.1:1", "--cluster-pipeline", "0"],
                "Invalid value for --cluster-pipeline: '0' (expected a number from 1 to 1000000)\n"
            ),
            (
                ["--intrinsic-latency", "0"],
                "Invalid value for --intrinsic-latency: '0' (expected a positive number of seconds)\n"
            ),
            (["--intrinsic-latency", "x"], "Invalid value for --intrinsic-latency: 'x' (expected an integer)\n"),
            // redis-cli 7.4's words for its own checks (7.0 read junk as 0 or did not know the option).
            (["--memkeys-samples", "-2"], "--memkeys-samples value should be positive.\n"),
            (["--memkeys-samples", "x"], "--memkeys-samples conversion error.\n"),
            (["-t", "x", "ping"], "Invalid connection timeout for -t.\n"),
            (["-t", "-1", "ping"], "Invalid connection timeout for -t.\n"),
            (["--keystats-samples", "x"], "--keystats-samples conversion error.\n"),
            (["--keystats-samples", "-1"], "--keystats-samples value should be positive.\n"),
            (["--keystats", "--cursor", "abc"], "--cursor conversion error.\n"),
            (["--keystats", "--cursor", "-5"], "--cursor should be followed by a positive integer.\n"),
            (["--keystats", "--top", "-1"], "--top should be followed by a positive integer.\n"),
            (["--keystats", "--top", "ten"], "--top conversion error.\n"),
            (["-4", "-6", "ping"], "Options -4 and -6 are mutually exclusive.\n"),
            (["-6", "-4", "ping"], "Options -4 and -6 are mutually exclusive.\n"),
            (["-u", "valkeyx://127.0.0.1", "ping"], "Invalid URI scheme\n"),
            (
                ["-c", "--nat-map", "a:1=b", "ping"],
                "Invalid --nat-map entry 'a:1=b': expected from=to with host or host:port on both sides\n"
            ),
        ]
        for (args, message) in cases {
            let r = try rcli(args)
            #expect(r.status == 1, "\(args)")
            #expect(r.err == message, "\(args)")
            #expect(r.stdout.isEmpty)
        }
    }

    @Test func helpAndVersion() throws {
        let help = try rcli(["--help"])
        #expect(help.status == 0)
        #expect(help.out.contains("  -h <hostname>      Server hostname (default: 127.0.0.1).\n"))
        #expect(help.out.contains("  --tls              Establish a secure TLS connection.\n"))
        #expect(help.out.contains("  --stat             Print rolling stats about server"))
        // Every redis-cli 7 option is there, in redis-cli's words for the debugger and the LRU test.
        #expect(!help.out.contains("Not supported"))
        #expect(help.out.contains("  --ldb              Used with --eval enable the Redis Lua debugger.\n"))
        #expect(
            help.out.contains(
                "  --ldb-sync-mode    Like --ldb but uses the synchronous Lua debugger, in\n"
                    + "                     this mode the server is blocked and script changes are\n"
                    + "                     not rolled back from the server memory.\n"))
        #expect(help.out.contains("  --lru-test <keys>  Simulate a cache workload with an 80-20 distribution.\n"))
        let version = try rcli(["--version"])
        #expect(version.out.hasPrefix("rcli "))
    }

    @Test func connectTimeout() throws {
        // A listener whose accept queue is full drops further SYNs, so connect() hangs.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        listen(fd, 0)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        let port = Int(UInt16(bigEndian: addr.sin_port))
        var fillers: [Int32] = []
        defer { for fd in fillers { close(fd) } }
        for _ in 0..<4 {
            let c = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            _ = fcntl(c, F_SETFL, O_NONBLOCK)
            var target = addr
            _ = withUnsafePointer(to: &target) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(c, $0, len) }
            }
            fillers.append(c)
        }
        usleep(100_000)
        let start = Date()
        let r = try rcli(["-p", "\(port)", "-t", "0.5", "ping"], timeout: 10)
        #expect(r.status == 1)
        #expect(r.err == "Could not connect to Redis at 127.0.0.1:\(port): Connection timed out\n")
        #expect(Date().timeIntervalSince(start) < 5)
    }

    @Test func coprocessGetsEachReplyBeforeSendingTheNextLine() throws {
        let port = try TestEnvironment.port()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestEnvironment.rcli)
        process.arguments = ["-p", port]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        for i in 1...5 {
            input.fileHandleForWriting.write(Data("echo line\(i)\n".utf8))
            var got = Data()
            let deadline = Date().addingTimeInterval(5)
            while !got.contains(10) && Date() < deadline {
                got.append(output.fileHandleForReading.availableData)
            }
            #expect(String(decoding: got, as: UTF8.self) == "line\(i)\n")
        }
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test func pipelinedScriptKeepsInputOrder() throws {
        let port = try TestEnvironment.port()
        let p = uniquePrefix()
        var script = ""
        for i in 0..<20_000 {
            script += i % 3 == 0 ? "incr \(p)n\n" : (i % 3 == 1 ? "echo e\(i)\n" : "bogus\(i % 7)\n")
        }
        let reset = { try seed([["del", p + "n"]]) }
        try reset()
        let ours = try rcli(["-p", port], stdin: script)
        try reset()
        let theirs = try redisCli(["-p", port], stdin: script)
        #expect(ours.status == 0)
        #expect(ours.out == theirs.out)
    }

    @Test func serverClosingMidScriptIsReported() throws {
        // One reply, then the server goes away with two commands in flight: the first reply is
        // printed, the loss is reported, nothing is replayed.
        let server = try FakeServer(reply: Array("+OK\r\n".utf8))
        let r = try rcli(["-p", "\(server.port)"], stdin: "ping\nping\nping\n", timeout: 10)
        #expect(r.out == "OK\n")
        #expect(r.err == "Error: Server closed the connection\n")
        #expect(r.status == 1)
    }

    /// A SUBSCRIBE the server refuses (ACL) streams nothing: the script goes on with the next line.
    @Test func aRefusedSubscribeDoesNotStopTheScript() throws {
        let port = try TestEnvironment.port("RCLI_TEST_AUTH_PORT")
        let user = "nosub\(getpid())"
        _ = try redisCli([
            "-p", port, "-a", "s3cret", "--no-auth-warning", "acl", "setuser", user, "on", ">pw", "~*", "&*",
            "+@all", "-subscribe",
        ])
        defer { _ = try? redisCli(["-p", port, "-a", "s3cret", "--no-auth-warning", "acl", "deluser", user]) }
        let r = try rcli(
            ["-p", port, "--user", user, "-a", "pw", "--no-auth-warning"], stdin: "subscribe ch\nping\n",
            timeout: 10)
        #expect(r.status == 0)
        #expect(r.out.hasPrefix("NOPERM"), "\(r.out)")
        #expect(r.out.hasSuffix("\nPONG\n"), "the line after the refused SUBSCRIBE ran: \(r.out)")
    }
}
