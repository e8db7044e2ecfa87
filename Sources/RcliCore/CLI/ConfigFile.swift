/// The config file of connection profiles, `$XDG_CONFIG_HOME/rcli/config` (default
/// `~/.config/rcli/config`): `[name]` sections of `key = value` lines, `#` or `;` comment lines.
/// It may hold passwords, so it must be readable by its owner only. Read only when a profile is
/// used (`@name`, `--profile`, `--list-profiles`).
package struct ConfigFile: Sendable {
    /// Where it was read from.
    package var path: String
    /// Its profiles in file order.
    package var profiles: [Profile]
    /// Where its relative paths are resolved.
    package var paths: Profile.Paths

    /// Larger files are refused (a config file is a few lines).
    static let sizeLimit = 1 << 20

    /// The file's path for `environment`, nil without a home directory or XDG_CONFIG_HOME.
    package static func path(_ environment: [String: String]) -> String? {
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") { return xdg + "/rcli/config" }
        return System.homeDirectory(environment).map { $0 + "/.config/rcli/config" }
    }

    /// Reads, checks and parses the file; why not (missing, readable by others, malformed) is
    /// one line naming the file.
    package static func load(_ environment: [String: String]) throws(RcliError) -> ConfigFile {
        guard let path = path(environment) else {
            throw RcliError.usage("No config file: neither HOME nor XDG_CONFIG_HOME is set")
        }
        switch System.fileStatus(path) {
        case .failure(let e) where e.code == System.noSuchFile:
            throw RcliError.usage("No config file \(path) (profiles are [name] sections of key = value lines)")
        case .failure(let e):
            throw RcliError.usage("Cannot read \(path): \(System.describe(e.code))")
        case .success(let status):
            if status.owner != System.userID {
                throw RcliError.usage("Refusing \(path): it belongs to another user (it may hold passwords)")
            }
            if status.mode & 0o077 != 0 {
                let mode = String(status.mode & 0o777, radix: 8)
                throw RcliError.usage(
                    "Refusing \(path): other users can access it (mode \(mode)) and it may hold passwords; "
                        + "run: chmod 600 \(path)")
            }
        }
        let bytes: [UInt8]
        switch System.readFile(path, limit: sizeLimit + 1) {
        case .success(let b): bytes = b
        case .failure(let e): throw RcliError.usage("Cannot read \(path): \(System.describe(e.code))")
        }
        if bytes.count > sizeLimit { throw RcliError.usage("Refusing \(path): larger than 1 MB") }
        let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast()
            .joined(separator: "/")
        let paths = Profile.Paths(home: System.homeDirectory(environment), directory: directory)
        return try parse(String(decoding: bytes, as: UTF8.self), path: path, paths: paths)
    }

    /// Parses `text`; every profile is checked (each value as its option checks it), so a mistake
    /// anywhere in the file is reported as `path:line: what is wrong`.
    package static func parse(_ text: String, path: String, paths: Profile.Paths) throws(RcliError) -> ConfigFile {
        var profiles: [Profile] = []
        for (index, raw) in lines(text).enumerated() {
            let lineNumber = index + 1
            func fail(_ why: String) -> RcliError { .usage("\(path):\(lineNumber): \(why)") }
            let line = raw.trimmingWhitespace
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]") else { throw fail("a profile starts with a [name] line") }
                let name = String(line.dropFirst().dropLast().trimmingWhitespace)
                guard isValidName(name) else {
                    throw fail("a profile name is letters, digits, '.', '_' and '-' (not '\(name)')")
                }
                if let earlier = profiles.first(where: { $0.name == name }) {
                    throw fail("profile '\(name)' is already defined at line \(earlier.line)")
                }
                profiles.append(Profile(name: name, line: lineNumber))
                continue
            }
            // The line itself is never repeated in a message: it may hold a password.
            guard let equals = line.firstIndex(of: "=") else {
                throw fail("expected 'key = value' or '[profile]'")
            }
            let key = String(line[..<equals].trimmingWhitespace).lowercased()
            var value = line[line.index(after: equals)...].trimmingWhitespace
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = value.dropFirst().dropLast() }
            guard !key.isEmpty else { throw fail("a key is missing before '='") }
            guard var profile = profiles.popLast() else {
                throw fail("'\(key)' is outside a profile: start one with a [name] line")
            }
            guard !value.isEmpty else { throw fail("'\(key)' has no value") }
            if let earlier = profile.settings.first(where: { $0.key == key }) {
                throw fail("'\(key)' is already set in [\(profile.name)] at line \(earlier.line)")
            }
            profile.settings.append(Profile.Setting(key: key, value: String(value), line: lineNumber))
            profiles.append(profile)
        }
        for profile in profiles {
            var scratch = ParsedCommandLine()
            try profile.apply(to: &scratch, file: path, paths: paths)
        }
        return ConfigFile(path: path, profiles: profiles, paths: paths)
    }

    /// The lines of `text` (`\r\n` is one character to Swift, so it is a separator of its own).
    private static func lines(_ text: String) -> [Substring] {
        text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
    }

    /// The profile called `name`; an unknown name lists the known ones.
    package func profile(named name: String) throws(RcliError) -> Profile {
        if let profile = profiles.first(where: { $0.name == name }) { return profile }
        let known = profiles.isEmpty ? "it has none" : "profiles: " + profiles.map(\.name).joined(separator: ", ")
        throw RcliError.usage("No profile '\(name)' in \(path) (\(known))")
    }

    /// True for names `@name` can spell.
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty
            && name.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                    || $0 == "." || $0 == "_" || $0 == "-"
            }
    }
}

extension Substring {
    /// Without leading and trailing spaces, tabs and carriage returns.
    fileprivate var trimmingWhitespace: Substring {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        var s = self.drop(while: blank)
        while let last = s.last, blank(last) { s = s.dropLast() }
        return s
    }
}
