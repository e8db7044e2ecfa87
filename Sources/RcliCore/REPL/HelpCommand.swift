import RESP

/// `help`, `help <command>` and `help @<group>`, from the server's `COMMAND DOCS` (fetched once,
/// on first use, over the session's connection).
final class HelpCommand {
    /// Command groups as COMMAND DOCS names them.
    static let groups = [
        "bitmap", "cluster", "connection", "generic", "geo", "hash", "hyperloglog", "list", "pubsub",
        "scripting", "sentinel", "server", "set", "sorted-set", "stream", "string", "transactions",
    ]

    struct Doc {
        var name: String
        var summary = ""
        var since = ""
        var group = ""
        var syntax = ""
        var arguments: [ArgumentSpec]?
    }

    private let session: Session
    private var docs: [String: Doc]?
    private var hinter: ArgumentHinter?

    init(session: Session) {
        self.session = session
    }

    /// Fetches the docs now unless already done (before the connection subscribes, when it can
    /// no longer be asked).
    func prefetch() {
        _ = load()
    }

    /// Command names, with subcommands as `container|sub`, lowercased.
    func commandNames() -> [String] {
        load().keys.sorted()
    }

    /// The hint to draw after a partly typed line (see `ArgumentHinter`), with a leading space
    /// when the line does not end in one; nil when there is nothing to show.
    func hint(for line: String) -> String? {
        if hinter == nil { hinter = Self.hinter(load()) }
        guard let raw = hinter?.hint(for: line), !raw.isEmpty else { return nil }
        let endsWithSpace = line.utf8.last.map { CommandLineSplitter.isSpace($0) } ?? false
        return endsWithSpace ? raw : " " + raw
    }

    /// The hint engine over `docs`.
    static func hinter(_ docs: [String: Doc]) -> ArgumentHinter {
        ArgumentHinter(
            docs.values.map { ArgumentHinter.Entry(name: $0.name, arguments: $0.arguments, params: $0.syntax) })
    }

    /// The server's COMMAND DOCS, or the committed table when it does not answer them, as the
    /// server knows it: by its INFO's identity, the commands and arguments its kind (Redis or
    /// Valkey) and version do not have are left out (as redis-cli 7.4 does for servers before
    /// 7.0); the whole table when INFO does not say.
    static func docs(_ session: Session) -> [String: Doc] {
        if let fetched = fetch(session), !fetched.isEmpty { return fetched }
        // A server that did not answer in time (the connection is dropped then) is not asked again.
        guard session.connection != nil, let info = SideQuery.send(session, ["INFO", "server"], seconds: 5),
            let text = info.text
        else { return builtin() }
        return builtin(for: ServerIdentity(info: text))
    }

    /// The committed table as `server` knows it (`CommandEntry.doc(for:)`); all of it for nil.
    static func builtin(for server: ServerIdentity?) -> [String: Doc] {
        var result: [String: Doc] = [:]
        for entry in CommandTable.all {
            if let doc = entry.doc(for: server) { result[entry.name] = doc }
        }
        return result
    }

