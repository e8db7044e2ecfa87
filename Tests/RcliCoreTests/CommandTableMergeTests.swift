import Cluster
import Testing

@testable import RcliCore

/// The merge of Redis's and Valkey's tables (`CommandTableMerge`), the origin-aware filter
/// (`CommandEntry.doc(for:)`) and the server identity it uses.
struct CommandTableMergeTests {
    static func doc(
        _ name: String, _ since: String, group: String = "string", summary: String = "", args: String? = nil
    ) -> HelpCommand.Doc {
        let arguments = args.flatMap { ArgumentSpec.parse(compact: $0) }
        let syntax = arguments.map { $0.map(\.name).joined(separator: " ") } ?? ""
        return HelpCommand.Doc(
            name: name, summary: summary, since: since, group: group, syntax: syntax, arguments: arguments)
    }

    static func keys(_ flags: String, _ specs: String) -> CommandKeyInfo {
        CommandKeyInfo(compact: flags, specs)!
    }

    static let redis = ServerCommands(
        docs: [
            "get": doc("get", "1.0.0", args: "k:key::"),
            "hsetex": doc("hsetex", "8.0.0", group: "hash", summary: "Set.", args: "k:key::,t?:fnx::=FNX"),
            "vadd": doc("vadd", "", group: "module"),
            "odd": doc("odd", "2.0.0", group: "generic"),
        ],
        keys: [
            "get": keys("r", "i1 r0,1,0"), "hsetex": keys("-", "i1 r0,1,0"), "vadd": keys("-", "i1 r0,1,0"),
            "odd": keys("r", "i1 r0,1,0"),
        ])
    static let valkey = ServerCommands(
        docs: [
            "get": doc("get", "1.0.0", args: "k:key::"),
            "hsetex": doc(
                "hsetex", "9.0.0", group: "hash", summary: "Sets.", args: "k:key::,t?:nx::=NX:=9.1.0,t?:fnx::=FNX"),
            "delifeq": doc("delifeq", "9.0.0", args: "k:key::,s:value::"),
            "odd": doc("odd", "2.0.0", group: "server"),
        ],
        keys: [
            "get": keys("r", "i1 r0,1,0"), "hsetex": keys("-", "i1 r0,1,0"), "delifeq": keys("-", "i1 r0,1,0"),
            "odd": keys("-", "i2 r0,1,0"),
        ])

    @Test func aCommandBothHaveIsOneEntryWithBothSinces() throws {
        let merged = CommandTableMerge.merge(redis: Self.redis, valkey: Self.valkey)
        #expect(merged.entries.map(\.name) == ["delifeq", "get", "hsetex", "odd", "vadd"])
        let byName = Dictionary(uniqueKeysWithValues: merged.entries.map { ($0.name, $0) })
        let get = try #require(byName["get"])
        #expect(get.redisSince == "1.0.0" && get.valkeySince == "1.0.0")
        #expect(get.valkeyDocs == nil, "the same docs are kept once")
        let hsetex = try #require(byName["hsetex"])
        #expect(hsetex.redisSince == "8.0.0" && hsetex.valkeySince == "9.0.0")
        #expect(hsetex.docs.summary == "Set." && hsetex.docs.arguments?.map(\.name) == ["key", "fnx"])
        #expect(hsetex.valkeyDocs?.summary == "Sets.")
        #expect(hsetex.valkeyDocs?.arguments?.map(\.name) == ["key", "nx", "fnx"], "Valkey's list, whole")
        #expect(byName["vadd"]?.redisSince == "" && byName["vadd"]?.valkeySince == nil)
        #expect(byName["delifeq"]?.redisSince == nil && byName["delifeq"]?.valkeySince == "9.0.0")
        #expect(byName["delifeq"]?.docs.arguments?.count == 2, "a Valkey-only entry's docs are Valkey's")
        #expect(byName["odd"]?.group == "generic", "Redis's group when they disagree")
    }

    @Test func keySpecsAreUnitedAndADisagreementKeepsRedissWithANote() {
        let merged = CommandTableMerge.merge(redis: Self.redis, valkey: Self.valkey)
        #expect(Set(merged.keys.keys) == ["get", "hsetex", "vadd", "delifeq", "odd"])
        #expect(merged.keys["get"] == Self.keys("r", "i1 r0,1,0"))
        #expect(merged.keys["delifeq"] == Self.keys("-", "i1 r0,1,0"))
        #expect(merged.keys["odd"] == Self.keys("-", "i1 r0,1,0"), "Redis's specs, read-only only if both say so")
        #expect(merged.notes.count == 2)
        #expect(merged.notes.contains { $0.hasPrefix("odd: key specs 'i1 r0,1,0' in Redis, 'i2 r0,1,0' in Valkey") })
        #expect(merged.notes.contains { $0.hasPrefix("odd: group 'generic' in Redis, 'server' in Valkey") })
    }

