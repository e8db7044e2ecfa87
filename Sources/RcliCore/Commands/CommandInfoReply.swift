import Cluster
import RESP

/// Key positions read from a server's `COMMAND INFO` reply: what routes a command the committed
/// table lacks (`CommandKeyBook`), and what `--generate commands` writes into the table.
enum CommandInfoReply {
    /// Each command of one `COMMAND INFO` entry, its subcommands first (`container|sub`), with its
    /// key positions; nil info for a keyless command. Empty for a nil entry (an unknown name) or
    /// one that is not shaped like an entry.
    static func commands(_ entry: RESPValue) -> [(name: String, info: CommandKeyInfo?)] {
        guard case .array(let e) = entry, e.count >= 9, let name = e[0].text?.lowercased() else { return [] }
        var out: [(name: String, info: CommandKeyInfo?)] = []
        if e.count >= 10, case .array(let subs) = e[9] {
            for sub in subs { out += commands(sub) }
        }
        var readOnly = false
        if case .array(let flags) = e[2] { readOnly = flags.contains { $0.text == "readonly" } }
        if case .set(let flags) = e[2] { readOnly = flags.contains { $0.text == "readonly" } }
        var specs: [KeySpec] = []
        if case .array(let raw) = e[8] { specs = raw.compactMap(keySpec) }
        out.append((name, specs.isEmpty ? nil : CommandKeyInfo(specs: specs, readOnly: readOnly)))
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
