import RedisNet
/// Commands read line by line from a descriptor (stdin), parsed as redis-cli's shell does:
/// quoting, `N command` repeats, `quit`/`exit`, `connect host port`, `:set` preferences.
package final class LineSource: CommandSource {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var scanned = 0
    private var atEnd = false
    /// A line's items not handed out yet; a repeated command stands once with its count.
    private var expanded: [(item: ScriptItem, count: Int64)] = []
    private var expandedHead = 0

    /// Lines from `fd`.
    package init(fd: Int32) {
        self.fd = fd
    }

    package var inputDescriptor: Int32? { atEnd ? nil : fd }

    package var isExhausted: Bool { atEnd && start >= buffer.count && expandedHead >= expanded.count }

    package func readAvailable() throws(RcliError) {
        if start > 0 && start * 2 >= buffer.count {
            buffer.removeFirst(start)
            scanned -= start
            start = 0
        }
        switch System.read(fd, appendingTo: &buffer) {
        case .success(0): atEnd = true
        case .success: break
        case .failure(let e): throw .input("Reading from standard input: \(e)")
        }
    }

    package func next() -> ScriptItem? {
        while true {
            if expandedHead < expanded.count {
                let item = expanded[expandedHead].item
                expanded[expandedHead].count -= 1
                if expanded[expandedHead].count == 0 { expandedHead += 1 }
                if expandedHead == expanded.count {
                    expanded.removeAll()
                    expandedHead = 0
                }
                return item
            }
            guard let line = takeLine() else { return nil }
            expanded = Self.repeatedItems(for: line).filter { $0.count > 0 }
        }
    }

    private func takeLine() -> ArraySlice<UInt8>? {
        let from = max(start, scanned)
        if let nl = buffer[from...].firstIndex(of: 10) {
            let line = buffer[start..<nl]
            start = nl + 1
            scanned = start
            return line
        }
        scanned = buffer.count
        if atEnd && start < buffer.count {
            let line = buffer[start...]
            start = buffer.count
            return line
        }
        return nil
    }

    /// The script items one input line stands for (none for a blank line); a repeated command
    /// (`N command`) stands once with its count.
    package static func repeatedItems(for line: ArraySlice<UInt8>) -> [(item: ScriptItem, count: Int64)] {
        func one(_ item: ScriptItem) -> [(item: ScriptItem, count: Int64)] { [(item, 1)] }
        if line.isEmpty { return [] }
        guard var args = CommandLineSplitter.split(line) else {
            return one(.message(Array("Invalid argument(s)\n".utf8)))
        }
        guard !args.isEmpty else { return [] }
        var repeatCount: Int64 = 1
        if args.count > 1, let n = Int64(String(decoding: args[0], as: UTF8.self)) {
            guard n > 0 else {
                return one(.message(Array("Invalid \(Voice.current.program) repeat command option value.\n".utf8)))
            }
            repeatCount = n
            args.removeFirst()
        }
        let name = CommandTraits.lower(args[0])
        switch name {
        case "quit", "exit":
            return one(.quit)
        case "clear" where args.count == 1:
            return []
        case "connect" where args.count == 3:
            guard let port = Int(String(decoding: args[2], as: UTF8.self)), (0...65535).contains(port) else {
                return one(
                    .message(Array("Invalid port for connect: '\(String(decoding: args[2], as: UTF8.self))'\n".utf8)))
            }
            return one(.connect(host: String(decoding: args[1], as: UTF8.self), port: port))
        default:
            break
        }
        if name.hasPrefix(":") {
            return one(.message(Array(Preferences.apply(args, interactive: true).utf8)))
        }
        return [(.command(args), repeatCount)]
    }
}
