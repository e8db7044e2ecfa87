import Testing

@testable import RcliCore

/// Ctrl-R / Ctrl-S as a state machine (redis-cli 7.4's rules, rcli's accept/cancel keys).
struct HistorySearchTests {
    /// Oldest first, as LineEditor hands them over.
    let history = ["set a 1", "get a", "echo one", "set b 2", "echo two", "get b"]

    private func typed(_ term: String, _ direction: HistorySearch.Direction = .backward) -> HistorySearch {
        var search = HistorySearch(entries: history, direction: direction)
        for c in term { _ = search.handle(.text(String(c))) }
        return search
    }

    @Test func backwardFindsTheNewestEntryContainingTheTerm() {
        var search = typed("ec")
        #expect(search.hit == 4)
        #expect(search.prompt == "(reverse-i-search): ")
        #expect(search.display == ("", "ec", "ho two"))
        _ = search.handle(.text("ho o"))
        #expect(search.hit == 2)
        #expect(search.display == ("", "echo o", "ne"))
    }

    @Test func forwardFindsTheOldestEntryContainingTheTerm() {
        let search = typed("get", .forward)
        #expect(search.hit == 1)
        #expect(search.prompt == "(i-search): ")
        #expect(search.display == ("", "get", " a"))
    }

    @Test func searchingIsCaseSensitiveAndFindsTheFirstOccurrence() {
        #expect(typed("SET").hit == nil)
        var search = HistorySearch(entries: ["lpush l a a"], direction: .backward)
        _ = search.handle(.text(" a"))
        #expect(search.display == ("lpush l", " a", " a"))
    }

    @Test func steppingContinuesInEitherDirectionWithoutWrapping() {
        var search = typed("set")
        #expect(search.hit == 3)
        #expect(search.handle(.search(.backward)) == .searching)
        #expect(search.hit == 0)
        // Nothing older: the hit stays (no wrap-around).
        _ = search.handle(.search(.backward))
        #expect(search.hit == 0)
        // The direction flips and the prompt follows.
        _ = search.handle(.search(.forward))
        #expect(search.hit == 3)
        #expect(search.prompt == "(i-search): ")
        _ = search.handle(.search(.forward))
        #expect(search.hit == 3)
    }

    @Test func steppingSkipsEntriesEqualToTheHit() {
        var search = HistorySearch(entries: ["ping x", "ping", "ping x", "ping x"], direction: .backward)
        _ = search.handle(.text("ping"))
        #expect(search.hit == 3)
        _ = search.handle(.search(.backward))
        #expect(search.hit == 1)
        _ = search.handle(.search(.backward))
        #expect(search.hit == 0)
    }

    @Test func anEmptyTermMatchesNothingAndBackspaceSearchesAgain() {
        var search = HistorySearch(entries: history, direction: .backward)
        _ = search.handle(.search(.backward))
        #expect(search.hit == nil)
        #expect(search.display == ("", "", ""))
        _ = search.handle(.text("get a"))
        #expect(search.hit == 1)
        _ = search.handle(.backspace)
        #expect(search.term == "get ")
        // A new term searches again from the newest entry.
        #expect(search.hit == 5)
        for _ in 0..<4 { _ = search.handle(.backspace) }
        #expect(search.term == "")
        #expect(search.hit == nil)
        _ = search.handle(.backspace)
        #expect(search.term == "")
        _ = search.handle(.text("echo"))
        _ = search.handle(.clear)
        #expect(search.term == "" && search.hit == nil)
    }

    @Test func enterRunsTheHitOrTheTermWhenThereIsNone() {
        var search = typed("b 2")
        #expect(search.handle(.enter) == .run("set b 2"))
        var missing = typed("nomatch")
        #expect(missing.hit == nil)
        #expect(missing.display == ("nomatch", "", ""))
        #expect(missing.handle(.enter) == .run("nomatch"))
    }

    @Test func editingKeysAcceptTheHitWithTheCursorWhereTheyPutIt() {
        var search = typed("cho")
        // Shown as "e" + "cho" + " two", the cursor after "cho".
        #expect(search.handle(.acceptAtEnd) == .edit("echo two", cursor: 8))
        #expect(search.handle(.acceptAtStart) == .edit("echo two", cursor: 0))
        #expect(search.handle(.acceptLeft) == .edit("echo two", cursor: 3))
        #expect(search.handle(.acceptRight) == .edit("echo two", cursor: 5))
        #expect(search.handle(.acceptHere) == .edit("echo two", cursor: 4))
        #expect(search.handle(.cancel) == .cancel)
        #expect(search.handle(.ignored) == .searching)
        var ending = typed("two")
        #expect(ending.handle(.acceptRight) == .edit("echo two", cursor: 8))
        var none = typed("zz")
        #expect(none.handle(.acceptAtEnd) == .edit("zz", cursor: 2))
    }

    @Test func utf8EntriesAndTerms() {
        var search = HistorySearch(entries: ["set clé café", "set k 日本語です"], direction: .backward)
        _ = search.handle(.text("é"))
        #expect(search.hit == 0)
        #expect(search.display == ("set cl", "é", " café"))
        _ = search.handle(.search(.backward))
        #expect(search.hit == 0)
        _ = search.handle(.backspace)
        _ = search.handle(.text("本語"))
        #expect(search.hit == 1)
        #expect(search.display == ("set k 日", "本語", "です"))
        #expect(search.handle(.acceptLeft) == .edit("set k 日本語です", cursor: 8))
    }

