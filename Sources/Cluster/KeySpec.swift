/// Where a command's keys are, as Redis 7 key specifications describe it (`COMMAND INFO`):
/// a place to begin (a fixed index, or just after a keyword) and a rule to find the keys from
/// there (a range, or a count read from an argument as `EVAL`'s numkeys).
package struct KeySpec: Sendable, Equatable {
    /// Where the search starts.
    package enum Begin: Sendable, Equatable {
        /// At this argument (0 is the command name).
        case index(Int)
        /// Just after `keyword`, searched from `startFrom` (negative: from the end, backwards).
        case keyword(String, startFrom: Int)
    }

    /// How the keys are found from the beginning.
    package enum Find: Sendable, Equatable {
        /// Keys up to `last` (relative to the beginning; negative counts from the end), every
        /// `step`; with `last == -1`, `limit` > 1 means only 1/limit of the remaining arguments.
        case range(last: Int, step: Int, limit: Int)
        /// The number of keys is the argument at `numIndex`; keys start at `first`, every `step`
        /// (both relative to the beginning).
        case keyNum(numIndex: Int, first: Int, step: Int)
    }

    /// The beginning.
    package var begin: Begin
    /// The finding rule.
    package var find: Find

    /// A key specification.
    package init(begin: Begin, find: Find) {
        self.begin = begin
        self.find = find
    }

    /// Indices into `args` of the keys this spec names, following the server's own algorithm
    /// (`getKeysUsingKeySpecs`). Empty when the arguments do not fit (the server will say why).
    package func keyIndices(_ args: [[UInt8]]) -> [Int] {
        let argc = args.count
        var first = 0
        switch begin {
        case .index(let i):
            first = i
        case .keyword(let word, let startFrom):
            let target = Array(word.utf8)
            let start = startFrom > 0 ? startFrom : argc + startFrom
            let end = startFrom > 0 ? argc - 1 : 0
            var i = start
            while i != end {
                if i >= argc || i < 1 { break }
                if Self.equalsIgnoringCase(args[i], target) {
                    first = i + 1
                    break
                }
                i += start <= end ? 1 : -1
            }
            if first == 0 { return [] }
        }
        var last: Int
        let step: Int
        switch find {
        case .range(let lastKey, let keyStep, let limit):
            step = keyStep
            if lastKey >= 0 {
                last = first + lastKey
            } else if limit == 0 {
                last = argc + lastKey
            } else {
                last = first + ((argc - first) / limit + lastKey)
            }
        case .keyNum(let numIndex, let firstKey, let keyStep):
            step = keyStep
            guard numIndex >= 0, numIndex < argc - first,
                let n = Int(String(decoding: args[first + numIndex], as: UTF8.self)), n >= 0, n < argc
            else { return [] }
            first += firstKey
            // n keys, one every `step` arguments (Valkey 9.1's MSETEX: numkeys key value ...;
            // its COMMAND GETKEYS names every key). Redis 7.x's `first + n - 1` is the same for step 1.
            last = first + (n - 1) * step
        }
        guard step > 0, first >= 1, first < argc, last < argc, last >= first else { return [] }
        return Array(stride(from: first, through: last, by: step))
    }

    private static func equalsIgnoringCase(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).allSatisfy { CommandKeys.lowercased($0) == CommandKeys.lowercased($1) }
    }
}

/// What routing needs to know about one command: its key specs and whether it only reads.
package struct CommandKeyInfo: Sendable, Equatable {
    /// The command's key specifications.
    package var specs: [KeySpec]
    /// Flagged `readonly` by the server: may be served by a replica.
    package var readOnly: Bool

    /// An entry from its parts.
    package init(specs: [KeySpec], readOnly: Bool) {
        self.specs = specs
        self.readOnly = readOnly
    }

    /// Parses the compact form the generated table uses: flags (`r` for readonly, or `-`),
    /// then specs separated by `;`, each a beginning and a rule separated by a space:
    /// `i<index>` or `k<keyword>,<startfrom>`, then `r<last>,<step>,<limit>` or
    /// `n<numindex>,<first>,<step>`. Nil when malformed.
    package init?(compact flags: String, _ specs: String) {
        readOnly = flags.contains("r")
        self.specs = []
        for part in specs.split(separator: ";") {
            let halves = part.split(separator: " ")
            guard halves.count == 2, let b = halves[0].first, let f = halves[1].first else { return nil }
            let bArgs = halves[0].dropFirst().split(separator: ",", omittingEmptySubsequences: false)
            let fArgs = halves[1].dropFirst().split(separator: ",").compactMap { Int($0) }
            let begin: KeySpec.Begin
            switch b {
            case "i":
                guard bArgs.count == 1, let i = Int(bArgs[0]) else { return nil }
                begin = .index(i)
            case "k":
                guard bArgs.count == 2, let s = Int(bArgs[1]) else { return nil }
                begin = .keyword(String(bArgs[0]), startFrom: s)
            default: return nil
            }
            guard fArgs.count == 3 else { return nil }
            let find: KeySpec.Find
            switch f {
            case "r": find = .range(last: fArgs[0], step: fArgs[1], limit: fArgs[2])
            case "n": find = .keyNum(numIndex: fArgs[0], first: fArgs[1], step: fArgs[2])
            default: return nil
            }
            self.specs.append(KeySpec(begin: begin, find: find))
        }
    }

    /// The compact form (`init(compact:_:)` reads it back).
    package var compact: (flags: String, specs: String) {
        let specText = specs.map { spec -> String in
            let b: String
            switch spec.begin {
            case .index(let i): b = "i\(i)"
            case .keyword(let w, let s): b = "k\(w),\(s)"
            }
            switch spec.find {
            case .range(let l, let s, let lim): return b + " r\(l),\(s),\(lim)"
            case .keyNum(let n, let f, let s): return b + " n\(n),\(f),\(s)"
            }
        }
        return (readOnly ? "r" : "-", specText.joined(separator: ";"))
    }

    /// Indices of every key in `args`, in argument order, without repeats.
    package func keyIndices(_ args: [[UInt8]]) -> [Int] {
        if specs.count == 1 { return specs[0].keyIndices(args) }
        var seen = Set<Int>()
        return specs.flatMap { $0.keyIndices(args) }.filter { seen.insert($0).inserted }.sorted()
    }
}
