import Foundation
import Testing

/// README's first command, `make run` with no ARGS (scripts/demo --run): the shell opens on the
/// server at 127.0.0.1:6379, or on a throwaway one when nothing answers there.
@Suite struct DemoScriptTests {
    static let script = TestEnvironment.packageRoot.appendingPathComponent("scripts/demo").path

    /// Runs scripts/demo with `input` on stdin and `environment`, by posix_spawn (the script
    /// starts a daemon: Foundation's Process would wait for the descriptors it inherits).
    static func demo(_ input: String, environment: [String: String] = [:]) throws -> RunResult {
        let dir = try scratchDirectory("demo")
        defer { try? FileManager.default.removeItem(at: dir) }
        let inFile = dir.appendingPathComponent("in").path
        let errFile = dir.appendingPathComponent("err").path
        try input.write(toFile: inFile, atomically: true, encoding: .utf8)
        let env = (["RCLI_BIN": TestEnvironment.rcli, "HOME": dir.path].merging(environment) { $1 })
            .map { "\($0.key)=\(TmuxSession.quote($0.value))" }.joined(separator: " ")
        let line =
            "\(env) \(TmuxSession.quote(script)) --run < \(TmuxSession.quote(inFile)) 2> \(TmuxSession.quote(errFile))"
        let r = spawnAndWait("/bin/sh", ["-c", line])
        let err = (try? String(contentsOfFile: errFile, encoding: .utf8)) ?? ""
        return RunResult(stdout: Array(r.stdout.utf8), stderr: Array(err.utf8), status: r.status)
    }

    @Test func runWithoutArgumentsNeedsNoServerOfTheUsers() throws {
        let occupied = try rcli(["-t", "1", "-p", "6379", "ping"]).out == "PONG\n"
        let r = try Self.demo("ping\ninfo server\n")
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.hasPrefix("PONG\n"))
        if occupied {
            #expect(r.err.contains("the server on 127.0.0.1:6379 answers"))
        } else {
            #expect(r.err.contains("nothing answers on 127.0.0.1:6379; starting a throwaway server"))
            #expect(r.out.contains("tcp_port:") && !r.out.contains("tcp_port:6379\r"))
        }
    }

    @Test func serverPicksOneOfTheMatrix() throws {
        let r = try Self.demo("info server\n", environment: ["SERVER": "valkey-9.1"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.err.contains("Valkey server v=9.1.2"))
        #expect(r.out.contains("valkey_version:9.1.2"))
        let bad = try Self.demo("", environment: ["SERVER": "nosuch-1.0"])
        #expect(bad.status != 0)
        #expect(bad.err.contains("unknown server 'nosuch-1.0'"))
    }
}
