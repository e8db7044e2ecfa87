import RedisNet

/// A file being written from a transfer (`--rdb`). A regular file (or a new one) is written
/// under a temporary name beside it and renamed into place by `commit`, so a failed transfer
/// never leaves a truncated file under the name asked for (nor destroys an older one there).
/// Anything else (`-`, `/dev/stdout`, a FIFO) is written directly.
package final class TransferFile {
    private let fd: Int32
    private let path: String
    private let temporary: String?
    /// Bytes written so far.
    package private(set) var written = 0

    private init(fd: Int32, path: String, temporary: String?) {
        self.fd = fd
        self.path = path
        self.temporary = temporary
    }

    /// Opens `path` ("-" is stdout) for writing; the error names the path as redis-cli does.
    package static func open(_ path: String) -> Result<TransferFile, RcliError> {
        if path == "-" { return .success(TransferFile(fd: 1, path: path, temporary: nil)) }
        var info = stat()
        let exists = stat(path, &info) == 0
        if exists && (info.st_mode & S_IFMT) != S_IFREG {
            let fd = Platform.open(path, O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else { return .failure(RcliError.mode("Error opening '\(path)': \(System.describe(errno))")) }
            return .success(TransferFile(fd: fd, path: path, temporary: nil))
        }
        // Fail on the real name first (a missing directory, no permission), as redis-cli would.
        if !exists {
            let probe = Platform.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            guard probe >= 0 else {
                return .failure(RcliError.mode("Error opening '\(path)': \(System.describe(errno))"))
            }
            close(probe)
            unlink(path)
        } else if access(path, W_OK) != 0 {
            return .failure(RcliError.mode("Error opening '\(path)': \(System.describe(errno))"))
        }
        let temporary = path + ".rcli-partial-\(getpid())"
        let fd = Platform.open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            return .failure(RcliError.mode("Error opening '\(temporary)': \(System.describe(errno))"))
        }
        return .success(TransferFile(fd: fd, path: path, temporary: temporary))
    }

    /// Appends `bytes`; the error text on failure.
    package func write(_ bytes: [UInt8]) -> String? {
        var offset = 0
        while offset < bytes.count {
            switch System.write(fd, bytes, from: offset) {
            case .success(let n): offset += n
            case .failure(let e): return "Error writing data to file: \(e.description)"
            }
        }
        written += bytes.count
        return nil
    }

    /// Flushes to disk and puts the file in place; the error text on failure.
    package func commit() -> String? {
        defer { if fd > 2 { close(fd) } }
        if fsync(fd) != 0 && errno != EINVAL && errno != EROFS {
            return "Error writing data to file: \(System.describe(errno))"
        }
        if let temporary, rename(temporary, path) != 0 {
            let e = errno
            unlink(temporary)
            return "Error renaming '\(temporary)' to '\(path)': \(System.describe(e))"
        }
        return nil
    }

    /// Drops a failed transfer: the temporary file is removed.
    package func abandon() {
        if fd > 2 { close(fd) }
        if let temporary { unlink(temporary) }
    }
}
