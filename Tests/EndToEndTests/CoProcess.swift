import Foundation
import Glibc

/// rcli driven line by line through pipes: write a line, read what comes back.
final class CoProcess {
    private let process: Process
    private let input = Pipe(), output = Pipe(), errors = Pipe()
    private var pending = Data()

    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        process = testProcess(TestEnvironment.rcli, arguments, environment: environment)
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    /// Sends `line` and returns the next `lines` output lines (fewer on timeout).
    func send(_ line: String, expecting lines: Int = 1, timeout: Double = 10) -> [String] {
        input.fileHandleForWriting.write(Data((line + "\n").utf8))
        let deadline = Date().addingTimeInterval(timeout)
        let fd = output.fileHandleForReading.fileDescriptor
        while pending.filter({ $0 == 10 }).count < lines && Date() < deadline {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 100) > 0 else { continue }
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            pending.append(chunk)
        }
        var result: [String] = []
        while result.count < lines, let nl = pending.firstIndex(of: 10) {
            result.append(String(decoding: pending[pending.startIndex..<nl], as: UTF8.self))
            pending = Data(pending[(nl + 1)...])
        }
        return result
    }

    /// Reads stdout until what was read since the last call contains `needle` (or `timeout`
    /// passes, or stdout ends) and returns all of it.
    func readOutput(until needle: String, timeout: Double = 10) -> String {
        let deadline = Date().addingTimeInterval(timeout)
        let fd = output.fileHandleForReading.fileDescriptor
        while !String(decoding: pending, as: UTF8.self).contains(needle) && Date() < deadline {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 100) > 0 else { continue }
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            pending.append(chunk)
        }
        defer { pending = Data() }
        return String(decoding: pending, as: UTF8.self)
    }

    /// Writes `data` to rcli's stdin as it is (an error, not SIGPIPE, once rcli has gone).
    func write(_ data: Data) throws {
        try input.fileHandleForWriting.write(contentsOf: data)
    }

    var isRunning: Bool { process.isRunning }

    /// Closes stdin and returns the exit status and what was left on stderr.
    func finish() -> (status: Int32, err: String) {
        let end = end(within: .infinity)
        return (end.status, end.err)
    }

    /// Closes stdin, waits up to `seconds` for rcli to exit (then kills it), and returns whether
    /// it ended by itself, its status, and the rest of stdout and stderr.
    func end(within seconds: Double) -> (ended: Bool, status: Int32, out: String, err: String) {
        try? input.fileHandleForWriting.close()
        let ended = waitUntil(seconds) { !process.isRunning }
        // SIGKILL: the runner may hand its children SIGTERM blocked.
        if !ended { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let out = pending + output.fileHandleForReading.readDataToEndOfFile()
        pending = Data()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        return (
            ended, process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self)
        )
    }
}
