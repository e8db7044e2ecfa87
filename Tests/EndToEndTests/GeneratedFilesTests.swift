import Foundation
import Testing

/// The committed man page and completions must match what the option table generates
/// (regenerate with `make generate`).
@Test(
    "generated files are up to date",
    arguments: [
        ("man", "man/rcli.1"), ("bash", "completions/rcli.bash"), ("zsh", "completions/_rcli"),
        ("fish", "completions/rcli.fish"),
    ])
func generatedFilesAreCurrent(_ what: String, _ path: String) throws {
    let generated = try rcli(["--generate", what])
    #expect(generated.status == 0)
    let committed = try String(contentsOf: TestEnvironment.packageRoot.appendingPathComponent(path), encoding: .utf8)
    #expect(generated.out == committed, "\(path) is out of date with the option table: run `make generate`")
    for option in ["-h", "--user", "--quoted-json", "--show-pushes"] {
        #expect(
            committed.contains(
                what == "fish"
                    ? String(option.drop(while: { $0 == "-" }))
                    : (what == "man" ? option.replacingOccurrences(of: "-", with: "\\-") : option)),
            "\(option) missing from \(path)")
    }
}

@Test func bashCompletionCompletesOptionsAndValues() throws {
    let script = """
        source \(TestEnvironment.packageRoot.path)/completions/rcli.bash
        COMP_WORDS=(rcli --no-r); COMP_CWORD=1; _rcli; echo "${COMPREPLY[*]}"
        COMP_WORDS=(rcli --show-pushes y); COMP_CWORD=2; _rcli; echo "${COMPREPLY[*]}"
        """
    let r = try run("/bin/bash", ["-c", script])
    #expect(r.out == "--no-raw\nyes\n")
}