    @Test func flagsAreUnitedAndADifferentArityKeepsRedissWithANote() {
        let redis = ServerCommands(flags: [
            "wait": CommandFlags(arity: 3, flags: ["noscript"]), "get": CommandFlags(arity: 2, flags: ["readonly"]),
        ])
        let valkey = ServerCommands(flags: [
            "wait": CommandFlags(arity: 3, flags: ["blocking"]), "get": CommandFlags(arity: -2, flags: ["fast"]),
            "delifeq": CommandFlags(arity: 3, flags: ["write"]),
        ])
        let merged = CommandTableMerge.merge(redis: redis, valkey: valkey)
        #expect(merged.flags["wait"] == CommandFlags(arity: 3, flags: ["noscript", "blocking"]), "either may block")
        #expect(merged.flags["get"] == CommandFlags(arity: 2, flags: ["readonly", "fast"]))
        #expect(merged.flags["delifeq"]?.flags == ["write"])
        #expect(merged.notes == ["get: arity 2 in Redis, -2 in Valkey; kept Redis's"])
        let old = ServerCommands(flags: [
            "wait": CommandFlags(arity: 3, flags: []), "gone": CommandFlags(arity: 1, flags: ["blocking"]),
        ])
        let (out, kept) = CommandTableMerge.overlay(redis, older: old)
        #expect(kept == ["gone"] && out.flags["gone"]?.flags == ["blocking"])
        #expect(out.flags["wait"]?.flags == ["noscript"], "the newer server wins")
    }

    @Test func anOlderServerOfTheSameKindOnlyAddsWhatTheNewerDropped() {
        let old = ServerCommands(
            docs: ["get": Self.doc("get", "1.0.0", summary: "old"), "gone": Self.doc("gone", "1.0.0")],
            keys: ["gone": Self.keys("-", "i1 r0,1,0"), "get": Self.keys("-", "i1 r0,1,0")])
        let (out, kept) = CommandTableMerge.overlay(Self.redis, older: old)
        #expect(kept == ["gone"])
        #expect(out.docs["gone"]?.since == "1.0.0" && out.keys["gone"] != nil)
        #expect(out.docs["get"]?.summary == "" && out.keys["get"]?.readOnly == true, "the newer server wins")
        #expect(CommandTableMerge.overlay(Self.redis, older: Self.redis).kept.isEmpty)
    }

    @Test func eachServerIsOfferedWhatItsKindAndVersionHave() throws {
        let entries = CommandTableMerge.merge(redis: Self.redis, valkey: Self.valkey).entries
        func names(_ server: ServerIdentity?) -> [String] {
            entries.filter { $0.doc(for: server) != nil }.map(\.name)
        }
        func v(_ text: String) -> ServerVersion { ServerVersion(text)! }
        #expect(names(nil) == ["delifeq", "get", "hsetex", "odd", "vadd"], "no identity: everything")
        #expect(names(ServerIdentity(.redis, v("7.4.0"))) == ["get", "odd", "vadd"])
        #expect(names(ServerIdentity(.redis, v("8.2.3"))) == ["get", "hsetex", "odd", "vadd"])
        #expect(names(ServerIdentity(.valkey, v("8.1.0"))) == ["get", "odd"], "HSETEX is 9.0.0 in Valkey")
        #expect(names(ServerIdentity(.valkey, v("9.0.0"))) == ["delifeq", "get", "hsetex", "odd"])
        let hsetex = try #require(entries.first { $0.name == "hsetex" })
        #expect(hsetex.doc(for: ServerIdentity(.redis, v("8.0.0")))?.arguments?.map(\.name) == ["key", "fnx"])
        #expect(hsetex.doc(for: ServerIdentity(.valkey, v("9.0.0")))?.arguments?.map(\.name) == ["key", "fnx"])
        #expect(hsetex.doc(for: ServerIdentity(.valkey, v("9.1.0")))?.arguments?.map(\.name) == ["key", "nx", "fnx"])
        #expect(hsetex.doc(for: ServerIdentity(.valkey, v("9.1.0")))?.since == "9.0.0")
        #expect(hsetex.doc(for: nil)?.since == "8.0.0 (Valkey 9.0.0)")
        #expect(hsetex.doc(for: nil)?.summary == "Set.", "no identity: Redis's docs")
        #expect(entries.first { $0.name == "delifeq" }?.doc(for: nil)?.since == "9.0.0 (Valkey)")
    }

