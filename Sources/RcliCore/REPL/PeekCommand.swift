import RESP

/// The shell's `peek <key>`: what a key is, in two pipelined round trips through the engine (so
/// `-c` routes them by the key and follows redirects like any command): TYPE, OBJECT ENCODING,
/// PTTL and MEMORY USAGE, then the type's length and a capped read of its value (see
/// `PeekReport`). The shell's own command: a server command named PEEK cannot be sent from the
/// shell, and `peek` with other than one argument prints the usage instead of being sent.
enum PeekCommand {
    /// The one-line usage.
    static let usage =
        "usage: peek <key> (rcli's own: a key's type, encoding, TTL, memory, length and value; nothing sent)\n"

    /// The first round trip.
    static func factQueries(_ key: [UInt8]) -> [[[UInt8]]] {
        [
            [word("TYPE"), key], [word("OBJECT"), word("ENCODING"), key], [word("PTTL"), key],
            [word("MEMORY"), word("USAGE"), key],
        ]
    }

    /// The second round trip for `type`: its length and a capped read of its value; nil for a
    /// type whose value is not shown (module types, vector sets ...).
    static func detailQueries(type: String, key: [UInt8]) -> [[[UInt8]]]? {
        let cap = "\(PeekReport.elementCap)"
        let last = "\(PeekReport.elementCap - 1)"
        // Every query is NAME key ARGS...
        func command(_ name: String, _ args: String...) -> [[UInt8]] { [word(name), key] + args.map(word) }
        switch type {
        case "string": return [command("STRLEN"), command("GETRANGE", "0", "\(PeekReport.byteCap - 1)")]
        case "list": return [command("LLEN"), command("LRANGE", "0", last)]
        case "hash": return [command("HLEN"), command("HSCAN", "0", "COUNT", cap)]
        case "set": return [command("SCARD"), command("SSCAN", "0", "COUNT", cap)]
        case "zset": return [command("ZCARD"), command("ZRANGE", "0", last, "WITHSCORES")]
        case "stream": return [command("XLEN"), command("XRANGE", "-", "+", "COUNT", cap)]
        default: return nil
        }
    }

    /// The type TYPE answered; nil when it answered an error (or nothing).
    static func type(_ facts: [ReplyCollector.Result]) -> String? {
        guard case .value(let value)? = facts.first, !value.isError, let text = value.text else { return nil }
        return text
    }

    /// What to print for `key` from the two round trips' results.
    static func report(key: [UInt8], facts: [ReplyCollector.Result], details: [ReplyCollector.Result]) -> String {
        guard facts.count == 4 else { return "rcli: peek: no reply\n" }
        guard let type = type(facts) else { return failure(facts[0]) }
        if type == "none" { return "(no such key: \(quoted(key)))\n" }
        var report = PeekReport(
            type: type, encoding: fact(facts[1]) { $0.text },
            ttl: fact(facts[2]) { integer($0).map(PeekReport.duration) },
            memory: fact(facts[3]) { integer($0).map(PeekReport.bytes) })
        guard details.count == 2 else { return report.render() }
        let unit = Self.unit(type)
        if case .value(let n) = details[0], let count = integer(n) { report.length = (count, unit) }
        report.value = value(type: type, details[1])
        return report.render()
    }

    /// The value's part of the report from the second query's answer.
    static func value(type: String, _ result: ReplyCollector.Result) -> PeekReport.Value {
        guard case .value(let reply) = result else { return .unavailable(failureText(result)) }
        if case .error(let msg) = reply { return .unavailable(String(decoding: msg, as: UTF8.self)) }
        switch (type, reply) {
        case ("string", _):
            return .bytes(reply.stringBytes ?? [])
        case ("hash", .array(let scan)) where scan.count == 2:
            return .elements(items(scan[1]), pairs: true)
        case ("set", .array(let scan)) where scan.count == 2:
            return .elements(items(scan[1]), pairs: false)
        case ("zset", _):
            // RESP2: member, score, member, score ...; RESP3: [member, score] pairs.
            let flat = items(reply).flatMap { item -> [RESPValue] in
                if case .array(let pair) = item { return pair }
                return [item]
            }
            return .elements(flat, pairs: true)
        default:
            return .elements(items(reply), pairs: false)
        }
    }

    private static func items(_ value: RESPValue) -> [RESPValue] {
        switch value {
        case .array(let items), .set(let items), .map(let items): return items
        default: return []
        }
    }

    private static func unit(_ type: String) -> String {
        switch type {
        case "string": return "bytes"
        case "hash": return "fields"
        case "stream": return "entries"
        default: return "elements"
        }
    }

    private static func fact(_ result: ReplyCollector.Result, _ read: (RESPValue) -> String?) -> PeekReport.Fact {
        guard case .value(let value) = result else { return .unknown(failureText(result)) }
        if case .error(let msg) = value { return .unknown(String(decoding: msg, as: UTF8.self)) }
        return read(value).map { .text($0) } ?? .unknown("no answer")
    }

    private static func integer(_ value: RESPValue) -> Int64? {
        if case .integer(let n) = value { return n }
        return nil
    }

    private static func failure(_ result: ReplyCollector.Result) -> String {
        if case .value(let value) = result {
            var out: [UInt8] = []
            TTYFormatter().format(value, into: &out)
            return String(decoding: out, as: UTF8.self)
        }
        return "rcli: peek: \(failureText(result))\n"
    }

    private static func failureText(_ result: ReplyCollector.Result) -> String {
        switch result {
        case .failed(let why): return why
        case .value(let value): return value.text ?? "unexpected reply"
        }
    }

    /// The key as the tty format quotes it.
    private static func quoted(_ key: [UInt8]) -> String {
        var out: [UInt8] = []
        TTYFormatter().format(.bulkString(key), into: &out)
        if out.last == 10 { out.removeLast() }
        return String(decoding: out, as: UTF8.self)
    }

    private static func word(_ text: String) -> [UInt8] { Array(text.utf8) }

}
