import Foundation
import RcliCore
import Testing

/// rcli against redis-cli on the same real server: identical bytes, stderr and status (redis-cli
/// 7.4.1 on the redis-7.4 column, Debian's 7.0.15 elsewhere: TestEnvironment.referenceCli).
@Suite struct DifferentialTests {
    /// The default, then every format's option (`OutputFormat.allCases`: a new format is compared too).
    static let formats: [[String]] = [[]] + OutputFormat.allCases.map { [$0.option] }
    static let fakeTTY = ["FAKETTY": "1"]

    // bignum and attrib are left out under RESP3: redis-cli 7.0 fails on them (rcli prints them).
    static let protocolTypes = [
        "string", "integer", "double", "null", "array", "set", "map", "push", "verbatim", "true", "false",
    ]

    @Test("DEBUG PROTOCOL replies, every format, RESP2 and RESP3", arguments: protocolTypes)
    func debugProtocol(_ type: String) throws {
        for proto in ["-2", "-3"] {
            for format in Self.formats {
                try expectSameAsRedisCli([proto] + format + ["debug", "protocol", type])
            }
            try expectSameAsRedisCli([proto, "debug", "protocol", type], environment: Self.fakeTTY)
        }
    }

    @Test func everyByteValueInEveryFormat() throws {
        let key = uniquePrefix() + "allbytes"
        let port = try TestEnvironment.port()
        let all = (0...255).map { UInt8($0) }
        let seeded = try run(TestEnvironment.redisCli, ["-p", port, "-x", "set", key], stdin: all)
        #expect(seeded.status == 0)
        for format in Self.formats {
            try expectSameAsRedisCli(format + ["get", key])
        }
        try expectSameAsRedisCli(["get", key], environment: Self.fakeTTY)
    }

    @Test func nestedAndEmptyAggregates() throws {
        let scripts = [
            "return {1,{2,{3,'x'},{}},'y',{}}",
            "return {}",
            "local t = {} for i=1,12 do t[i] = {i, {'a', 'b'}} end return t",
            "return {false, true, 'z', {err='inner error'}, {ok='fine'}}",
        ]
        for script in scripts {
            for proto in ["-2", "-3"] {
                for format in Self.formats {
                    try expectSameAsRedisCli([proto] + format + ["eval", script, "0"])
                }
                try expectSameAsRedisCli([proto, "eval", script, "0"], environment: Self.fakeTTY)
            }
        }
    }

    @Test func mapsSetsAndIndexWidths() throws {
        let p = uniquePrefix()
        var hset = ["hset", p + "h"]
        var sadd = ["sadd", p + "s"]
        var rpush = ["rpush", p + "l"]
        for i in 1...11 {
            hset += ["f\(i)", "v\(i)"]
            sadd += ["m\(i)"]
            rpush += ["e\(i)"]
        }
        try seed([hset, sadd, rpush])
        for proto in ["-2", "-3"] {
            for format in Self.formats + [["--no-raw", "-d", "|"]] {
                try expectSameAsRedisCli([proto] + format + ["hgetall", p + "h"])
                try expectSameAsRedisCli([proto] + format + ["lrange", p + "l", "0", "-1"])
                try expectSameAsRedisCli([proto] + format + ["hgetall", p + "missing"])
                try expectSameAsRedisCli([proto] + format + ["smembers", p + "missing"])
            }
            try expectSameAsRedisCli([proto, "command", "docs", "get"], environment: Self.fakeTTY)
        }
    }

