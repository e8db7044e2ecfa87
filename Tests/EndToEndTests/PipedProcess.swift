import Foundation
import Glibc
import Testing

/// glibc 2.34+ (Debian 12 has 2.36); not in Swift's Glibc overlay.
@_silgen_name("posix_spawn_file_actions_addclosefrom_np")
private func closeFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ from: Int32) -> Int32

/// A CLI (rcli or redis-cli) whose stdin is a pipe the test writes when it chooses: the piped
/// session's script arrives in parts, the test acts (publishes, sends SIGINT) between them and
/// reads stdout as bytes. Every wait has a timeout; a process still running at the end is killed.
/// Spawned with an empty signal mask and default handlers (the test runner's threads block most
/// signals, and a mask survives exec), so SIGINT acts as Ctrl-C would.
final class PipedProcess {
    private let pid: pid_t
    private var input: Int32
    private let output: Int32
    private let errors: Int32
    private var exitStatus: Int32?
    /// Everything read from stdout so far.
    private(set) var stdout: [UInt8] = []
    private var stderr: [UInt8] = []

    struct SpawnFailed: Error {}

    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        // A write to the child's stdin after it has gone must be an error, not SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        var fds: [[Int32]] = []
        for _ in 0..<3 {
            var pair: [Int32] = [-1, -1]
            guard pipe(&pair) == 0 else { throw SpawnFailed() }
            for fd in pair { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            fds.append(pair)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[0][0], 0)
        posix_spawn_file_actions_adddup2(&actions, fds[1][1], 1)
        posix_spawn_file_actions_adddup2(&actions, fds[2][1], 2)
        _ = closeFrom(&actions, 3)
        var attributes = terminalSignalAttributes([SIGINT, SIGTERM, SIGPIPE, SIGQUIT])
        defer { posix_spawnattr_destroy(&attributes) }
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "FAKETTY")
        env.removeValue(forKey: "REDISCLI_AUTH")
        for (k, v) in environment { env[k] = v }
        var argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        var envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in argv + envp { free(p) } }
        var child: pid_t = 0
        let spawned = posix_spawn(&child, executable, &actions, &attributes, &argv, &envp)
        close(fds[0][0])
        close(fds[1][1])
        close(fds[2][1])
        guard spawned == 0 else {
            for fd in [fds[0][1], fds[1][0], fds[2][0]] { close(fd) }
            throw SpawnFailed()
        }
        pid = child
        input = fds[0][1]
        output = fds[1][0]
        errors = fds[2][0]
    }

    deinit {
        if isRunning {
            kill(pid, SIGKILL)
            _ = reap(blocking: true)
        }
        for fd in [input, output, errors] where fd >= 0 { close(fd) }
    }

    /// stdout so far, as text.
    var out: String { String(decoding: stdout, as: UTF8.self) }

    var isRunning: Bool { reap(blocking: false) == nil }

    /// The wait status once the process has ended (nil while it runs).
    private func reap(blocking: Bool) -> Int32? {
        if let exitStatus { return exitStatus }
        var status: Int32 = 0
        var r: pid_t
        repeat { r = waitpid(pid, &status, blocking ? 0 : WNOHANG) } while r < 0 && errno == EINTR
        guard r == pid else { return nil }
        exitStatus = status
        return status
    }

    /// Writes `text` to the process's stdin.
    func write(_ text: String) throws {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(input, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw SpawnFailed() }
            offset += n
        }
    }

    /// Ends the process's stdin.
    func closeInput() throws {
        if input >= 0 { close(input) }
        input = -1
    }

    /// Sends SIGINT (Ctrl-C).
    func interrupt() {
        kill(pid, SIGINT)
    }

    /// Reads stdout until it holds `text` (after `from` bytes) or `seconds` pass; false on
    /// timeout, recorded as an issue with what was read.
    @discardableResult
    func wait(
        for text: String, after from: Int = 0, seconds: Double = 10, sourceLocation: SourceLocation = #_sourceLocation
    ) -> Bool {
        let wanted = Array(text.utf8)
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            if stdout.count >= from, stdout[from...].firstRange(of: wanted) != nil { return true }
            if Date() >= deadline || !readSome(until: deadline) {
                Issue.record(
                    "no \(text.debugDescription) in stdout: \(out.debugDescription)", sourceLocation: sourceLocation)
                return false
            }
        }
    }

    /// Reads what stdout has within `seconds` (nothing more to wait for: a check that nothing
    /// else arrives).
    func drain(for seconds: Double) {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline, readSome(until: deadline) {}
    }

    /// Waits up to `seconds` for the process to exit by itself (then kills it and records a
    /// hang); its status, whether a signal ended it, and the rest of stdout and stderr.
    func finish(within seconds: Double = 10, sourceLocation: SourceLocation = #_sourceLocation) -> (
        status: Int32, signalled: Bool, err: String
    ) {
        let deadline = Date().addingTimeInterval(seconds)
        while isRunning && Date() < deadline { _ = readSome(until: min(deadline, Date() + 0.05)) }
        if isRunning {
            kill(pid, SIGKILL)
            Issue.record("the process did not exit within \(seconds)s", sourceLocation: sourceLocation)
        }
        let status = reap(blocking: true) ?? 0
        try? closeInput()
        while readSome(until: Date() + 1) {}
        Self.readAll(errors, into: &stderr)
        let err = String(decoding: stderr, as: UTF8.self)
        // The wait status: a signal number in the low 7 bits, else the exit code above them.
        let signal = status & 0x7f
        return signal == 0 ? ((status >> 8) & 0xff, false, err) : (signal, true, err)
    }

    private static func readAll(_ fd: Int32, into bytes: inout [UInt8]) {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &chunk, chunk.count)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return }
            bytes += chunk[0..<n]
        }
    }

    /// One read of stdout, waiting until `deadline` for it; false at the end of stdout or on
    /// timeout.
    private func readSome(until deadline: Date) -> Bool {
        var p = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
        let ms = Int32(max(0, min(deadline.timeIntervalSinceNow, 1)) * 1000)
        guard poll(&p, 1, ms) > 0 else { return Date() < deadline }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = read(output, &chunk, chunk.count)
        guard n > 0 else { return false }
        stdout += chunk[0..<n]
        return true
    }

}

/// posix_spawn attributes that give the child an empty signal mask and default handlers for
/// `signals`, as a terminal would: the test runner's threads block most signals, and a mask
/// survives exec. The caller destroys them (posix_spawnattr_destroy).
func terminalSignalAttributes(_ signals: [Int32]) -> posix_spawnattr_t {
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigmask(&attributes, &empty)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in signals { sigaddset(&defaults, signal) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    return attributes
}
