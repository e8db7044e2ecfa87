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

    /// Closes stdin and returns the exit status and what was left on stderr.
    func finish() -> (status: Int32, err: String) {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        return (process.terminationStatus, String(decoding: err, as: UTF8.self))
    }
}
