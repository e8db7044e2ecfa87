// The one file in RcliCore that talks to the C library directly (imported through RedisNet's
// Platform.swift, which holds the platform conditionals).
import RedisNet

/// Process-level helpers: descriptors, terminals, environment, sleeping, exiting.
package enum System {
    /// EPIPE.
    package static let brokenPipe = EPIPE
    /// ENOENT.
    package static let noSuchFile = ENOENT

    /// True when `fd` is a terminal.
    package static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// The process environment.
    package static func environment() -> [String: String] {
        Platform.environment()
    }

    /// Writes `bytes[from...]` once (waiting while the descriptor is full); the count written
    /// or the errno.
    package static func write(_ fd: Int32, _ bytes: [UInt8], from offset: Int) -> Result<Int, SystemError> {
        while true {
            let n = bytes.withUnsafeBytes { raw in
                Platform.write(fd, raw.baseAddress.map { $0 + offset }, raw.count - offset)
            }
            if n >= 0 { return .success(n) }
            let e = errno
            if e == EINTR { continue }
            if e == EAGAIN {
                _ = try? Reactor.wait(for: fd, .write, until: nil)
                continue
            }
            return .failure(SystemError(call: "write", code: e))
        }
    }

    /// Reads once from `fd` into `buffer` (appending): bytes read, 0 at end of input.
    package static func read(_ fd: Int32, appendingTo buffer: inout [UInt8], max: Int = 64 * 1024) -> Result<
        Int, SystemError
    > {
        let old = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: max))
        while true {
            let n = buffer.withUnsafeMutableBytes { raw in Platform.read(fd, raw.baseAddress.map { $0 + old }, max) }
            if n >= 0 {
                buffer.removeLast(max - n)
                return .success(n)
            }
            let e = errno
            if e == EINTR { continue }
            buffer.removeLast(max)
            return .failure(SystemError(call: "read", code: e))
        }
    }

    /// Reads `fd` to its end.
    package static func readAll(_ fd: Int32) -> Result<[UInt8], SystemError> {
        var data: [UInt8] = []
        while true {
            switch read(fd, appendingTo: &data) {
            case .success(0): return .success(data)
            case .success: continue
            case .failure(let e): return .failure(e)
            }
        }
    }

    /// C's printf formatting (`%05.2f`, `%-6s` ...), for reports that must match redis-cli's
    /// digits exactly. Arguments are numbers (strings are padded by the caller).
    package static func cFormat(_ format: String, _ args: CVarArg...) -> String {
        var buffer = [CChar](repeating: 0, count: 128)
        let n = withVaList(args) { list in vsnprintf(&buffer, buffer.count, format, list) }
        guard n >= 0 else { return "" }
        if Int(n) >= buffer.count {
            buffer = [CChar](repeating: 0, count: Int(n) + 1)
            _ = withVaList(args) { list in vsnprintf(&buffer, buffer.count, format, list) }
        }
        return String(decoding: buffer.prefix(Int(n)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Sleeps for `seconds`.
    package static func sleep(seconds: Double) {
        guard seconds > 0 else { return }
        var ts = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - Double(Int(seconds))) * 1e9))
        var rem = timespec()
        while nanosleep(&ts, &rem) != 0 && errno == EINTR { ts = rem }
    }

    /// Ends the process.
    package static func exit(_ status: Int32) -> Never {
        Platform.exit(status)
    }

    /// errno's text.
    package static func describe(_ code: Int32) -> String {
        guard let p = strerror(code) else { return "error \(code)" }
        return String(cString: p)
    }

    /// Runs `body` with the terminal on `fd` handing over each key as it is typed, unechoed
    /// (ECHO and ICANON off; Ctrl-C still signals). Keys typed meanwhile stay unread for
    /// whoever reads next. Just `body` when `fd` is not a terminal.
    package static func withKeysUnbuffered<T>(_ fd: Int32, _ body: () -> T) -> T {
        var saved = termios()
        guard isatty(fd) == 1, tcgetattr(fd, &saved) == 0 else { return body() }
        var keys = saved
        keys.c_lflag &= ~tcflag_t(ECHO | ICANON)
        tcsetattr(fd, TCSANOW, &keys)
        defer { tcsetattr(fd, TCSANOW, &saved) }
        return body()
    }

    /// Reads a line from the terminal with echo off, echoing `*` per character (for
    /// `--askpass`). Nil when there is no terminal.
    package static func readMaskedLine(prompt: String) -> String? {
        let fd = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var saved = termios()
        guard tcgetattr(fd, &saved) == 0 else { return nil }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ECHO | ICANON)
        tcsetattr(fd, TCSAFLUSH, &raw)
        defer { tcsetattr(fd, TCSAFLUSH, &saved) }
        _ = write(fd, Array(prompt.utf8), from: 0)
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while Platform.read(fd, &byte, 1) == 1 {
            if byte == 10 || byte == 13 { break }
            if byte == 127 || byte == 8 {
                if !line.isEmpty {
                    line.removeLast()
                    _ = write(fd, Array("\u{8} \u{8}".utf8), from: 0)
                }
                continue
            }
            if byte == 3 || byte == 4 { return nil }
            line.append(byte)
            _ = write(fd, [UInt8(ascii: "*")], from: 0)
        }
        _ = write(fd, [10], from: 0)
        return String(decoding: line, as: UTF8.self)
    }
}

