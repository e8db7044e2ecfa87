/// An argument spec with the match state `ArgumentHinter` keeps while matching typed words
/// (redis-cli's `matched`, `matched_token`, `matched_name`, `matched_all`), and the matching and
/// hint-building steps over it, in redis-cli 7.2's order (matchArgs, addHintForArguments).
struct MatchNode {
    let spec: ArgumentSpec
    var matched = 0
    var matchedToken = false
    var matchedName = false
    var matchedAll = false
    var children: [MatchNode]

    init(_ spec: ArgumentSpec) {
        self.spec = spec
        children = spec.children.map(MatchNode.init)
    }

    mutating func clear() {
        matched = 0
        matchedToken = false
        matchedName = false
        matchedAll = false
        for i in children.indices { children[i].clear() }
    }

    // MARK: Matching

    /// Matches as many words as possible against `nodes`; a required argument that does not match
    /// ends the match. Returns the number of words matched.
    static func matchArgs(_ words: ArraySlice<String>, _ nodes: inout [MatchNode]) -> Int {
        var next = 0
        var arg = 0
        while next != words.count && arg != nodes.count {
            defer { arg += 1 }
            let rest = words.dropFirst(next)
            let count: Int
            if nodes[arg].spec.optional {
                var last = arg
                while last < nodes.count && nodes[last].spec.optional { last += 1 }
                count = matchOptionalArgs(rest, &nodes, arg..<last)
                arg = last - 1
            } else {
                count = nodes[arg].matchArg(rest)
                if count == 0 { return 0 }
            }
            next += count
        }
        return next
    }

    /// A run of optional arguments, in any order; each new match completes the previous one.
    private static func matchOptionalArgs(
        _ words: ArraySlice<String>, _ nodes: inout [MatchNode], _ run: Range<Int>
    ) -> Int {
        var next = 0
        var last: Int?
        while next != words.count {
            var found: (arg: Int, count: Int)?
            for arg in run where nodes[arg].matched == 0 {
                let count = nodes[arg].matchArg(words.dropFirst(next))
                if count != 0 {
                    found = (arg, count)
                    break
                }
            }
            guard let found else { break }
            if let last { nodes[last].matchedAll = true }
            last = found.arg
            next += found.count
        }
        return next
    }

    /// This argument, repeated while it is complete and words remain when it is `multiple`.
    mutating func matchArg(_ words: ArraySlice<String>) -> Int {
        var once = matchArgOnce(words)
        guard spec.multiple else { return once }
        var total = once
        while matchedAll && total < words.count {
            clear()
            let rest = words.dropFirst(total)
            if spec.token != nil && !spec.multipleToken {
                // The token comes once; later repetitions act as if it was typed.
                once = matchNoTokenArg(rest)
                if matched != 0 { matchedToken = true }
            } else {
                once = matchArgOnce(rest)
            }
            total += once
        }
        matchedAll = false // more repetitions may follow
        return total
    }

    private mutating func matchArgOnce(_ words: ArraySlice<String>) -> Int {
        var words = words
        if let token = spec.token {
            guard let word = words.first, Self.sameWord(token, word) else { return 0 }
            matchedToken = true
            matched = 1
            if spec.kind == .pureToken {
                matchedAll = true
                return 1
            }
            if words.count == 1 { return 1 }
            words = words.dropFirst()
        }
        if matchNoTokenArg(words) == 0 { return 0 }
        return matched
    }

    private mutating func matchNoTokenArg(_ words: ArraySlice<String>) -> Int {
        switch spec.kind {
        case .block:
            matched += Self.matchArgs(words, &children)
            matchedAll = children.allSatisfy(\.matchedAll)
        case .oneOf:
            for i in children.indices where children[i].matchArg(words) != 0 {
                matched += children[i].matched
                matchedAll = children[i].matchedAll
                break
            }
        case .integer, .unixTime, .double:
            guard let word = words.first else { return matched }
            let ok = spec.kind == .double ? Self.looksLikeDouble(word) : Self.looksLikeInteger(word)
            if ok {
                matched += 1
                matchedName = true
                matchedAll = true
            } else {
                matched = 0
                matchedName = false
            }
        default:
            guard !words.isEmpty else { return matched }
            matched += 1
            matchedName = true
            matchedAll = true
        }
        return matched
    }

