// With System.swift, the files in RcliCore that talk to the C library directly.
import RedisNet

extension System {
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
}
