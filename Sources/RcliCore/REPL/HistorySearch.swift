/// Incremental history search, as redis-cli 7.4's Ctrl-R / Ctrl-S: pure state (the term, the
/// direction, the current hit) and what each key does to it. LineEditor reads the keys, draws
/// `display` and applies the outcome to libedit's line.
///
/// As redis-cli: the hit is the first entry, from the newest (backward) or the oldest (forward),
/// containing the term as a case-sensitive substring; an empty term matches nothing; Ctrl-R /
/// Ctrl-S again continue from the hit in that direction, skipping entries equal to it, with no
/// wrap-around (a step that finds nothing keeps the hit); Enter runs the hit, or the term itself
/// when there is none. Unlike redis-cli (which empties the line on every other key): Tab, the
/// arrows, Home/End and Ctrl-A/E/B/F/P/N accept the hit for editing, and Ctrl-G, Ctrl-C or a
/// lone Esc give back the line as it was before the search.
package struct HistorySearch: Equatable, Sendable {
    /// Which way a search goes through the history.
    package enum Direction: Equatable, Sendable {
        /// Newest to oldest (Ctrl-R).
        case backward
        /// Oldest to newest (Ctrl-S).
        case forward
    }

    /// A key, as far as the search cares.
    package enum Key: Equatable, Sendable {
        /// Printable text (one key, or a pasted run).
        case text(String)
        /// Backspace (DEL or Ctrl-H): drop the term's last character.
        case backspace
        /// Ctrl-U: empty the term.
        case clear
        /// Ctrl-R or Ctrl-S: step in that direction.
        case search(Direction)
        /// Enter: run the hit.
        case enter
        /// Tab, Up/Down, Ctrl-P/N, End, Ctrl-E: edit the hit with the cursor at its end.
        case acceptAtEnd
        /// Home, Ctrl-A: edit the hit with the cursor at its start.
        case acceptAtStart
        /// Left, Ctrl-B: edit the hit with the cursor one left of where it is shown.
        case acceptLeft
        /// Right, Ctrl-F: edit the hit with the cursor one right of where it is shown.
        case acceptRight
        /// Any other escape sequence (Delete, Page Up, Alt-x): edit the hit, cursor where shown.
        case acceptHere
        /// Ctrl-G, Ctrl-C, a lone Esc: back to the line as it was.
        case cancel
        /// Another control key: nothing happens.
        case ignored
    }

    /// What a key led to.
    package enum Outcome: Equatable, Sendable {
        /// Still searching: redraw.
        case searching
        /// Leave and run this line.
        case run(String)
        /// Leave with this line to edit, the cursor `cursor` Unicode scalars from its start.
        case edit(String, cursor: Int)
        /// Leave with the line as it was before the search.
        case cancel
    }

    /// The lines searched, oldest first.
    package let entries: [String]
    /// What is searched for.
    package private(set) var term = ""
    /// The direction of the last search.
    package private(set) var direction: Direction
    /// The index in `entries` of the current hit.
    package private(set) var hit: Int?

    /// A search over `entries` (oldest first), started in `direction` with an empty term.
    package init(entries: [String], direction: Direction) {
        self.entries = entries
        self.direction = direction
    }

    /// What stands in place of the prompt.
    package var prompt: String { direction == .backward ? "(reverse-i-search): " : "(i-search): " }

    /// The line shown after the prompt: the hit split around the first occurrence of the term
    /// (drawn in bold), or the bare term (as `before`) when there is no hit.
    package var display: (before: String, match: String, after: String) {
        guard let hit, let range = Self.firstOccurrence(of: term, in: entries[hit]) else { return (term, "", "") }
        let bytes = Array(entries[hit].utf8)
        return (
            String(decoding: bytes[..<range.lowerBound], as: UTF8.self), term,
            String(decoding: bytes[range.upperBound...], as: UTF8.self)
        )
    }

    /// What Enter runs: the hit, or the term when there is none.
    package var result: String { hit.map { entries[$0] } ?? term }

    /// Applies `key`.
    package mutating func handle(_ key: Key) -> Outcome {
        let shown = display
        let cursor = shown.before.unicodeScalars.count + shown.match.unicodeScalars.count
        let length = result.unicodeScalars.count
        switch key {
        case .text(let text):
            term += text
            restart()
        case .backspace:
            if !term.isEmpty { term.removeLast() }
            restart()
        case .clear:
            term = ""
            restart()
        case .search(let way):
            direction = way
            step()
        case .enter: return .run(result)
        case .acceptAtEnd: return .edit(result, cursor: length)
        case .acceptAtStart: return .edit(result, cursor: 0)
        case .acceptLeft: return .edit(result, cursor: max(cursor - 1, 0))
        case .acceptRight: return .edit(result, cursor: min(cursor + 1, length))
        case .acceptHere: return .edit(result, cursor: cursor)
        case .cancel: return .cancel
        case .ignored: break
        }
        return .searching
    }

    /// A new term: search again from the newest (backward) or oldest (forward) entry.
    private mutating func restart() {
        hit = nil
        guard !term.isEmpty else { return }
        let order = direction == .backward ? Array(entries.indices.reversed()) : Array(entries.indices)
        hit = order.first { Self.firstOccurrence(of: term, in: entries[$0]) != nil }
    }

    /// Ctrl-R / Ctrl-S again: the next entry past the hit that contains the term and differs from
    /// the hit; the hit stays when there is none. Without a hit, a fresh search.
    private mutating func step() {
        guard let current = hit else { return restart() }
        let order =
            direction == .backward
            ? Array(entries.indices.prefix(upTo: current).reversed())
            : Array(entries.indices.suffix(from: current + 1))
        if let next = order.first(where: {
            entries[$0] != entries[current] && Self.firstOccurrence(of: term, in: entries[$0]) != nil
        }) {
            hit = next
        }
    }

    /// The UTF-8 byte range of the first occurrence of `needle` in `text` (case-sensitive).
    package static func firstOccurrence(of needle: String, in text: String) -> Range<Int>? {
        let n = Array(needle.utf8)
        let t = Array(text.utf8)
        guard !n.isEmpty, n.count <= t.count else { return nil }
        for start in 0...(t.count - n.count) where t[start] == n[0] && t[start..<(start + n.count)].elementsEqual(n) {
            return start..<(start + n.count)
        }
        return nil
    }

    /// The key that the terminal bytes of one key press stand for: a control byte, an escape
    /// sequence (a lone ESC cancels), or printable text.
    package static func key(_ bytes: [UInt8]) -> Key {
        guard let first = bytes.first else { return .ignored }
        switch first {
        case 0x1b: return escapeKey(Array(bytes.dropFirst()))
        case 0x7f, 0x08: return .backspace
        case 0x0d, 0x0a: return .enter
        case 0x09, 0x05, 0x10, 0x0e: return .acceptAtEnd // Tab, Ctrl-E, Ctrl-P, Ctrl-N
        case 0x01: return .acceptAtStart
        case 0x02: return .acceptLeft
        case 0x06: return .acceptRight
        case 0x12: return .search(.backward)
        case 0x13: return .search(.forward)
        case 0x07, 0x03: return .cancel
        case 0x15: return .clear
        case ..<0x20: return .ignored
        default: return .text(String(decoding: bytes, as: UTF8.self))
        }
    }

    /// The key for what follows an ESC: CSI (ESC [ ...) and SS3 (ESC O x) sequences by their
    /// final byte (so modified arrows count too), Home/End also as ESC [1~ / [4~ / [7~ / [8~.
    private static func escapeKey(_ rest: [UInt8]) -> Key {
        guard let introducer = rest.first, let final = rest.last, rest.count >= 2 else {
            return rest.isEmpty ? .cancel : .acceptHere
        }
        guard introducer == UInt8(ascii: "[") || introducer == UInt8(ascii: "O") else { return .acceptHere }
        switch final {
        case UInt8(ascii: "A"), UInt8(ascii: "B"), UInt8(ascii: "F"): return .acceptAtEnd
        case UInt8(ascii: "C"): return .acceptRight
        case UInt8(ascii: "D"): return .acceptLeft
        case UInt8(ascii: "H"): return .acceptAtStart
        case UInt8(ascii: "~"):
            let code = String(decoding: rest.dropFirst().dropLast().prefix { $0 != UInt8(ascii: ";") }, as: UTF8.self)
            if code == "1" || code == "7" { return .acceptAtStart }
            if code == "4" || code == "8" { return .acceptAtEnd }
            return .acceptHere
        default: return .acceptHere
        }
    }
}
