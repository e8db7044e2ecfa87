// With System.swift, the files in RcliCore that talk to the C library directly.
import RedisNet

extension System {
    /// SIGINT (Ctrl-C), as a shell command's end reports it.
    package static let interruptSignal = SIGINT

    /// The terminal's rows and columns on `fd`, nil when it is not one.
    package static func terminalSize(_ fd: Int32) -> (rows: Int, columns: Int)? {
        var size = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0 else { return nil }
        return (Int(size.ws_row), Int(max(size.ws_col, 1)))
    }

    /// Runs `command` with `/bin/sh -c`, its standard input reading `bytes` (the other
    /// descriptors are the caller's); returns its exit status, nil when it could not start. A
    /// reader that stops early (a pager quit after one page) is not an error.
    package static func feedShell(_ command: String, _ bytes: [UInt8]) -> Int32? {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return nil }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[0], 0)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        posix_spawn_file_actions_addclose(&actions, fds[1])
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sh"), strdup("-c"), strdup(command), nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, nil, argv, environ)
        close(fds[0])
        guard spawned == 0 else {
            close(fds[1])
            return nil
        }
        let previous = signal(SIGPIPE, SIG_IGN)
        var offset = 0
        while offset < bytes.count, case .success(let n) = write(fds[1], bytes, from: offset), n > 0 { offset += n }
        close(fds[1])
        signal(SIGPIPE, previous)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// Runs `command` with `/bin/sh -c` as the terminal's foreground job, its standard input
    /// reading `input` (its output and errors are rcli's): in a process group of its own that is
    /// given the terminal on stdin, so Ctrl-C and Ctrl-Z reach it and not rcli and it may read
    /// keys (`| less`), as a shell runs a job. Without a terminal to hand over, Ctrl-C noticed on
    /// `interrupt` is passed on to its group. A reader that stops early (`| head -1`) is not an
    /// error. Waits until it ends, then takes the terminal and its modes back.
    package static func runForeground(_ command: String, input: [UInt8], interrupt: Int32?) -> Result<
        ShellCommandEnd, SystemError
    > {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return .failure(SystemError(call: "pipe", code: errno)) }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        _ = fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[0], 0)
        closeInherited(&actions, keeping: fds)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGINT, SIGQUIT, SIGPIPE, SIGTSTP, SIGTTIN, SIGTTOU, SIGCHLD] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        // The terminal is handed over only when rcli has it (stdin a terminal, rcli its
        // foreground group).
        let terminal: Int32? = isatty(0) == 1 && tcgetpgrp(0) == getpgrp() ? 0 : nil
        var modes = termios()
        let modesSaved = terminal.map { tcgetattr($0, &modes) == 0 } ?? false
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sh"), strdup("-c"), strdup(command), nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, environ)
        close(fds[0])
        guard spawned == 0 else {
            close(fds[1])
            return .failure(SystemError(call: "posix_spawn", code: spawned))
        }
        if let terminal {
            _ = tcsetpgrp(terminal, pid)
            // Had it touched the terminal before it was its own, it was stopped for that.
            _ = kill(-pid, SIGCONT)
        }
        let previousPipe = signal(SIGPIPE, SIG_IGN)
        let end = feedAndWait(pid, fds[1], input, interrupt: interrupt)
        signal(SIGPIPE, previousPipe)
        if let terminal {
            // Taking the terminal back from the background would stop rcli with SIGTTOU.
            let previousTTOU = signal(SIGTTOU, SIG_IGN)
            _ = tcsetpgrp(terminal, getpgrp())
            if modesSaved { _ = tcsetattr(terminal, TCSADRAIN, &modes) }
            signal(SIGTTOU, previousTTOU)
        }
        return .success(end)
    }

    /// Writes `input` to the command's stdin (`fd`, non-blocking) while it runs, closes it, and
    /// waits for the command to end, passing on Ctrl-C seen on `interrupt`.
    private static func feedAndWait(_ pid: pid_t, _ fd: Int32, _ input: [UInt8], interrupt: Int32?) -> ShellCommandEnd {
        var writing: Int32? = fd
        var offset = 0
        var stopped = false
        defer { if let writing { close(writing) } }
        while true {
            var status: Int32 = 0
            let r = waitpid(pid, &status, WNOHANG | WUNTRACED)
            if r == pid {
                if status & 0xff == 0x7f {
                    // Ctrl-Z stopped it: without job control it cannot be resumed later, so it ends.
                    stopped = true
                    _ = kill(-pid, SIGTERM)
                    _ = kill(-pid, SIGCONT)
                    continue
                }
                if stopped { return .stopped }
                return status & 0x7f == 0 ? .exited((status >> 8) & 0xff) : .signalled(status & 0x7f)
            }
            if r < 0 && errno != EINTR { return .exited(0) }
            if let out = writing {
                while offset < input.count {
                    let n = input.withUnsafeBytes { raw in
                        Platform.write(out, raw.baseAddress.map { $0 + offset }, raw.count - offset)
                    }
                    if n > 0 {
                        offset += n
                    } else {
                        if n < 0 && (errno == EAGAIN || errno == EINTR) { break }
                        // EPIPE: the reader is gone (`| head -1`); the rest is not wanted.
                        offset = input.count
                    }
                }
                if offset >= input.count {
                    close(out)
                    writing = nil
                }
            }
            var watched: [(fd: Int32, interest: Interest)] = []
            if let writing { watched.append((writing, .write)) }
            if let interrupt { watched.append((interrupt, .read)) }
            _ = try? Reactor.wait(for: watched, until: monotonicSeconds() + 0.05)
            if interrupt != nil && InterruptSignal.takePending() { _ = kill(-pid, SIGINT) }
        }
    }

    /// Close actions for the descriptors rcli has open without close-on-exec (its sockets),
    /// so the shell command holds none of them.
    private static func closeInherited(_ actions: inout posix_spawn_file_actions_t, keeping: [Int32]) {
        let limit = min(Int32(getdtablesize()), 4096)
        var fd: Int32 = 3
        while fd < limit {
            let flags = fcntl(fd, F_GETFD)
            if flags >= 0 && flags & FD_CLOEXEC == 0 && !keeping.contains(fd) {
                posix_spawn_file_actions_addclose(&actions, fd)
            }
            fd += 1
        }
    }
}
