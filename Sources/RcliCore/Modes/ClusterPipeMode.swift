import Cluster
import RESP
import RedisNet

/// `--pipe -c` (redis-cli ignores `-c` here): stdin's commands are split per node by slot and
/// every node is fed at once, each with its own window of at most 256 KB unsent. MOVED and ASK
/// are followed (the slot map is updated), so a stale map costs nothing but the redirect.
/// Replies are counted per node; errors are printed on stderr as they come. The summary ends
/// with redis-cli's `errors: N, replies: M` line, after one such line per node.
enum ClusterPipeMode {
    static func run(_ config: CLIConfiguration, pool: ClusterPool, output: OutputContext) -> Int32 {
        ClusterPipe(config: config, pool: pool, output: output).run()
    }
}

/// One command of the transfer: light, as there may be millions (no printing state).
private final class PipeCommand {
    let args: [[UInt8]]
    /// The request as read, sent as is (inline commands: nil, encoded from `args`).
    let raw: [UInt8]?
    var route: RouteState
    var target: RouteTarget?
    var notBefore = 0.0

    init(args: [[UInt8]], raw: [UInt8]?, route: RouteState) {
        self.args = args
        self.raw = raw
        self.route = route
    }
}

/// The replies a node owes, in order: a command, or rcli's own ASKING (nil).
private struct PipeQueue {
    var items: [(command: PipeCommand?, start: Int)] = []
    var head = 0

    var count: Int { items.count - head }

    mutating func append(_ command: PipeCommand?, start: Int) {
        items.append((command, start))
    }

    mutating func pop() -> (command: PipeCommand?, start: Int)? {
        guard head < items.count else { return nil }
        let item = items[head]
        head += 1
        if head >= 4096 && head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
        return item
    }

    mutating func drain() -> [(command: PipeCommand?, start: Int)] {
        let rest = Array(items[head...])
        items.removeAll()
        head = 0
        return rest
    }
}

private final class ClusterPipe {
    private let config: CLIConfiguration
    private let pool: ClusterPool
    private let output: OutputContext
    private var input = PipeInput()
    private var inputDone = false
    private var bad: ModeFailure?
    private var perNode: [NodeAddress: (errors: Int, replies: Int)] = [:]
    private var errors = 0, replies = 0
    private var outstanding = 0
    private var parked: [PipeCommand] = []
    private var queues: [NodeAddress: PipeQueue] = [:]
    /// The last command name's key table entry (a pipe file repeats one command).
    private var lastName: [UInt8] = []
    private var lastInfo: CommandKeyInfo?
    /// Where the cached command's first key is, when that is a fixed place.
    private var fixedKeyIndex: Int?
    private var lastReply = monotonicSeconds()
    private static let window = 256 * 1024

    init(config: CLIConfiguration, pool: ClusterPool, output: OutputContext) {
        self.config = config
        self.pool = pool
        self.output = output
    }

