import Testing

@testable import RcliCore

private let paths = Profile.Paths(home: "/home/u", directory: "/home/u/.config/rcli")
private let file = "/home/u/.config/rcli/config"

private func parse(_ text: String) throws(RcliError) -> ConfigFile {
    try ConfigFile.parse(text, path: file, paths: paths)
}

/// The error text parsing `text` gives, nil when it parses.
private func failure(_ text: String) -> String? {
    do throws(RcliError) {
        _ = try parse(text)
        return nil
    } catch {
        return error.text
    }
}

private func options(_ arguments: [String], _ text: String, environment: [String: String] = [:]) throws
    -> ParsedCommandLine
{
    try OptionParser.parse(arguments, environment: environment) { _ throws(RcliError) in try parse(text) }
}

@Test func profilesParseWithCommentsQuotesAndLineNumbers() throws {
    let config = try parse(
        """
        # production
        ; also a comment
        [prod]
          host = 10.0.0.1\r
        port=6380
        password = "  spaced # not a comment "

        [ dev ]
        uri = redis://localhost/2
        """)
    #expect(config.profiles.map(\.name) == ["prod", "dev"])
    #expect(config.profiles.map(\.line) == [3, 8])
    #expect(
        config.profiles[0].settings == [
            .init(key: "host", value: "10.0.0.1", line: 4), .init(key: "port", value: "6380", line: 5),
            .init(key: "password", value: "  spaced # not a comment ", line: 6),
        ])
    #expect(try parse("\r\n[a]\r\nport = 1\r\n").profiles[0].settings == [.init(key: "port", value: "1", line: 3)])
    #expect(try parse("").profiles.isEmpty)
}

@Test func malformedFilesSayTheLineAndWhatIsWrong() {
    let cases: [(String, String)] = [
        ("port = 1", "1: 'port' is outside a profile: start one with a [name] line"),
        ("[a]\nport = 1\n[a b]", "3: a profile name is letters, digits, '.', '_' and '-' (not 'a b')"),
        ("[a]\n[b", "2: a profile starts with a [name] line"),
        ("[a]\n\n[a]", "3: profile 'a' is already defined at line 1"),
        ("[a]\npassword: hunter2", "2: expected 'key = value' or '[profile]'"),
        ("[a]\n= 1", "2: a key is missing before '='"),
        ("[a]\nhost =", "2: 'host' has no value"),
        ("[a]\nport = 1\nport = 2", "3: 'port' is already set in [a] at line 2"),
        ("[a]\nport = 99999", "2: 'port': Invalid port for -p: '99999' (expected 0-65535)"),
        ("[a]\ndb = -1", "2: 'db': Invalid database number for -n: '-1'"),
        ("[a]\nresp = 4", "2: 'resp': expected 2 or 3, not '4'"),
        ("[a]\ncluster = maybe", "2: 'cluster': expected yes or no, not 'maybe'"),
        ("[a]\nuri = http://x", "2: 'uri': Invalid URI scheme"),
        ("[a]\nprompt-color = pink", "2: 'prompt-color': unknown colour 'pink' (one of red, green, yellow, "),
        ("[a]\nhots = x", "2: 'hots': unknown key (keys: cacert, cacertdir, cert, cluster, confirm, db, host, "),
        ("[ok]\nport = 1\n[a]\npassword = x\npassword-command = pass x", "5: profile 'a' has both a password"),
        ("[a]\nuri = redis://:pw@h\npassword-command = pass x", "3: profile 'a' has both a password"),
    ]
    for (text, expected) in cases {
        let message = failure(text) ?? "parsed"
        #expect(message.hasPrefix(file + ":" + expected), "\(text.debugDescription): \(message)")
        #expect(!message.contains("hunter2"), "a line that may hold a password is never repeated")
    }
}

