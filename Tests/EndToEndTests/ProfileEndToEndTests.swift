import Foundation
import Testing

/// Connection profiles from `~/.config/rcli/config` against the fixture servers.
@Suite struct ProfileEndToEndTests {
    /// A scratch home whose config file holds `text` with `mode`; the caller removes it.
    private func home(_ text: String, mode: Int = 0o600) throws -> URL {
        let home = try scratchDirectory("profile")
        let dir = home.appendingPathComponent(".config/rcli")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("config")
        try text.write(to: file, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: file.path)
        return home
    }

    @Test func aProfileCarriesPortUserAndPassword() throws {
        let port = try TestEnvironment.port("RCLI_TEST_AUTH_PORT")
        let home = try home(
            """
            # the fixture with requirepass and the ACL user alice
            [auth]
            port = \(port)
            user = alice
            password = wonderland
            db = 3
            """)
        defer { try? FileManager.default.removeItem(at: home) }
        let env = ["HOME": home.path]
        let ping = try rcli(["@auth", "ping"], environment: env)
        #expect(ping.out == "PONG\n" && ping.err.isEmpty && ping.status == 0, "\(ping.err)")
        let who = try rcli(["--profile", "auth", "acl", "whoami"], environment: env)
        #expect(who.out == "alice\n")
        // Flags override the profile: the database, and the user and password.
        let info = try rcli(["@auth", "-n", "5", "client", "info"], environment: env)
        #expect(info.out.contains(" db=5 "), "\(info.out)")
        let admin = try rcli(["@auth", "--user", "default", "-a", "s3cret", "acl", "whoami"], environment: env)
        #expect(admin.out == "default\n")
        let list = try rcli(["--list-profiles"], environment: env)
        #expect(list.out == "auth\n" && list.status == 0)
    }

