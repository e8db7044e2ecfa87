import Cluster
import RESP
import RedisNet

/// Finds a master (or a replica of it) through the sentinels: every sentinel given is asked
/// `SENTINEL GET-MASTER-ADDR-BY-NAME`, the address a majority of those that answered names is
/// taken, and the server found must say with `ROLE` that it is what was asked for. Each round
/// trip waits at most `-t` (else 2 s) and gives way to Ctrl-C where the shell asks for it; a
/// problem is one line (`RcliError.mode`) naming what each sentinel said.
final class SentinelLocator {
    /// The master's name (`--sentinel <name>`).
    let name: String
    /// One session per sentinel: its address, the sentinels' credentials, the TLS options.
    private let sentinels: [Session]
    /// How long each round trip to a sentinel may take (`-t`, else 2 s).
    let seconds: Double

    /// A locator for `options` (its master set), reaching the sentinels with `template`'s TLS
    /// options and `-t`.
    init(options: SentinelOptions, template: ConnectionSettings) {
        name = options.master ?? ""
        var addresses = options.addresses
        if options.serverGiven || addresses.isEmpty {
            addresses.insert(SentinelOptions.Address(host: template.host, port: template.port), at: 0)
        }
        var seen: Set<String> = []
        addresses = addresses.filter { seen.insert($0.description).inserted }
        seconds = template.connectTimeout ?? 2
        sentinels = addresses.map { address in
            var s = template
            s.host = address.host
            s.port = address.port
            s.socketPath = nil
            s.user = options.user
            s.database = 0
            s.protocolVersion = 2
            s.clientName = nil
            s.connectTimeout = template.connectTimeout ?? 2
            s.replyTimeout = s.connectTimeout ?? 2
            s.pingsOnConnect = true
            return Session(settings: s, password: options.password)
        }
    }

    /// New sessions to the sentinels (for a subscription, apart from the questions).
    func freshSessions() -> [Session] {
        sentinels.map { $0.forNode(host: $0.settings.host, port: $0.settings.port, readOnly: false) }
    }

    /// The sentinels asked, as `host:port` words.
    var addresses: String { sentinels.map { "\($0.endpoint)" }.joined(separator: ", ") }

    /// Where the sentinels say the master is.
    func master() throws(RcliError) -> NodeAddress {
        var said: [(sentinel: String, address: NodeAddress)] = []
        var unknown: [String] = []
        var failures: [String] = []
        for sentinel in sentinels {
            let place = "\(sentinel.endpoint)"
            switch try ask(sentinel, ["SENTINEL", "GET-MASTER-ADDR-BY-NAME", name]) {
            case .failure(let why):
                failures.append("\(place): \(why)")
            case .success(.null), .success(.array([])):
                unknown.append(place)
            case .success(.array(let pair)) where pair.count == 2:
                guard let host = pair[0].text, let portText = pair[1].text, let port = Int(portText) else {
                    failures.append("\(place): an address rcli cannot read")
                    continue
                }
                said.append((place, NodeAddress(host: host, port: port)))
            case .success(.error(let message)):
                let text = String(decoding: message, as: UTF8.self)
                let notSentinel = text.hasPrefix("ERR unknown command")
                failures.append(
                    notSentinel ? "\(place) is not a sentinel (\(text.prefix(40))...)" : "\(place): \(text)")
            case .success:
                failures.append("\(place): an unexpected reply")
            }
        }
        guard !said.isEmpty else {
            if !unknown.isEmpty {
                let others = failures.isEmpty ? "" : "; " + failures.joined(separator: "; ")
                let asked = unknown.joined(separator: ", ")
                throw .mode("Error: no sentinel knows a master named '\(name)' (asked \(asked)\(others))")
            }
            throw .mode("Error: no sentinel answered for master '\(name)': " + failures.joined(separator: "; "))
        }
        var votes: [NodeAddress: Int] = [:]
        for answer in said { votes[answer.address, default: 0] += 1 }
        if let (address, count) = votes.max(by: { $0.value < $1.value }), count * 2 > said.count {
            return address
        }
        let told = said.map { "\($0.sentinel) says \($0.address)" }.joined(separator: ", ")
        throw .mode("Error: the sentinels disagree on master '\(name)': \(told)")
    }

