import RedisNet

/// A buffered writer on a file descriptor (stdout, stderr). Formatters append to `buffer`;
/// the owner flushes when the buffer is large or before waiting for input.
package final class OutputSink {
    /// Bytes not yet written.
    package var buffer: [UInt8] = []
    /// While true, flushes keep the bytes (the shell's pager decides where a whole reply goes).
    package var holding = false
    private let fd: Int32

    /// A sink on `fd`.
    package init(fd: Int32) {
        self.fd = fd
        buffer.reserveCapacity(128 * 1024)
    }

    /// Standard output.
    package static func standardOutput() -> OutputSink { OutputSink(fd: 1) }
    /// Standard error.
    package static func standardError() -> OutputSink { OutputSink(fd: 2) }

    /// Appends text.
    package func write(_ text: String) {
        buffer.append(contentsOf: Array(text.utf8))
    }

    /// Appends bytes.
    package func write(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
    }

    /// Writes when at least 64 KiB are buffered.
    package func flushIfLarge() {
        if buffer.count >= 64 * 1024 && !holding { flush() }
    }

    /// Writes everything buffered. A reader that went away ends the process quietly
    /// (as SIGPIPE would, for a program piped into `head`).
    package func flush() {
        if holding { return }
        var offset = 0
        while offset < buffer.count {
            switch System.write(fd, buffer, from: offset) {
            case .success(let n): offset += n
            case .failure(let e): System.exit(e.code == System.brokenPipe ? 141 : 1)
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
