import Foundation
import Glibc
import Testing

/// glibc 2.34+ (Debian 12 has 2.36); not in Swift's Glibc overlay.
@_silgen_name("posix_spawn_file_actions_addclosefrom_np")
private func spawnCloseFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ from: Int32) -> Int32

/// Runs a program with posix_spawn and waitpid (not Foundation's Process, which waits for every
/// inheritor of a descriptor to exit, and the tmux server it starts lives on). Stdout is returned.
func spawnAndWait(_ path: String, _ arguments: [String]) -> (status: Int32, stdout: String) {
    let outPath = FileManager.default.temporaryDirectory.appendingPathComponent("spawn-\(UUID().uuidString)").path
    defer { unlink(outPath) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    // Nothing else may leak into tmux's long-lived server: Foundation's Process watches a pipe
    // per child and would wait forever for a descriptor the tmux server kept.
    _ = spawnCloseFrom(&actions, 3)
    var argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
    defer { for p in argv { free(p) } }
    // The test runner's threads block most signals and a mask survives exec: give the child
    // (and the tmux server and shells it starts) an empty mask and default handlers, as a
    // terminal would, so SIGHUP and SIGTERM end them.
    var attributes = terminalSignalAttributes([SIGHUP, SIGINT, SIGTERM, SIGPIPE, SIGQUIT])
    defer { posix_spawnattr_destroy(&attributes) }
    var pid: pid_t = 0
    guard posix_spawn(&pid, path, &actions, &attributes, &argv, environ) == 0 else { return (-1, "") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
    return ((status >> 8) & 0xff, out)
}

/// A private tmux server running one program in a 160x50 pane, driven with send-keys and read
/// with capture-pane, as a person at a terminal would.
final class TmuxSession {
    private let socket = "rcli-test-\(UUID().uuidString.prefix(8))"

    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        let env = environment.map { "\($0.key)=\(Self.quote($0.value))" }.joined(separator: " ")
        let command = "env TERM=xterm \(env) " + arguments.map(Self.quote).joined(separator: " ")
        let r = spawnAndWait(
            "/usr/bin/tmux", ["-L", socket, "new-session", "-d", "-s", "t", "-x", "160", "-y", "50", command])
        #expect(r.status == 0, "tmux did not start")
    }

    deinit {
        _ = spawnAndWait("/usr/bin/tmux", ["-L", socket, "kill-server"])
    }

    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// Types `text` literally, then Enter unless `enter` is false.
    func type(_ text: String, enter: Bool = true) throws {
        _ = spawnAndWait("/usr/bin/tmux", ["-L", socket, "send-keys", "-t", "t", "-l", text])
        if enter { try key("Enter") }
    }

    /// Pastes `text` the way a terminal paste arrives (tmux's paste buffer).
    func paste(_ text: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("paste-\(UUID().uuidString)")
        try? Data(text.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        _ = spawnAndWait("/usr/bin/tmux", ["-L", socket, "load-buffer", file.path])
        _ = spawnAndWait("/usr/bin/tmux", ["-L", socket, "paste-buffer", "-t", "t"])
    }

    /// Resizes the window (the program gets SIGWINCH).
    func resize(columns: Int) {
        _ = spawnAndWait("/usr/bin/tmux", ["-L", socket, "resize-window", "-t", "t", "-x", "\(columns)"])
    }

    /// Sends a key by tmux name (`C-c`, `Tab`, `Enter`, `C-d`).
    func key(_ name: String) throws {
        _ = spawnAndWait("/usr/bin/tmux", ["-L", socket, "send-keys", "-t", "t", name])
    }

    /// The visible screen (with its colour and bold escapes when `escapes`).
    func screen(escapes: Bool = false) throws -> String {
        spawnAndWait("/usr/bin/tmux", ["-L", socket, "capture-pane", "-t", "t", "-p"] + (escapes ? ["-e"] : [])).stdout
    }

    /// The cursor's column and row (from 0).
    func cursor() throws -> (column: Int, row: Int) {
        let out = spawnAndWait("/usr/bin/tmux", ["-L", socket, "display", "-p", "-t", "t", "#{cursor_x} #{cursor_y}"])
        let numbers = out.stdout.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        return numbers.count == 2 ? (numbers[0], numbers[1]) : (-1, -1)
    }

    /// Waits until the screen satisfies `condition`; records an issue with the screen if not.
    @discardableResult
    func wait(
        for what: String, timeout: Double = 5, sourceLocation: SourceLocation = #_sourceLocation,
        _ condition: (String) -> Bool
    ) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var text = ""
        repeat {
            text = try screen()
            if condition(text) { return text }
            usleep(50_000)
        } while Date() < deadline
        Issue.record("timed out waiting for \(what); screen:\n\(text)", sourceLocation: sourceLocation)
        return text
    }

    /// Waits until the screen contains `text` (capture-pane drops trailing blanks, so `text`'s
    /// are ignored too).
    @discardableResult
    func wait(for text: String, timeout: Double = 5, sourceLocation: SourceLocation = #_sourceLocation) throws -> String
    {
        var needle = text
        while needle.last == " " { needle.removeLast() }
        return try wait(for: "'\(text)'", timeout: timeout, sourceLocation: sourceLocation) { $0.contains(needle) }
    }

    /// True while the program still runs in the pane.
    func isAlive() throws -> Bool {
        spawnAndWait("/usr/bin/tmux", ["-L", socket, "has-session", "-t", "t"]).status == 0
    }
}