    @Test func theIdentityComesFromInfoServer() {
        let valkey = "# Server\r\nredis_version:7.2.4\r\nserver_name:valkey\r\nvalkey_version:9.1.2\r\n"
        #expect(ServerIdentity(info: valkey) == ServerIdentity(.valkey, ServerVersion("9.1.2")!))
        #expect(ServerIdentity(info: "redis_version:7.2.4\r\nserver_name:valkey\r\n")?.version.description == "7.2.4")
        #expect(ServerIdentity(info: "# Server\r\nredis_version:8.2.3\r\nredis_mode:standalone\r\n")?.kind == .redis)
        #expect(ServerIdentity(info: "# Server\r\nvalkey_version:9.1.2\r\n") == nil, "no redis_version")
    }

    /// The committed table through the same filter: a Redis server that refuses COMMAND DOCS is
    /// not offered Valkey-only commands, nor a Valkey server Redis-only ones, and Valkey is
    /// compared by `valkey_version`.
    @Test func theCommittedTableIsFilteredByOrigin() throws {
        func hint(_ line: String, _ kind: ServerIdentity.Kind?, _ version: String = "") -> String? {
            let server = kind.map { ServerIdentity($0, ServerVersion(version)!) }
            return HelpCommand.hinter(HelpCommand.builtin(for: server)).hint(for: line)
        }
        let redis70 = HelpCommand.builtin(for: ServerIdentity(.redis, ServerVersion("7.0.15")!))
        #expect(redis70["get"] != nil && redis70["delifeq"] == nil && redis70["hsetex"] == nil)
        #expect(redis70["clusterscan"] == nil && redis70["commandlog"] == nil && redis70["vadd"] != nil)
        let valkey = HelpCommand.builtin(for: ServerIdentity(.valkey, ServerVersion("9.1.2")!))
        #expect(valkey["delifeq"] != nil && valkey["clusterscan"] != nil && valkey["hsetex"] != nil)
        #expect(valkey["vadd"] == nil && valkey["xdelex"] == nil && valkey["xackdel"] == nil)
        #expect(hint("delifeq ", .redis, "8.2.3") == nil)
        #expect(hint("delifeq ", .valkey, "8.1.0") == nil)
        #expect(hint("delifeq ", .valkey, "9.0.0") == "key value")
        #expect(hint("hsetex ", .valkey, "8.1.0") == nil, "HSETEX came in Valkey 9.0 (Redis 8.0)")
        #expect(try #require(hint("hsetex ", .redis, "8.0.0")).hasPrefix("key [FNX|FXX] [EX seconds|"))
        #expect(try #require(hint("hsetex ", .valkey, "9.0.0")).hasPrefix("key [NX|XX] [FNX|FXX] [EX seconds|"))
        // SET's IFEQ is Valkey's (8.1.0, a Valkey version): not for Redis 8.2, nor Valkey 8.0.
        #expect(try #require(hint("set k v ", .valkey, "8.1.0")).hasPrefix("[NX|XX|IFEQ comparison-value] [GET]"))
        #expect(try #require(hint("set k v ", .valkey, "8.0.0")).hasPrefix("[NX|XX] [GET]"))
        #expect(try #require(hint("set k v ", .redis, "8.2.3")).hasPrefix("[NX|XX] [GET]"))
        #expect(hint("set k v ", .redis, "6.0.9") == "[NX|XX] [EX seconds|PX milliseconds|KEEPTTL]")
        #expect(try #require(hint("set k v ", nil)).hasPrefix("[NX|XX] [GET]"), "no identity: Redis's docs")
    }

    @Test func valkeysOwnDocsRoundTripTheirCompactForm() {
        for (name, _, _, compact) in CommandTable.valkeyDocs {
            guard let compact else { continue }
            let specs = ArgumentSpec.parse(compact: compact)
            #expect(specs.map(ArgumentSpec.compact) == compact, "\(name)")
        }
        let names = Set(CommandTable.entries.map(\.name))
        #expect(CommandTable.valkeyDocs.allSatisfy { names.contains($0.0) })
        #expect(CommandTable.valkeyDocs.count > 10)
    }
}