extension System {
    /// The user's home directory.
    package static func homeDirectory(_ environment: [String: String]) -> String? {
        if let home = environment["HOME"], !home.isEmpty { return home }
        guard let pw = getpwuid(getuid()), let dir = pw.pointee.pw_dir else { return nil }
        return String(cString: dir)
    }

    /// Creates `path` if missing and makes it readable by its owner only. False on failure
    /// (a directory, no permission).
    package static func ensurePrivateFile(_ path: String) -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return fchmod(fd, 0o600) == 0
    }

    /// Replaces `path`'s contents with `bytes`, mode 0600: written beside it and renamed over it,
    /// so a crash never leaves half a file (a symbolic link is written through instead, so it
    /// stays a link). False on failure, the old file untouched.
    package static func replacePrivateFile(_ path: String, with bytes: [UInt8]) -> Bool {
        var info = stat()
        let isLink = lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
        let target = isLink ? path : path + ".rcli-\(getpid()).tmp"
        let fd = open(target, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | (isLink ? 0 : O_EXCL), 0o600)
        guard fd >= 0 else { return false }
        var offset = 0
        var ok = fchmod(fd, 0o600) == 0
        while ok && offset < bytes.count {
            switch write(fd, bytes, from: offset) {
            case .success(let n): offset += n
            case .failure: ok = false
            }
        }
        close(fd)
        if !isLink && (!ok || rename(target, path) != 0) {
            unlink(target)
            return false
        }
        return ok
    }

    /// One line typed on stdin (without its newline), nil at end of input.
    package static func readTerminalLine() -> String? {
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let n = Platform.read(0, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return line.isEmpty ? nil : String(decoding: line, as: UTF8.self) }
            if byte == 10 { return String(decoding: line, as: UTF8.self) }
            line.append(byte)
        }
    }

    /// True when `path` is a directory.
    package static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// True when `path` exists.
    package static func fileExists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// A file's bytes, or errno's text.
    package static func readFile(_ path: String, limit: Int? = nil) -> Result<[UInt8], SystemError> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(SystemError(call: "open", code: errno)) }
        defer { close(fd) }
        if let limit {
            var data: [UInt8] = []
            while data.count < limit {
                switch read(fd, appendingTo: &data, max: limit - data.count) {
                case .success(0): return .success(data)
                case .success: continue
                case .failure(let e): return .failure(e)
                }
            }
            return .success(data)
        }
        return readAll(fd)
    }

    /// The lines of a small text file, nil when unreadable.
    package static func readTextFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        guard case .success(let data) = readAll(fd) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}

extension System {
    /// A file's owner and permission bits.
    package struct FileStatus: Sendable {
        /// The owner's user id.
        package var owner: UInt32
        /// The permission bits (`st_mode & 0o7777`).
        package var mode: UInt32
    }

    /// The owner and mode of `path` (following symbolic links), or errno.
    package static func fileStatus(_ path: String) -> Result<FileStatus, SystemError> {
        var info = stat()
        guard stat(path, &info) == 0 else { return .failure(SystemError(call: "stat", code: errno)) }
        return .success(FileStatus(owner: UInt32(info.st_uid), mode: UInt32(info.st_mode) & 0o7777))
    }

    /// This process's real user id.
    package static var userID: UInt32 { UInt32(getuid()) }

    /// How a shell command ended.
    package enum CommandEnd: Sendable, Equatable {
        /// It exited with this status.
        case exited(Int32)
        /// A signal ended it.
        case signalled(Int32)
    }

    /// Runs `command` with `/bin/sh -c` (stdin and stderr are this process's, so it can ask on
    /// the terminal); its standard output and how it ended. Nil when it could not be started.
    package static func runShellCommand(_ command: String) -> (output: [UInt8], end: CommandEnd)? {
        guard let file = popen(command, "r") else { return nil }
        let output = (try? readAll(fileno(file)).get()) ?? []
        let status = pclose(file)
        guard status != -1 else { return nil }
        let signal = status & 0x7f
        return (output, signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal))
    }
}