@Test func theProfileIsAppliedFirstAndTheCommandLineOverridesIt() throws {
    let text = """
        [prod]
        host = 10.0.0.1
        port = 6380
        user = alice
        password = wonderland
        db = 2
        resp = 3
        cluster = yes
        replica-reads = true
        tls = on
        cacert = ~/ca.crt
        cert = certs/me.crt
        key = /etc/me.key
        sni = redis.internal
        prompt-color = bold-red
        confirm = no
        [dev]
        uri = redis://:devpass@localhost:7000/4
        """
    let p = try options(["@prod", "-n", "5", "get", "k"], text)
    #expect(p.command == ["get", "k"])
    let c = p.config
    #expect(c.profileName == "prod")
    #expect(c.host == "10.0.0.1" && c.port == 6380 && c.user == "alice" && c.password == "wonderland")
    #expect(c.database == 5, "the command line's -n wins")
    #expect(c.protocolVersion == 3 && c.cluster && c.replicaReads && c.tls)
    #expect(c.tlsOptions.caFile == "/home/u/ca.crt")
    #expect(c.tlsOptions.certFile == "/home/u/.config/rcli/certs/me.crt")
    #expect(c.tlsOptions.keyFile == "/etc/me.key")
    #expect(c.tlsSNI == "redis.internal" && c.promptColor == .boldRed && !c.confirmDangerous)
    #expect(!c.passwordOnCommandLine, "a profile's password earns no command-line warning")

    let dev = try options(["--profile", "dev", "-p", "7001", "-a", "typed"], text).config
    #expect(dev.host == "localhost" && dev.port == 7001 && dev.database == 4 && dev.password == "typed")
    #expect(dev.passwordOnCommandLine && dev.confirmDangerous && dev.promptColor == nil)

    // Without a profile the file is not read at all.
    let plain = try OptionParser.parse(["ping"], environment: [:]) { _ throws(RcliError) in
        throw RcliError.usage("read")
    }
    #expect(plain.config.profileName == nil && plain.command == ["ping"])
    // '@' after the command is an argument.
    #expect(try options(["get", "@prod"], text).config.profileName == nil)
}

@Test func profileNamesAndPasswordsFromElsewhere() throws {
    let text = "[a]\npassword-command = pass show a\n[b]\npassword = fromfile\n[c]\nport = 1\n"
    func expectFailure(_ arguments: [String], _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(sourceLocation: sourceLocation) { try options(arguments, text) } throws: {
            ($0 as? RcliError)?.text == message
        }
    }
    expectFailure(["@a", "--profile", "b"], "Two profiles given: 'a' and 'b'")
    expectFailure(["@", "ping"], "Invalid profile name '' (letters, digits, '.', '_' and '-')")
    expectFailure(["@nope"], "No profile 'nope' in \(file) (profiles: a, b, c)")
    #expect(try options(["@a", "--profile", "a"], text).config.profileName == "a")

    let env = ["REDISCLI_AUTH": "fromenv"]
    #expect(try options(["@a"], text, environment: env).config.passwordCommand == "pass show a")
    #expect(try options(["@a"], text, environment: env).config.password == nil)
    #expect(try options(["@a", "-a", "x"], text).config.passwordCommand == nil, "a typed password wins")
    #expect(try options(["@a", "-u", "redis://:x@h"], text).config.passwordCommand == nil)
    #expect(try options(["@a", "--askpass"], text).config.passwordCommand == nil)
    #expect(try options(["@b"], text, environment: env).config.password == "fromfile")
    #expect(try options(["@c"], text, environment: env).config.password == "fromenv")
}

@Test func passwordCommandOutput() throws {
    let what = "password-command"
    func password(_ output: String, _ end: System.CommandEnd = .exited(0)) -> String {
        switch PasswordCommand.password(from: Array(output.utf8), end: end, what: what) {
        case .success(let p): return "ok:" + p
        case .failure(let e): return e.text
        }
    }
    #expect(password("s3cret\n") == "ok:s3cret")
    #expect(password("s3cret\r\n") == "ok:s3cret")
    #expect(password("with space ") == "ok:with space ")
    #expect(password("") == "The password-command printed no password")
    #expect(password("\n") == "The password-command printed no password")
    #expect(password("pw\nuser: x\n").hasPrefix("The password-command printed several lines"))
    #expect(password("pw\n", .exited(1)) == "The password-command failed with exit status 1")
    #expect(password("pw\n", .signalled(9)) == "The password-command was killed by signal 9")

    #expect(try PasswordCommand.run("printf 'a b\\n'", profile: "p").get() == "a b")
    guard case .failure(let e) = PasswordCommand.run("echo pw; exit 3", profile: "p") else {
        Issue.record("a failing command gives no password")
        return
    }
    #expect(e.text == "The password-command of profile 'p' (echo pw; exit 3) failed with exit status 3")
}

@Test func promptColoursAreMarkedAsInvisibleForLibedit() {
    #expect(PromptColor.red.paint("@p>") == "\u{1}\u{1b}[31m\u{1}@p>\u{1}\u{1b}[0m\u{1}")
    #expect(PromptColor(rawValue: "bold-cyan")?.escape == "\u{1b}[1;36m")
}