    /// The replicas the sentinels know as up and in sync with the master, in the order the
    /// first sentinel that answers lists them.
    func replicas() throws(RcliError) -> [NodeAddress] {
        var failures: [String] = []
        for sentinel in sentinels {
            switch try ask(sentinel, ["SENTINEL", "REPLICAS", name]) {
            case .failure(let why):
                failures.append("\(sentinel.endpoint): \(why)")
            case .success(.array(let items)):
                return items.compactMap { item in
                    let f = item.fields
                    guard let host = f["ip"]?.text, let port = f["port"]?.text.flatMap({ Int($0) }) else { return nil }
                    let flags = (f["flags"]?.text ?? "").split(separator: ",")
                    // The sentinels' master-link-status is up to 10 s old: ROLE tells it afresh.
                    guard !flags.contains(where: { ["s_down", "o_down", "disconnected"].contains($0) }) else {
                        return nil
                    }
                    return NodeAddress(host: host, port: port)
                }
            case .success(let other):
                failures.append("\(sentinel.endpoint): " + (other.text ?? "an unexpected reply"))
            }
        }
        throw .mode("Error: no sentinel listed the replicas of '\(name)': " + failures.joined(separator: "; "))
    }

    /// Checks with ROLE, on `session` (connected now if it is not), that the server is a master
    /// (`master` true) or a replica; the connection stays open for what follows.
    func check(_ session: Session, master: Bool) throws(RcliError) {
        let reply: RESPValue
        switch try ask(session, ["ROLE"], keep: true) {
        case .failure(let why):
            throw .mode("Error: \(session.endpoint), \(describe(master)): \(why)")
        case .success(let value):
            reply = value
        }
        guard case .array(let items) = reply, let role = items.first?.text else {
            throw .mode("Error: \(session.endpoint) answered ROLE with \(reply.text ?? "an unexpected reply")")
        }
        if master && role != "master" {
            var of = ""
            if role == "slave", items.count > 2, let host = items[1].text, case .integer(let port) = items[2] {
                of = " of \(host):\(port)"
            }
            throw .mode(
                "Error: the sentinels name \(session.endpoint) as master '\(name)' but it answers ROLE as a "
                    + "\(role == "slave" ? "replica" : role)\(of)")
        }
        if !master && role != "slave" {
            throw .mode("Error: \(session.endpoint), listed as a replica of '\(name)', answers ROLE as a \(role)")
        }
        if !master, items.count > 3, let state = items[3].text, state != "connected" {
            throw .mode("Error: replica \(session.endpoint) of '\(name)' is not in sync with its master (\(state))")
        }
    }

    private func describe(_ master: Bool) -> String {
        master ? "named master '\(name)' by the sentinels" : "a replica of '\(name)'"
    }

    /// One round trip on `session` (connecting it first): the reply, or why there is none.
    /// Ctrl-C (where it ends blocking waits) is thrown. The connection is dropped afterwards
    /// unless `keep`, and always after a failure.
    private func ask(_ session: Session, _ words: [String], keep: Bool = false) throws(RcliError) -> Result<
        RESPValue, AskFailure
    > {
        let conn: Connection
        do throws(RcliError) {
            conn = try session.connect()
        } catch {
            if case .interrupted = error { throw error }
            var text = error.text.hasPrefix("Error: ") ? String(error.text.dropFirst(7)) : error.text
            if text == NetError.closed.description && !session.settings.tls { text += " (a TLS port? try --tls)" }
            return .failure(AskFailure(text: text))
        }
        do throws(NetError) {
            let deadline = monotonicSeconds() + seconds
            conn.enqueue(words.map { Array($0.utf8) })
            try conn.flush(wait: true, deadline: deadline)
            var value = try conn.nextValue(deadline: deadline)
            while case .push = value { value = try conn.nextValue(deadline: deadline) }
            if !keep { session.disconnect() }
            return .success(value)
        } catch {
            session.disconnect()
            if case .interrupted = error { throw .interrupted }
            if case .timeout = error {
                return .failure(AskFailure(text: "no reply in \(System.cFormat("%g", seconds))s"))
            }
            return .failure(AskFailure(text: error.description))
        }
    }

    /// Why a sentinel (or the server found) gave no usable reply.
    struct AskFailure: Error, CustomStringConvertible {
        let text: String
        var description: String { text }
    }
}
