/// redis-cli 7.2's hidden hint test hooks. `--test_hint <line>` prints the raw hint for the line
/// (no leading space, trailing spaces kept; an empty line when no command matches).
/// `--test_hint_file <file>` checks `"<line>" "<expected hint>"` pairs (lines starting with `#` and
/// blank lines skipped), prints `SUCCESS: n/m passed` or `FAILURE: n/m passed`, and exits with the
/// number of failures (255 at most); an unreadable file or a malformed line is one line on stderr
/// and exit 255.
enum HintTestMode {
    static func run(_ config: CLIConfiguration, hinter: ArgumentHinter, output: OutputContext) -> Int32 {
        if let line = config.testHint {
            output.out.write((hinter.hint(for: line) ?? "") + "\n")
            output.out.flush()
            if config.testHintFile == nil { return 0 }
        }
        guard let path = config.testHintFile else { return 0 }
        let text: String
        switch System.readFile(path) {
        case .success(let bytes): text = String(decoding: bytes, as: UTF8.self)
        case .failure(let error):
            return stop("Can't open file '\(path)': \(error.description)", output)
        }
        switch cases(in: text) {
        case .failure(let message): return stop(message, output)
        case .success(let cases):
            var passed = 0
            for (input, expected) in cases {
                let hint = hinter.hint(for: input)
                if config.verbose {
                    output.out.write("Input: '\(input)', Expected: '\(expected)', Hint: '\(hint ?? "(null)")'\n")
                }
                if let hint, String(hint.reversed().drop { $0 == " " }.reversed()) == expected {
                    passed += 1
                } else {
                    output.out.flush()
                    output.err.write("Test case '\(input)' FAILED: expected '\(expected)', got '\(hint ?? "(null)")'\n")
                    output.err.flush()
                }
            }
            let verdict = passed == cases.count ? "SUCCESS" : "FAILURE"
            output.out.write("\(verdict): \(passed)/\(cases.count) passed\n")
            output.out.flush()
            return Int32(min(cases.count - passed, 255))
        }
    }

    /// The (input, expected hint) pairs of a hint file, or why a line is malformed (with its number).
    static func cases(in text: String) -> Result<[(String, String)], HintFileError> {
        var cases: [(String, String)] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.hasPrefix("#") { continue }
            guard let words = CommandLineSplitter.split(Array(line.utf8)) else {
                return .failure(HintFileError("Unbalanced quotes on line \(index + 1): \(line)"))
            }
            switch words.count {
            case 0: continue
            case 1:
                let input = String(decoding: words[0], as: UTF8.self)
                return .failure(HintFileError("Missing expected hint for input '\(input)' on line \(index + 1)"))
            default:
                cases.append((String(decoding: words[0], as: UTF8.self), String(decoding: words[1], as: UTF8.self)))
            }
        }
        return .success(cases)
    }

    /// Why a hint file cannot be checked.
    struct HintFileError: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    private static func stop(_ message: String, _ output: OutputContext) -> Int32 {
        output.out.flush()
        output.err.write(message + "\n")
        output.err.flush()
        return 255
    }

    private static func stop(_ error: HintFileError, _ output: OutputContext) -> Int32 {
        stop(error.message, output)
    }
}