    func run() -> Int32 {
        var chunk: [UInt8] = []
        do {
            while true {
                let now = monotonicSeconds()
                pool.reloadIfWanted(now: now)
                retryParked(now: now)
                if inputDone && outstanding == 0 && parked.isEmpty { break }
                let links = Array(pool.allLinks).filter { $0.connection != nil }
                for link in links { try flush(link, now: now) }
                for link in links { readReplies(link, now: now) }
                let wantInput = !inputDone && links.allSatisfy { l in
                    guard let c = l.connection else { return true }
                    return c.bytesQueued - c.bytesWritten < Self.window
                }
                if links.contains(where: { $0.connection?.hasBufferedInput ?? false }) {
                    // TLS records already decrypted: poll would not see them.
                    for link in links { receive(link, now: now) }
                    continue
                }
                var fds: [(fd: Int32, events: Int16)] = []
                var polled: [ClusterLink] = []
                for link in links {
                    guard let c = link.connection else { continue }
                    fds.append((c.descriptor, pollReadable | (c.hasPendingOutput ? pollWritable : 0)))
                    polled.append(link)
                }
                if wantInput { fds.append((0, pollReadable)) }
                var timeout: Int32 = parked.isEmpty ? 1000 : 10
                if inputDone && config.pipeTimeout > 0 && outstanding > 0 {
                    let left = lastReply + config.pipeTimeout - now
                    if left <= 0 {
                        output.err.write("No replies for \(Int(config.pipeTimeout)) seconds: exiting.\n")
                        output.err.flush()
                        errors += 1
                        break
                    }
                    timeout = min(timeout, Int32(left * 1000 + 1))
                }
                let revents = try pollDescriptors(fds, timeoutMs: timeout)
                for (i, link) in polled.enumerated() where revents[i] != 0 {
                    if revents[i] & pollWritable != 0 { try flush(link, now: now) }
                    if revents[i] & (pollReadable | pollHangupOrError) != 0 { receive(link, now: now) }
                }
                if wantInput && revents[polled.count] != 0 {
                    chunk.removeAll(keepingCapacity: true)
                    switch System.read(0, appendingTo: &chunk, max: 256 * 1024) {
                    case .success(0):
                        finishInput()
                    case .success:
                        input.feed(chunk)
                        takeCommands(now: monotonicSeconds())
                    case .failure(let e):
                        return output.usageFailure("Error reading from stdin: \(e.description)")
                    }
                }
            }
        } catch {
            return output.usageFailure("Error: \(error)")
        }
        var summary = ""
        for (node, counts) in perNode.sorted(by: { "\($0.key)" < "\($1.key)" }) {
            summary += "\(node): errors: \(counts.errors), replies: \(counts.replies)\n"
        }
        output.out.write(summary + "errors: \(errors), replies: \(replies)\n")
        output.out.flush()
        return errors > 0 || bad != nil ? 1 : 0
    }

    private func finishInput() {
        inputDone = true
        do throws(ModeFailure) { try input.finish() } catch { fail(error) }
        output.out.write("All data transferred. Waiting for the last reply...\n")
        output.out.flush()
    }

    private func fail(_ failure: ModeFailure) {
        bad = failure
        inputDone = true
        output.err.write(failure.message + "\n")
        output.err.flush()
    }

    private func takeCommands(now: Double) {
        while true {
            do throws(ModeFailure) {
                guard let command = try input.next() else { return }
                outstanding += 1
                dispatch(make(command), now: now)
            } catch {
                fail(error)
                output.out.write("All data transferred. Waiting for the last reply...\n")
                output.out.flush()
                return
            }
        }
    }

    /// The command for the queues: its request bytes and slot. For the usual commands (the
    /// first key at a fixed place) the key is hashed where it lies, without copying arguments.
    private func make(_ command: PipeInput.Command) -> PipeCommand {
        if command.inlineArgs == nil, command.count > 0, command.arg(0).elementsEqual(lastName) {
            // Same command name as before: the cached entry applies.
        } else {
            lastName = Array(command.arg(0))
            let probe = command.count > 1 ? [lastName, Array(command.arg(1))] : [lastName]
            lastInfo = CommandKeys.info(for: probe)
            if lastInfo != nil && command.count > 1 && CommandKeys.info(for: [lastName]) != lastInfo {
                lastName = []  // a subcommand's entry: looked up each time
            }
            fixedKeyIndex = nil
            if let spec = lastInfo?.specs.first, case .index(let i) = spec.begin, case .range = spec.find {
                fixedKeyIndex = i
            }
        }
        var slot: Int?
        if command.inlineArgs == nil, let i = fixedKeyIndex {
            slot = i < command.count ? HashSlot.slot(command.arg(i)) : nil
        } else if let info = lastInfo ?? CommandKeys.info(for: command.args) {
            slot = CommandKeys.keys(command.args, info: info).first.map(HashSlot.slot)
        }
        let raw = command.inlineArgs == nil ? Array(command.raw) : nil
        return PipeCommand(args: raw == nil ? command.args : [], raw: raw, route: RouteState(slot: slot, readOnly: false))
    }