    /// Splits a syntax line into its top-level words; a bracketed group is one word.
    static func topLevelTokens(_ syntax: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        var depth = 0
        for c in syntax {
            if c == "[" { depth += 1 }
            if c == "]" { depth -= 1 }
            if c == " " && depth == 0 {
                if !current.isEmpty { tokens.append(current) }
                current = ""
            } else {
                current.append(c)
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    /// "Did you mean" for a command name the table does not know; nil when it is known, the
    /// table is empty, or nothing is close.
    func suggestion(for name: String) -> String? {
        let all = load()
        let lower = name.lowercased()
        guard !all.isEmpty, all[lower] == nil else { return nil }
        let close = all.keys.filter { !$0.contains("|") && Self.distance($0, lower) <= 2 }.sorted()
        return close.isEmpty ? nil : "(did you mean \(close.prefix(3).map { "'\($0)'" }.joined(separator: " or "))?)\n"
    }

    /// The text to print for `help args...`.
    func text(for args: [String]) -> String {
        guard let topic = args.first else { return Self.banner }
        if args.count == 1, let shell = Self.shellTopics[topic.lowercased() == "|" ? "pipe" : topic.lowercased()] {
            return shell
        }
        let all = load()
        if all.isEmpty { return "No help available: the server did not answer COMMAND DOCS.\n" }
        if topic.hasPrefix("@") {
            let group = String(topic.dropFirst()).lowercased()
            let matching = all.values.filter { $0.group == group && !$0.name.contains("|") }.sorted {
                $0.name < $1.name
            }
            return matching.isEmpty ? "No commands in group '\(group)'.\n" : matching.map(Self.render).joined()
        }
        let name = args.joined(separator: "|").lowercased()
        if let doc = all[name] ?? all[topic.lowercased()] { return Self.render(doc) }
        let suggestions = all.keys.filter { !$0.contains("|") && Self.distance($0, topic.lowercased()) <= 2 }.sorted()
        return "No help for '\(topic)'."
            + (suggestions.isEmpty ? "" : " Did you mean: \(suggestions.joined(separator: ", "))?") + "\n"
    }

    static let banner = """
        rcli \(HelpText.version)
        To get help about Redis commands type:
              "help @<group>" to get a list of commands in <group>
              "help <command>" for help on <command>
              "help <tab>" to get a list of possible help topics
              "quit" to exit

        The shell's own commands:
              "peek <key>" a key's type, encoding, TTL, memory, length and value (the first 100 elements or 4 KB)
              "<command> | <shell command>" pipes the command's reply to /bin/sh ("help pipe")

        To set rcli preferences:
              ":set hints" enable online hints
              ":set nohints" disable online hints
        Set your preferences in ~/.rclirc

        """

    /// `help peek` and `help pipe` (or `help "|"`): the shell's own commands.
    static let shellTopics = [
        "peek": """

          PEEK key
          summary: rcli's own: the key's type, encoding, TTL, memory and length, one line each, then
          its value in the human format, the first 100 elements or 4 KB, and how much more there is.
          With -c it asks the key's node. Nothing is sent to the server under the name PEEK.

        """,
        "pipe": """

          command [arg ...] | shell command
          summary: rcli's own: sends the command and writes its reply, formatted as for a pipe (raw,
          or the format asked for with --no-raw, --csv, --json), to /bin/sh -c 'shell command' on the
          terminal. Ctrl-C stops the shell command. A quoted "|" is sent as an argument.

        """,
    ]

    static func render(_ doc: Doc) -> String {
        let display = doc.name.split(separator: "|").joined(separator: " ").uppercased()
        return
            "\n  \(display)\(doc.syntax.isEmpty ? "" : " " + doc.syntax)\n  summary: "
            + "\(doc.summary)\n  since: \(doc.since)\n  group: \(doc.group)\n\n"
    }

    /// The server's COMMAND DOCS, or the committed table (merged from Redis's and Valkey's by
    /// scripts/gen-command-table) when the server does not answer it.
    private func load() -> [String: Doc] {
        if let docs { return docs }
        let result = Self.docs(session)
        docs = result
        return result
    }

    /// The whole committed table (scripts/gen-command-table), with argument specs where it has them.
    static func builtin() -> [String: Doc] {
        builtin(for: nil)
    }

    /// COMMAND DOCS from the server, nil when it does not answer with docs.
    static func fetch(_ session: Session) -> [String: Doc]? {
        guard let reply = SideQuery.send(session, ["COMMAND", "DOCS"], seconds: 5), !reply.isError else { return nil }
        var result: [String: Doc] = [:]
        collect(reply, into: &result)
        return result
    }

    /// COMMAND DOCS is a map (RESP3) or flat array (RESP2) of name -> fields.
    static func collect(_ reply: RESPValue, into result: inout [String: Doc]) {
        let items: [RESPValue]
        switch reply {
        case .map(let m), .array(let m): items = m
        default: return
        }
        var i = 0
        while i + 1 < items.count {
            defer { i += 2 }
            // Subcommands come named "container|sub" already.
            guard let name = items[i].text?.lowercased() else { continue }
            var doc = Doc(name: name)
            let fields = items[i + 1].fields
            doc.summary = fields["summary"]?.text ?? ""
            doc.since = fields["since"]?.text ?? ""
            doc.group = fields["group"]?.text ?? ""
            if case .some(.array(let args)) = fields["arguments"] {
                doc.syntax = args.map(syntax).joined(separator: " ")
                doc.arguments = ArgumentSpec.list(docs: fields["arguments"])
            }
            result[name] = doc
            if let subs = fields["subcommands"] { collect(subs, into: &result) }
        }
    }

    /// One argument's syntax: tokens, `a|b` for oneof, `[...]` optional, `x [x ...]` multiple.
    static func syntax(_ arg: RESPValue) -> String {
        let f = arg.fields
        func text(_ key: String) -> String? { f[key]?.text }
        let type = text("type") ?? ""
        let name = text("name") ?? ""
        var flags: [String] = []
        if case .some(.array(let fl)) = f["flags"] ?? nil { flags = fl.compactMap(\.text) }
        if case .some(.set(let fl)) = f["flags"] ?? nil { flags = fl.compactMap(\.text) }
        var body: String
        var children: [RESPValue] = []
        if case .some(.array(let c)) = f["arguments"] ?? nil { children = c }
        switch type {
        case "oneof": body = children.map(syntax).joined(separator: "|")
        case "block": body = children.map(syntax).joined(separator: " ")
        case "pure-token": body = text("token") ?? name
        default: body = name
        }
        if let token = text("token"), type != "pure-token" { body = token + " " + body }
        if flags.contains("multiple") { body = "\(body) [\(body) ...]" }
        if flags.contains("optional") { body = "[\(body)]" }
        return body
    }

    /// Edit distance, for "did you mean".
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let saved = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = saved
            }
        }
        return row[b.count]
    }
}