    /// A map value that fits on one line (no aggregate of more than one element down its chain)
    /// stays on its key's line: `"spec" => 1# "index" => (integer) 1` (`cliIsMultilineValueTTY`).
    @Test func oneEntryMapValuesStayOnTheKeysLine() throws {
        let scripts = [
            "return {map={a={1}, b={}, c={map={d={map={e={1,2}}}}}}}",
            "return {map={a={{'x'}}, b={map={c='d'}}, c={{'x', 'y'}}}}",
            "return {{map={k={map={k2={map={}}}}}}}",
        ]
        for proto in ["-2", "-3"] {
            for format in [["--no-raw"], []] {
                try expectSameAsRedisCli([proto] + format + ["command", "info", "get", "set"])
                for script in scripts {
                    try expectSameAsRedisCli([proto] + format + ["eval", script, "0"])
                }
            }
        }
        try expectSameAsRedisCli(["-3", "command", "info", "get"], environment: Self.fakeTTY)
    }

    @Test func errorRepliesAndExitCodes() throws {
        let p = uniquePrefix()
        try seed([["rpush", p + "l", "a"]])
        for format in Self.formats {
            try expectSameAsRedisCli(format + ["incr", p + "l"])
            try expectSameAsRedisCli(format + ["-e", "incr", p + "l"])
            try expectSameAsRedisCli(format + ["nosuchcommand", "x"])
        }
        try expectSameAsRedisCli(["incr", p + "l"], environment: Self.fakeTTY)
    }

    @Test func rawDelimiters() throws {
        let p = uniquePrefix()
        try seed([["rpush", p + "l", "a", "b c", "d"]])
        try expectSameAsRedisCli(["-d", "X", "-D", "Y", "lrange", p + "l", "0", "-1"])
        try expectSameAsRedisCli(["-d", "\\t", "lrange", p + "l", "0", "-1"])
        try expectSameAsRedisCli(["-D", "", "--raw", "get", p + "nokey"])
    }

    @Test func rawOutputCommandsOnATerminal() throws {
        try expectSameAsRedisCli(["memory", "doctor"], environment: Self.fakeTTY)
        try expectSameAsRedisCli(["latency", "doctor"], environment: Self.fakeTTY)
        try expectSameAsRedisCli(["cluster", "info"], environment: Self.fakeTTY)
    }

    @Test func stdinScriptsInEveryFormat() throws {
        let p = uniquePrefix()
        let script = """
            set \(p)a 1
            get \(p)a
            set "\(p)bad

               \t
            rpush \(p)l x
            incr \(p)l
            "get" '\(p)a'
            set \(p)c "x\\x41\\n\\"q\\""
             get \(p)c\u{20}
            3 incr \(p)n
            0 incr \(p)n
            set \(p)d "trailing"quote
            lrange \(p)l 0 -1
            :set hints
            :set bogus
            :unknown
            get \(p)last
            """
        let reset = { try seed([["del", p + "a", p + "l", p + "c", p + "n"]]) }
        for format in Self.formats {
            try expectSameAsRedisCli(format, stdin: script + "\n", reset: reset)
        }
        try expectSameAsRedisCli([], stdin: script, environment: Self.fakeTTY, reset: reset)
    }

    @Test func stdinScriptStopsAtQuit() throws {
        let p = uniquePrefix()
        try expectSameAsRedisCli(
            [], stdin: "set \(p)q 1\nquit\nset \(p)q 2\n", reset: { try seed([["del", p + "q"]]) })
        try expectSameAsRedisCli(["get", p + "q"])
    }

    @Test func argumentFromStdin() throws {
        let p = uniquePrefix()
        try expectSameAsRedisCli(["-x", "set", p + "x"], stdin: "hello\nworld\n")
        try expectSameAsRedisCli(["get", p + "x"])
        try expectSameAsRedisCli(["-X", "TAG", "set", p + "y", "TAG"], stdin: "tagged")
        try expectSameAsRedisCli(["get", p + "y"])
        try expectSameAsRedisCli(["-X", "nope", "set", p + "z", "v"], stdin: "data")
        try expectSameAsRedisCli(["-x", "-X", "t", "set", p + "z", "t"], stdin: "data")
    }

