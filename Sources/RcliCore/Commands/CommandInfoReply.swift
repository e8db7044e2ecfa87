import Cluster
import RESP

/// Key positions, arity and flags read from a server's `COMMAND INFO` reply: what routes a
/// command the committed table lacks (`CommandKeyBook`), and what `--generate commands` writes
/// into the table.
enum CommandInfoReply {
    /// One command of an entry.
    struct Command {
        /// Lowercased name, `container|sub` for a subcommand.
        var name: String
        /// Its key positions; nil for a keyless command.
        var info: CommandKeyInfo?
        /// Its arity and flags.
        var flags: CommandFlags
    }

    /// Each command of one `COMMAND INFO` entry, its subcommands first (`container|sub`). Empty
    /// for a nil entry (an unknown name) or one that is not shaped like an entry.
    static func commands(_ entry: RESPValue) -> [Command] {
        guard case .array(let e) = entry, e.count >= 9, let name = e[0].text?.lowercased() else { return [] }
        var out: [Command] = []
        if e.count >= 10, case .array(let subs) = e[9] {
            for sub in subs { out += commands(sub) }
        }
        var flags: Set<String> = []
        if case .array(let items) = e[2] { flags = Set(items.compactMap(\.text)) }
        if case .set(let items) = e[2] { flags = Set(items.compactMap(\.text)) }
        var arity = 0
        if case .integer(let n) = e[1], (-4096...4096).contains(n) { arity = Int(n) }
        var specs: [KeySpec] = []
        if case .array(let raw) = e[8] { specs = raw.compactMap(keySpec) }
        let info = specs.isEmpty ? nil : CommandKeyInfo(specs: specs, readOnly: flags.contains("readonly"))
        out.append(Command(name: name, info: info, flags: CommandFlags(arity: arity, flags: flags)))
        return out
    }

    /// One key specification (a map, or a flat array under RESP2); nil for a kind rcli cannot
    /// follow (`unknown` begin or find: the server resolves those itself).
    private static func keySpec(_ spec: RESPValue) -> KeySpec? {
        let f = spec.fields
        let b = f["begin_search"]?.fields ?? [:]
        let k = f["find_keys"]?.fields ?? [:]
        let bs = b["spec"]?.fields ?? [:]
        let ks = k["spec"]?.fields ?? [:]
        // Positions and steps beyond any real command line are refused: a hostile or broken
        // reply must not make the key search's arithmetic overflow.
        func int(_ v: RESPValue?) -> Int? {
            if case .some(.integer(let n)) = v, (-4096...4096).contains(n) { return Int(n) }
            return nil
        }
        let begin: KeySpec.Begin
        switch b["type"]?.text {
        case "index":
            guard let i = int(bs["index"]) else { return nil }
            begin = .index(i)
        case "keyword":
            guard let w = bs["keyword"]?.text, let s = int(bs["startfrom"]) else { return nil }
            begin = .keyword(w, startFrom: s)
        default: return nil
        }
        switch k["type"]?.text {
        case "range":
            guard let l = int(ks["lastkey"]), let s = int(ks["keystep"]), let lim = int(ks["limit"]) else { return nil }
            return KeySpec(begin: begin, find: .range(last: l, step: s, limit: lim))
        case "keynum":
            guard let n = int(ks["keynumidx"]), let fk = int(ks["firstkey"]), let s = int(ks["keystep"]) else {
                return nil
            }
            return KeySpec(begin: begin, find: .keyNum(numIndex: n, first: fk, step: s))
        default: return nil
        }
    }
}