    @Test func terminalBytesMapToKeys() {
        let cases: [([UInt8], HistorySearch.Key)] = [
            ([0x12], .search(.backward)), ([0x13], .search(.forward)), ([0x7f], .backspace), ([0x08], .backspace),
            ([0x0d], .enter), ([0x0a], .enter), ([0x09], .acceptAtEnd), ([0x05], .acceptAtEnd),
            ([0x01], .acceptAtStart),
            ([0x02], .acceptLeft), ([0x06], .acceptRight), ([0x07], .cancel), ([0x03], .cancel), ([0x1b], .cancel),
            ([0x15], .clear), ([0x04], .ignored), (Array("\u{1b}[A".utf8), .acceptAtEnd),
            (Array("\u{1b}[B".utf8), .acceptAtEnd), (Array("\u{1b}[C".utf8), .acceptRight),
            (Array("\u{1b}[D".utf8), .acceptLeft), (Array("\u{1b}OD".utf8), .acceptLeft),
            (Array("\u{1b}[1;5C".utf8), .acceptRight), (Array("\u{1b}[H".utf8), .acceptAtStart),
            (Array("\u{1b}[F".utf8), .acceptAtEnd), (Array("\u{1b}[1~".utf8), .acceptAtStart),
            (Array("\u{1b}[4~".utf8), .acceptAtEnd), (Array("\u{1b}[3~".utf8), .acceptHere),
            (Array("\u{1b}x".utf8), .acceptHere), (Array("ab é".utf8), .text("ab é")),
        ]
        for (bytes, key) in cases { #expect(HistorySearch.key(bytes) == key, "\(bytes)") }
    }

    @Test func theSearchLineWrapsAndTheCursorFollowsTheMatch() {
        var search = HistorySearch(
            entries: ["echo " + String(repeating: "x", count: 30) + " end"], direction: .backward)
        _ = search.handle(.text("end"))
        // 20 (prompt) + 36 + 3 = 59 columns on a 25-column terminal: 3 rows, the cursor after "end"
        // on the last one.
        let drawn = LineEditor.searchDrawing(search, columns: 25, cursorRow: 0)
        #expect(drawn.cursorRow == 2)
        #expect(drawn.text.hasPrefix("\r\u{1b}[J(reverse-i-search): \u{1b}[0mecho "))
        #expect(drawn.text.hasSuffix("\u{1b}[1mend\u{1b}[0m\r\u{1b}[9C"))
        // Redrawn from the third row: up two rows first.
        #expect(LineEditor.searchDrawing(search, columns: 25, cursorRow: 2).text.hasPrefix("\u{1b}[2A\r\u{1b}[J"))
        // The cursor on an earlier row than the end of the line.
        _ = search.handle(.clear)
        _ = search.handle(.text("echo"))
        let early = LineEditor.searchDrawing(search, columns: 25, cursorRow: 0)
        #expect(early.cursorRow == 0)
        #expect(early.text.hasSuffix(" end\u{1b}[2A\r\u{1b}[24C"))
        // Exactly filling a row: the cursor moves on to the next row itself.
        var exact = HistorySearch(entries: ["abcde"], direction: .backward)
        _ = exact.handle(.text("e"))
        let full = LineEditor.searchDrawing(exact, columns: 25, cursorRow: 0)
        #expect(full.cursorRow == 1)
        #expect(full.text.hasSuffix("\u{1b}[1me\u{1b}[0m\r\n\r"))
    }

    /// The bytes redis's tests/integration/redis-cli.tcl (7.4) match through FAKETTY_WITH_PROMPT,
    /// at the hook's 80 columns: ESC[0m, the text before, the term in bold, ESC[0m, the rest.
    @Test func theSearchLineHasRedisCli74sBytesAt80Columns() {
        var keys = HistorySearch(entries: ["keys one", "keys two"], direction: .backward)
        _ = keys.handle(.text("ey"))
        #expect(
            LineEditor.searchDrawing(keys, columns: 80, cursorRow: 0).text
                == "\r\u{1b}[J(reverse-i-search): \u{1b}[0mk\u{1b}[1mey\u{1b}[0ms two\r\u{1b}[23C")
        _ = keys.handle(.search(.forward))
        #expect(
            LineEditor.searchDrawing(keys, columns: 80, cursorRow: 0).text
                == "\r\u{1b}[J(i-search): \u{1b}[0mk\u{1b}[1mey\u{1b}[0ms two\r\u{1b}[15C")
        var get = HistorySearch(entries: ["SET blah \"myvalue\"", "GET blah"], direction: .backward)
        _ = get.handle(.text("ET b"))
        #expect(
            LineEditor.searchDrawing(get, columns: 80, cursorRow: 0).text
                == "\r\u{1b}[J(reverse-i-search): \u{1b}[0mG\u{1b}[1mET b\u{1b}[0mlah\r\u{1b}[25C")
        // No hit (or no term yet): the bare term, without the reset code, as redis-cli 7.4.1.
        var none = HistorySearch(entries: ["GET blah"], direction: .backward)
        #expect(
            LineEditor.searchDrawing(none, columns: 80, cursorRow: 0).text
                == "\r\u{1b}[J(reverse-i-search): \r\u{1b}[20C")
        _ = none.handle(.text("keys \""))
        #expect(
            LineEditor.searchDrawing(none, columns: 80, cursorRow: 0).text
                == "\r\u{1b}[J(reverse-i-search): keys \"\r\u{1b}[26C")
    }
}
