// swift-tools-version: 6.0
import PackageDescription

// Release builds skip the run-time exclusivity checks (swift_beginAccess per access to a class's
// stored property): they were a fifth of the time spent printing a million-element reply. Debug
// builds, which the tests run, keep them.
let fast: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

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
        // libedit, owned by RcliCore/REPL/LineEditor.swift alone.
        .systemLibrary(name: "CLibEdit", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
        // The program: CLI (options, run mode), Engine (the run loop, pipeline), Transports
        // (standalone, cluster), Input, Output (formatters, sinks, errors), Modes, REPL, Commands.
        .target(name: "RcliCore", dependencies: ["RESP", "RedisNet", "Cluster", "CLibEdit"], swiftSettings: fast),
        .executableTarget(name: "rcli", dependencies: ["RcliCore"]),

        .testTarget(name: "RESPTests", dependencies: ["RESP"]),
        .testTarget(name: "RcliCoreTests", dependencies: ["RcliCore", "RESP"]),
        .testTarget(name: "ClusterTests", dependencies: ["Cluster", "RESP"]),
        // Runs the built binary against real redis-server fixtures (see scripts/with-servers).
        .testTarget(name: "EndToEndTests", dependencies: ["RESP", "Cluster", "RedisNet"]),
    ],
    swiftLanguageModes: [.v6]
)