    // MARK: Hint text

    /// The hint for `nodes`, separated by `separator`; unfinished optional arguments first.
    static func hintForArguments(_ hint: inout String, _ nodes: inout [MatchNode], separator: String) {
        var length = hint.utf8.count
        func separate(_ isLast: Bool) {
            if hint.utf8.count > length && !isLast {
                hint += separator
                length = hint.utf8.count
            }
        }
        var i = 0
        while i < nodes.count {
            defer { i += 1 }
            guard nodes[i].spec.optional else {
                nodes[i].hint(&hint)
                separate(i == nodes.count - 1)
                continue
            }
            var j = i
            var incomplete: Int?
            while j < nodes.count && nodes[j].spec.optional {
                if nodes[j].matched != 0 && !nodes[j].matchedAll {
                    nodes[j].hint(&hint)
                    separate(i == nodes.count - 1)
                    incomplete = j
                }
                j += 1
            }
            if j == nodes.count || nodes[j].matched == 0 {
                while i < j {
                    if incomplete != i {
                        nodes[i].hint(&hint)
                        separate(i == nodes.count - 1)
                    }
                    i += 1
                }
            }
            i = j - 1
        }
    }

    /// This argument's hint, unless it is complete.
    mutating func hint(_ hint: inout String) {
        if matchedAll { return }
        let bracket = spec.optional && matched == 0
        if bracket { hint += "[" }
        if let token = spec.token, !matchedToken {
            hint += Self.orEmpty(token)
            if spec.kind != .pureToken { hint += " " }
        }
        switch spec.kind {
        case .oneOf:
            if matched == 0 {
                Self.hintForArguments(&hint, &children, separator: "|")
            } else {
                for i in children.indices where children[i].matched != 0 { children[i].hint(&hint) }
            }
        case .block:
            Self.hintForArguments(&hint, &children, separator: " ")
        case .pureToken:
            break
        default:
            if !matchedName { hint += Self.orEmpty(spec.displayText ?? spec.name) }
        }
        repeatedHint(&hint)
        if bracket { hint += "]" }
    }

    /// ` [unit ...]` for a multiple argument: the whole unit, whatever was typed.
    private mutating func repeatedHint(_ hint: inout String) {
        guard spec.multiple else { return }
        clear()
        if !hint.isEmpty { hint += " " }
        hint += "["
        if spec.multipleToken, let token = spec.token {
            hint += Self.orEmpty(token)
            if spec.kind != .pureToken { hint += " " }
        }
        switch spec.kind {
        case .oneOf: Self.hintForArguments(&hint, &children, separator: "|")
        case .block: Self.hintForArguments(&hint, &children, separator: " ")
        case .pureToken: break
        default: hint += Self.orEmpty(spec.displayText ?? spec.name)
        }
        hint += " ...]"
    }

    // MARK: Words

    static func orEmpty(_ s: String) -> String { s.isEmpty ? "\"\"" : s }

    static func sameWord(_ a: String, _ b: String) -> Bool {
        a.utf8.count == b.utf8.count && a.lowercased() == b.lowercased()
    }

    /// What `sscanf("%lld")` accepts: optional blanks and sign, then a digit (trailing text allowed).
    static func looksLikeInteger(_ word: String) -> Bool {
        var s = Substring(word).drop { $0 == " " || $0 == "\t" || $0 == "\n" }
        if s.first == "+" || s.first == "-" { s = s.dropFirst() }
        return s.first?.isASCII == true && s.first?.isNumber == true
    }

    /// What `sscanf("%lf")` accepts: optional blanks and sign, then a digit, `.digit`, inf or nan.
    static func looksLikeDouble(_ word: String) -> Bool {
        var s = Substring(word).drop { $0 == " " || $0 == "\t" || $0 == "\n" }
        if s.first == "+" || s.first == "-" { s = s.dropFirst() }
        if looksLikeInteger(String(s)) { return true }
        if s.first == ".", let next = s.dropFirst().first, next.isASCII, next.isNumber { return true }
        let lower = s.lowercased()
        return lower.hasPrefix("inf") || lower.hasPrefix("nan")
    }
}
