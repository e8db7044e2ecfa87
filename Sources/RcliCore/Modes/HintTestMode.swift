/// redis-cli 7.2's hidden hint test hooks. `--test_hint <line>` prints the raw hint for the line
/// (no leading space, trailing spaces kept; an empty line when no command matches).
/// `--test_hint_file <file>` checks `"<line>" "<expected hint>"` pairs, prints `SUCCESS: n/m passed`
/// or `FAILURE: n/m passed`, and exits with the number of failures (255 at most). The file is read
/// as redis-cli reads it: in `fgets` chunks of at most 255 bytes, a chunk starting with `#` skipped,
/// and a chunk its splitter rejects (unbalanced quotes, a closing quote not followed by a space)
/// skipped silently, as hint suites rely on (`--verbose` names it on stderr). An unreadable file,
/// or a line with an input and no expected hint, is one line on stderr and exit 255.
enum HintTestMode {
    static func run(_ config: CLIConfiguration, hinter: ArgumentHinter, output: OutputContext) -> Int32 {
        if let line = config.testHint {
            output.out.write((hinter.hint(for: line) ?? "") + "\n")
            output.out.flush()
            if config.testHintFile == nil { return 0 }
        }
        guard let path = config.testHintFile else { return 0 }
        let text: [UInt8]
        switch System.readFile(path) {
        case .success(let bytes): text = bytes
        case .failure(let error):
            return stop("Can't open file '\(path)': \(error.description)", output)
        }
        switch read(text) {
        case .failure(let message): return stop(message, output)
        case .success(let file):
            if config.verbose {
                for skipped in file.skipped {
                    output.err.write("Skipping line \(skipped.line) (its quoting does not split): \(skipped.text)\n")
                }
                output.err.flush()
            }
            let cases = file.cases
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

    /// What a hint file holds: the (input, expected hint) pairs, and the chunks skipped because
    /// they do not split (line number, text).
    struct HintFile {
        var cases: [(String, String)] = []
        var skipped: [(line: Int, text: String)] = []
    }

    /// The pairs of a hint file read as redis-cli's `testHintSuite` reads it: `fgets` into a
    /// 256-byte buffer (so a longer line arrives as several chunks), a chunk whose first byte is
    /// `#` skipped, the rest trimmed of newlines and split; no words (an empty line, or quoting
    /// the splitter rejects) skips the chunk; one word is redis-cli's fatal
    /// `Missing expected hint for input '<word>'`; words after the second are ignored.
    static func read(_ bytes: [UInt8]) -> Result<HintFile, HintFileError> {
        var file = HintFile()
        var line = 1
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && end - start < 255 {
                end += 1
                if bytes[end - 1] == 10 { break }
            }
            let chunk = bytes[start..<end]
            let number = line
            if chunk.last == 10 { line += 1 }
            start = end
            if chunk.first == UInt8(ascii: "#") { continue }
            let trimmed = chunk.drop { $0 == 10 }.reversed().drop { $0 == 10 }.reversed()
            guard let words = CommandLineSplitter.split(trimmed) else {
                file.skipped.append((number, String(decoding: trimmed, as: UTF8.self)))
                continue
            }
            switch words.count {
            case 0: continue
            case 1:
                let input = String(decoding: words[0], as: UTF8.self)
                return .failure(HintFileError("Missing expected hint for input '\(input)'"))
            default:
                file.cases.append(
                    (String(decoding: words[0], as: UTF8.self), String(decoding: words[1], as: UTF8.self)))
            }
        }
        return .success(file)
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
