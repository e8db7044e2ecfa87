import Foundation
import Testing

/// `make dist`'s tarball (which `make test` builds first): unpacked into an empty directory, its
/// binary runs with no Swift toolchain on PATH and needs only glibc, libedit and OpenSSL.
@Suite struct DistTests {
    /// The libraries the binary may load: glibc's, libedit and what libedit needs, OpenSSL.
    static let allowedLibraries = [
        "linux-vdso.so", "ld-linux", "libc.so", "libm.so", "libdl.so", "libpthread.so", "librt.so",
        "libedit.so", "libtinfo.so", "libbsd.so", "libmd.so", "libssl.so", "libcrypto.so",
    ]

    /// The tarball for the version the built binary reports, unpacked into a new directory.
    static func unpack() throws -> (dir: URL, root: URL) {
        let version = try rcli(["--version"]).out.split(separator: "\n").first.map(String.init) ?? ""
        #expect(version.hasPrefix("rcli "))
        let name = version.replacingOccurrences(of: "rcli ", with: "rcli-") + "-linux-" + machine()
        let tarball = TestEnvironment.packageRoot.appendingPathComponent("dist/\(name).tar.gz")
        guard FileManager.default.fileExists(atPath: tarball.path) else {
            Issue.record("\(tarball.path) is missing: run `make dist` (make test does)")
            throw TestEnvironment.FixtureMissing()
        }
        let dir = try scratchDirectory("dist")
        let untar = try run("/bin/tar", ["-xzf", tarball.path, "-C", dir.path])
        #expect(untar.status == 0, "tar: \(untar.err)")
        return (dir, dir.appendingPathComponent(name))
    }

    static func machine() -> String {
        var u = utsname()
        uname(&u)
        return withUnsafeBytes(of: &u.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }

    /// Runs `executable` with exactly `environment` (nothing inherited).
    static func runClean(_ executable: String, _ arguments: [String], environment: [String: String]) throws
        -> RunResult
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return RunResult(stdout: Array(stdout), stderr: Array(stderr), status: process.terminationStatus)
    }

    @Test func tarballHoldsTheFilesAndTheirSums() throws {
        let (dir, root) = try Self.unpack()
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = try FileManager.default.subpathsOfDirectory(atPath: root.path).sorted()
        #expect(
            files == [
                "LICENSE", "README.md", "SHA256SUMS", "completions", "completions/_rcli", "completions/rcli.bash",
                "completions/rcli.fish", "rcli", "rcli.1",
            ])
        let check = try run("/bin/sh", ["-c", "cd '\(root.path)' && sha256sum -c SHA256SUMS"])
        #expect(check.status == 0, "sha256sum -c: \(check.out) \(check.err)")
        #expect(check.out.split(separator: "\n").count == 7)
        // Stripped: no symbol table.
        let sections = try run("/usr/bin/readelf", ["-S", root.appendingPathComponent("rcli").path])
        #expect(sections.status == 0)
        #expect(!sections.out.contains(".symtab"))
    }

    @Test func binaryNeedsOnlyGlibcLibeditAndOpenSSL() throws {
        let (dir, root) = try Self.unpack()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ldd = try run("/usr/bin/ldd", [root.appendingPathComponent("rcli").path])
        #expect(ldd.status == 0)
        let lines = ldd.out.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(!lines.isEmpty)
        for line in lines {
            #expect(
                Self.allowedLibraries.contains { line.hasPrefix($0) || line.contains("/\($0)") },
                "the dist binary needs \(line)")
        }
        #expect(!ldd.out.contains("swift") && !ldd.out.contains("stdc++") && !ldd.out.contains("libgcc_s"))
        #expect(lines.contains { $0.hasPrefix("libedit.so") })
    }

    @Test func runsWithoutASwiftToolchain() throws {
        let port = try TestEnvironment.port()
        let (dir, root) = try Self.unpack()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = "/usr/bin:/bin"
        for d in path.split(separator: ":") {
            #expect(!FileManager.default.fileExists(atPath: "\(d)/swift"), "\(d)/swift is on the test's PATH")
        }
        let env = ["PATH": path, "HOME": dir.path]
        let binary = root.appendingPathComponent("rcli").path
        let version = try Self.runClean(binary, ["--version"], environment: env)
        #expect(version.status == 0, "\(version.err)")
        let lines = version.out.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines.first?.hasPrefix("rcli ") == true)
        // The commit the tarball was built from, as `make dist` passed it (never "unknown").
        let head = try run("/usr/bin/git", ["-C", TestEnvironment.packageRoot.path, "rev-parse", "--short=12", "HEAD"])
        #expect(head.status == 0 && head.out.count > 7)
        let commit = lines.count > 1 ? lines[1] : ""
        #expect(commit.hasPrefix("git commit " + head.out.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(lines.last?.hasPrefix("OpenSSL 3") == true, "\(version.out)")
        let ping = try Self.runClean(binary, ["-p", port, "PING"], environment: env)
        #expect(ping.out == "PONG\n")
        #expect(ping.status == 0)
    }
}