    private func dispatch(_ e: PipeCommand, now: Double) {
        let target = pool.router.route(e.route, now: now)
        let link: ClusterLink
        do {
            link = try pool.link(for: target)
        } catch {
            decide(pool.router.unreachable(target, state: &e.route, now: now, problem: error.message), for: e, now: now)
            return
        }
        guard let conn = link.connection else { return }
        var queue = queues.removeValue(forKey: target.node) ?? PipeQueue()
        if target.asking {
            queue.append(nil, start: conn.bytesQueued)
            conn.enqueue([Array("ASKING".utf8)])
        }
        e.target = target
        queue.append(e, start: conn.bytesQueued)
        if let raw = e.raw { conn.enqueueRaw(raw) } else { conn.enqueue(e.args) }
        queues[target.node] = queue
    }

    private func decide(_ decision: RouteDecision, for e: PipeCommand, now: Double) {
        switch decision {
        case .resend: dispatch(e, now: now)
        case .wait(let until):
            e.notBefore = until
            parked.append(e)
        case .fail(let message): finish(e, error: message, node: e.target?.node)
        case .deliver: finish(e, error: nil, node: e.target?.node)
        }
    }

    private func retryParked(now: Double) {
        guard !parked.isEmpty else { return }
        let due = parked.filter { $0.notBefore <= now }
        parked.removeAll { $0.notBefore <= now }
        for e in due { dispatch(e, now: now) }
    }

    private func finish(_ e: PipeCommand, error: String?, node: NodeAddress?) {
        outstanding -= 1
        replies += 1
        lastReply = monotonicSeconds()
        var counts: (errors: Int, replies: Int) = node.flatMap { perNode[$0] } ?? (0, 0)
        counts.replies += 1
        if let error {
            errors += 1
            counts.errors += 1
            output.err.write(error + "\n")
            output.err.flush()
        }
        if let node { perNode[node] = counts }
    }

    private func flush(_ link: ClusterLink, now: Double) throws {
        guard let conn = link.connection, conn.hasPendingOutput else { return }
        do {
            try conn.flush(wait: false)
        } catch {
            linkFailed(link, error, now: now)
        }
    }

    private func receive(_ link: ClusterLink, now: Double) {
        do {
            try link.connection?.receive()
        } catch {
            readReplies(link, now: now)
            linkFailed(link, error, now: now)
            return
        }
        readReplies(link, now: now)
    }

    private func readReplies(_ link: ClusterLink, now: Double) {
        do {
            while let value = try link.nextValue() {
                guard let waiting = queues[link.node]?.pop() else { continue }
                guard let e = waiting.command else { continue }
                if case .error(let msg) = value {
                    guard let target = e.target else { continue }
                    let decision = pool.router.errorReply(msg, from: target, state: &e.route, now: now)
                    if decision == .deliver {
                        finish(e, error: String(decoding: msg, as: UTF8.self), node: link.node)
                    } else {
                        decide(decision, for: e, now: now)
                    }
                } else {
                    pool.router.served(by: link.node)
                    finish(e, error: nil, node: link.node)
                }
            }
        } catch {
            linkFailed(link, error, now: now)
        }
    }

    private func linkFailed(_ link: ClusterLink, _ error: Error, now: Double) {
        let written = link.connection?.bytesWritten ?? 0
        _ = link.abandon()
        let lost = queues[link.node]?.drain() ?? []
        guard !lost.isEmpty else { return }
        let reason = (error as? NetError)?.description ?? "\(error)"
        pool.router.markDown(link.node, now: now)
        var unknown = 0
        for w in lost {
            guard let e = w.command else { continue }
            if w.start >= written, let target = e.target {
                decide(pool.router.unreachable(target, state: &e.route, now: now, problem: "\(reason) (\(target.node))"), for: e, now: now)
            } else {
                unknown += 1
                outstanding -= 1
                errors += 1
                var counts = perNode[link.node] ?? (0, 0)
                counts.errors += 1
                perNode[link.node] = counts
            }
        }
        if unknown > 0 {
            output.err.write("Error: \(reason) (\(link.node)); \(unknown) commands sent to it may or may not have run\n")
            output.err.flush()
        }
    }
}
