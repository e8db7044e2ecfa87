// swift-tools-version: 6.0
import PackageDescription

// Release builds skip the run-time exclusivity checks (swift_beginAccess per access to a class's
// stored property): they were a fifth of the time spent printing a million-element reply. Debug
// builds, which the tests run, keep them.
// LLVM's function merging is off too: it folded look-alike copies and destroys of the engine's
// records into shared ones that take the type as a parameter and go through the runtime's
// value witnesses (a fifth of `--pipe -c`'s instructions).
let fast: [SwiftSetting] = [
    .unsafeFlags(
        ["-enforce-exclusivity=unchecked", "-Xfrontend", "-disable-llvm-merge-functions-pass"],
        .when(configuration: .release))
]

// The commit `rcli --version` names, from the environment (the Makefile passes `git rev-parse`);
// SwiftPM re-reads this manifest when the variable changes; only CBuildInfo and main.swift rebuild.
let commit = Context.environment["RCLI_GIT_COMMIT"].map { $0.filter { $0.isLetter || $0.isNumber || $0 == "-" } }
    .flatMap { $0.isEmpty ? nil : $0 }
let buildInfo: [CSetting] = commit.map { [.define("RCLI_GIT_COMMIT", to: "\"\($0)\"")] } ?? []

// `make build` and `make dist` link the C++ runtime under the Swift runtime statically too, so
// the binary needs only glibc, libedit and (loaded for TLS) OpenSSL. `--static-swift-stdlib` asks
// for `-lstdc++` by name; RCLI_STATIC_CXX_DIR is a directory holding only `libstdc++.a`, searched
// before the compiler's own (which prefers `libstdc++.so`).
let staticCXX: [LinkerSetting] =
    Context.environment["RCLI_STATIC_CXX_DIR"].map {
        [.unsafeFlags(["-L", $0, "-Xclang-linker", "-static-libgcc"], .when(configuration: .release))]
    } ?? []

let package = Package(
    name: "rcli",
    products: [
        .executable(name: "rcli", targets: ["rcli"])
    ],
    targets: [
        // RESP2/RESP3 values, the bounded incremental parser and the encoder. No I/O.
        .target(name: "RESP", swiftSettings: fast),
        // Endpoints, sockets with timeouts, the connection and its handshake.
        .target(name: "RedisNet", dependencies: ["RESP", "COpenSSL"], swiftSettings: fast),
        // OpenSSL's headers; libssl is dlopen'ed by RedisNet/TLSStream.swift (its only user) the
        // first time TLS is used, so plain runs never load it.
        .systemLibrary(name: "COpenSSL", providers: [.apt(["libssl-dev"])]),
        // Redis Cluster: slots, topology and routing (no sockets; a state machine).
        .target(name: "Cluster", dependencies: ["RESP"], swiftSettings: fast),
        // What the binary was built from: `make` sets RCLI_GIT_COMMIT, which becomes a define for
        // this one C file (a plain `swift build` says "unknown"; nothing is generated).
        .target(name: "CBuildInfo", cSettings: buildInfo),
        // libedit, owned by RcliCore/REPL/LineEditor.swift alone.
        .systemLibrary(name: "CLibEdit", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
        // The program: CLI (options, run mode), Engine (the run loop, pipeline), Transports
        // (standalone, cluster), Input, Output (formatters, sinks, errors), Modes, REPL, Commands.
        .target(
            name: "RcliCore", dependencies: ["RESP", "RedisNet", "Cluster", "CLibEdit"],
            swiftSettings: fast),
        .executableTarget(name: "rcli", dependencies: ["RcliCore", "CBuildInfo"], linkerSettings: staticCXX),

        .testTarget(name: "RESPTests", dependencies: ["RESP"]),
        .testTarget(name: "RcliCoreTests", dependencies: ["RcliCore", "RESP"]),
        .testTarget(name: "ClusterTests", dependencies: ["Cluster", "RESP"]),
        // RedisNet's pure parts (the link lifecycle), without sockets.
        .testTarget(name: "RedisNetTests", dependencies: ["RedisNet"]),
        // Runs the built binary against real redis-server fixtures (see scripts/with-servers).
        .testTarget(name: "EndToEndTests", dependencies: ["RESP", "Cluster", "RedisNet", "RcliCore"]),
    ],
    swiftLanguageModes: [.v6]
)

// Fuzz targets (Fuzz/, built and run by `make fuzz` with -sanitize=fuzzer,address): part of the
// package only when RCLI_FUZZ is set, so plain builds and the shipped binary never see them.
if Context.environment["RCLI_FUZZ"] != nil {
    package.targets += [
        .target(name: "CFuzzer", path: "Fuzz/CFuzzer"),
        .target(name: "FuzzSupport", dependencies: ["RESP", "CFuzzer"], path: "Fuzz/Support"),
        .executableTarget(
            name: "fuzz-resp", dependencies: ["FuzzSupport", "RESP", "RcliCore"], path: "Fuzz/RESPParser"),
        .executableTarget(
            name: "fuzz-command-line", dependencies: ["FuzzSupport", "RESP", "RcliCore"], path: "Fuzz/CommandLine"),
        .executableTarget(name: "fuzz-uri", dependencies: ["FuzzSupport", "RcliCore"], path: "Fuzz/URI"),
        .executableTarget(
            name: "fuzz-redirect", dependencies: ["FuzzSupport", "RESP", "Cluster"], path: "Fuzz/Redirect"),
        .executableTarget(
            name: "fuzz-replication", dependencies: ["FuzzSupport", "RESP", "RcliCore"], path: "Fuzz/Replication"),
    ]
}