    @Test func passwordCommandRunsOnlyWhenNeeded() throws {
        let port = try TestEnvironment.port("RCLI_TEST_AUTH_PORT")
        let marker = try scratchDirectory("marker").appendingPathComponent("ran")
        defer { try? FileManager.default.removeItem(at: marker.deletingLastPathComponent()) }
        let home = try home(
            """
            [cmd]
            port = \(port)
            password-command = touch '\(marker.path)'; printf 's3cret\\n'
            [reader]
            port = \(port)
            password-command = cat >/dev/null; printf s3cret
            [broken]
            port = \(port)
            password-command = echo 'vault is sealed' >&2; exit 2
            """)
        defer { try? FileManager.default.removeItem(at: home) }
        let env = ["HOME": home.path]
        let typed = try rcli(["@cmd", "-a", "s3cret", "--no-auth-warning", "ping"], environment: env)
        #expect(typed.out == "PONG\n")
        #expect(!FileManager.default.fileExists(atPath: marker.path), "a password on the command line: not run")
        let ping = try rcli(["@cmd", "ping"], environment: env)
        #expect(ping.out == "PONG\n" && ping.status == 0, "\(ping.err)")
        #expect(FileManager.default.fileExists(atPath: marker.path))
        #expect(!ping.err.contains("s3cret"))
        let script = try rcli(["@reader"], stdin: "ping\necho script\n", environment: env)
        #expect(script.out == "PONG\nscript\n", "the command cannot read the script: \(script.err)")
        let broken = try rcli(["@broken", "ping"], environment: env)
        #expect(broken.status == 1 && broken.out.isEmpty)
        #expect(
            broken.err
                == "vault is sealed\nThe password-command of profile 'broken' (echo 'vault is sealed' >&2; exit 2) "
                + "failed with exit status 2\n")
    }

    @Test func aProfileWithTLSFiles() throws {
        let port = try TestEnvironment.port("RCLI_TEST_TLS_MTLS_PORT")
        let tls = try TestEnvironment.port("RCLI_TEST_TLS_DIR")
        let home = try home(
            """
            [secure]
            host = localhost
            port = \(port)
            tls = yes
            cacert = \(tls)/ca.crt
            cert = \(tls)/client.crt
            key = \(tls)/client.key
            """)
        defer { try? FileManager.default.removeItem(at: home) }
        let ping = try rcli(["@secure", "ping"], environment: ["HOME": home.path])
        #expect(ping.out == "PONG\n" && ping.status == 0, "\(ping.err)")
    }

    @Test func xdgConfigHomeAndRefusals() throws {
        let port = try TestEnvironment.port()
        let xdg = try scratchDirectory("xdg")
        defer { try? FileManager.default.removeItem(at: xdg) }
        try FileManager.default.createDirectory(
            at: xdg.appendingPathComponent("rcli"), withIntermediateDirectories: true)
        let file = xdg.appendingPathComponent("rcli/config")
        try "[local]\nport = \(port)\n".write(to: file, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        let empty = try scratchDirectory("nohome")
        defer { try? FileManager.default.removeItem(at: empty) }
        let env = ["HOME": empty.path, "XDG_CONFIG_HOME": xdg.path]
        #expect(try rcli(["@local", "ping"], environment: env).out == "PONG\n")

        let missing = try rcli(["@local", "ping"], environment: ["HOME": empty.path])
        #expect(missing.status == 1)
        #expect(missing.err.hasPrefix("No config file \(empty.path)/.config/rcli/config"), "\(missing.err)")
        let unknown = try rcli(["@prod", "ping"], environment: env)
        #expect(unknown.err == "No profile 'prod' in \(file.path) (profiles: local)\n" && unknown.status == 1)

        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path)
        let open = try rcli(["@local", "ping"], environment: env)
        #expect(open.status == 1 && open.out.isEmpty)
        #expect(
            open.err
                == "Refusing \(file.path): other users can access it (mode 644) and it may hold passwords; "
                + "run: chmod 600 \(file.path)\n")
        // Without a profile the file is not read.
        #expect(try rcli(["-p", port, "ping"], environment: env).out == "PONG\n")
    }

    @Test func malformedFilesNameTheLine() throws {
        let port = try TestEnvironment.port()
        let home = try home("[local]\nport = \(port)\n\n[other]\nreplica-reads = perhaps\n")
        defer { try? FileManager.default.removeItem(at: home) }
        let r = try rcli(["@local", "ping"], environment: ["HOME": home.path])
        #expect(r.status == 1 && r.out.isEmpty)
        #expect(
            r.err == "\(home.path)/.config/rcli/config:5: 'replica-reads': expected yes or no, not 'perhaps'\n")
    }

    @Test func aClusterProfileFollowsRedirects() throws {
        let ports = try TestEnvironment.port("RCLI_TEST_CLUSTER_PORTS").split(separator: ",").map(String.init)
        let home = try home("[cluster]\nport = \(ports[0])\ncluster = yes\n")
        defer { try? FileManager.default.removeItem(at: home) }
        let p = uniquePrefix()
        // Three keys on the three masters' slot ranges: at least two are MOVED from any one node.
        for key in ["a", "b", "c"] {
            let set = try rcli(["@cluster", "set", p + "{\(key)}", key], environment: ["HOME": home.path])
            #expect(set.out == "OK\n", "\(key): \(set.out) \(set.err)")
            let check = try redisCli(["-c", "-p", ports[0], "getdel", p + "{\(key)}"])
            #expect(check.out == key + "\n")
        }
    }

    @Test func theShellPromptShowsTheProfile() throws {
        let port = try TestEnvironment.port()
        let home = try home("[prod]\nport = \(port)\ndb = 2\nprompt-color = bold-red\n")
        defer { try? FileManager.default.removeItem(at: home) }
        let shell = try TmuxSession([TestEnvironment.rcli, "@prod"], environment: ["HOME": home.path])
        try shell.wait(for: "@prod 127.0.0.1:\(port)[2]> ")
        try shell.type("select 4")
        try shell.wait(for: "@prod 127.0.0.1:\(port)[4]> ")
        try shell.type("quit")
        try shell.wait(for: "shell exit") { _ in (try? shell.isAlive()) == false }
    }

    @Test func bashCompletesProfileNames() throws {
        let home = try home("[prod]\nport = 1\n[dev]\nport = 2\n[prod-eu]\nport = 3\n")
        defer { try? FileManager.default.removeItem(at: home) }
        let script = """
            source \(TestEnvironment.packageRoot.path)/completions/rcli.bash
            r=\(TestEnvironment.rcli)
            COMP_LINE="$r @pr"; COMP_POINT=${#COMP_LINE}; COMP_WORDS=($r @ pr); COMP_CWORD=2; _rcli
            echo "${COMPREPLY[*]}"
            COMP_LINE="$r --profile d"; COMP_POINT=${#COMP_LINE}; COMP_WORDS=($r --profile d); COMP_CWORD=2; _rcli
            echo "${COMPREPLY[*]}"
            """
        let r = try run("/bin/bash", ["-c", script], environment: ["HOME": home.path])
        #expect(r.out == "prod prod-eu\ndev\n", "\(r.err)")
    }
}