    @Test func repeatDatabaseAndQuotedInput() throws {
        let p = uniquePrefix()
        let reset = { try seed([["del", p + "r"]]) }
        try expectSameAsRedisCli(["-r", "3", "incr", p + "r"], reset: reset)
        try expectSameAsRedisCli(["-r", "2", "-i", "0.01", "--no-raw", "incr", p + "r"], reset: reset)
        try expectSameAsRedisCli(["-n", "3", "set", p + "db", "three"])
        try expectSameAsRedisCli(["-n", "3", "get", p + "db"])
        try expectSameAsRedisCli(["get", p + "db"])
        try expectSameAsRedisCli(["--quoted-input", "set", "\"\(p)q k\"", "\"x\\x41\""])
        try expectSameAsRedisCli(["get", p + "q k"])
        try expectSameAsRedisCli(["--quoted-input", "set", "\"\(p)unbalanced", "x"])
        try expectSameAsRedisCli(["--quoted-input", "set", "two words", "x"])
    }

    @Test func uriAndPasswords() throws {
        let port = try TestEnvironment.port("RCLI_TEST_AUTH_PORT")
        let cases: [([String], [String: String])] = [
            (["-p", port, "-a", "s3cret", "ping"], [:]),
            (["-p", port, "--no-auth-warning", "-a", "s3cret", "ping"], [:]),
            (["-p", port, "--user", "alice", "--pass", "wonderland", "--no-auth-warning", "ping"], [:]),
            (["-u", "redis://alice:wonderland@127.0.0.1:\(port)/2", "ping"], [:]),
            (["-p", port, "ping"], ["REDISCLI_AUTH": "s3cret"]),
            (["-p", port, "ping"], [:]),
            (["-u", "foo://x", "ping"], [:]),
        ]
        for (args, env) in cases {
            let ours = try rcli(args, environment: env)
            let theirs = try redisCli(args, environment: env)
            #expect(ours.out == theirs.out, "\(args): \(ours.err) | \(theirs.err)")
            #expect(ours.err == theirs.err, "\(args)")
            #expect(ours.status == theirs.status, "\(args)")
        }
    }

    /// The option values redis-cli 7.4 checks itself (7.0 did not know these options or read junk
    /// as 0): its words, stderr and status, compared with it on the redis-7.4 column.
    @Test func optionErrorsAsRedisCli74() throws {
        let cases: [[String]] = [
            ["--memkeys-samples", "x", "--memkeys"], ["--memkeys-samples", "-1", "--memkeys"], ["-t", "x", "ping"],
            ["-t", "-2", "ping"], ["-4", "-6", "ping"], ["--keystats-samples", "x", "--keystats"],
            ["--keystats-samples", "-1", "--keystats"], ["--cursor", "x", "--keystats"],
            ["--cursor", "-1", "--keystats"], ["--top", "x", "--keystats"], ["--top", "-1", "--keystats"],
        ]
        for args in cases {
            let ours = try rcli(["-p", try TestEnvironment.port()] + args)
            #expect(ours.status == 1 && ours.stdout.isEmpty && ours.err.hasSuffix(".\n"), "\(args): \(ours.err)")
            if TestEnvironment.redisCli74 != nil { try expectSameAsRedisCli(args) }
        }
    }

    @Test func unreachableHost() throws {
        for args in [["-p", "1", "ping"], ["-s", "/nonexistent/redis.sock", "ping"]] {
            let ours = try rcli(args)
            let theirs = try redisCli(args)
            #expect(ours.err == theirs.err)
            #expect(ours.status == theirs.status)
            #expect(ours.stdout.isEmpty)
        }
    }

    @Test func unixSocket() throws {
        let socket = try #require(ProcessInfo.processInfo.environment["RCLI_TEST_SOCKET"])
        let ours = try rcli(["-s", socket, "ping"])
        #expect(ours.out == "PONG\n")
        let uri = try rcli(["-u", "unix://\(socket)?db=1", "--no-raw", "ping"])
        #expect(uri.out == "PONG\n")
    }
}
