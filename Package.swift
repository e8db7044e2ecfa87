// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "rcli",
    products: [
        .executable(name: "rcli", targets: ["rcli"]),
    ],
    targets: [
        // RESP2/RESP3 values, the bounded incremental parser and the encoder. No I/O.
        .target(name: "RESP"),
        // Endpoints, sockets with timeouts, the connection and its handshake.
        .target(name: "RedisNet", dependencies: ["RESP", "COpenSSL"]),
        // OpenSSL's headers; libssl is dlopen'ed by RedisNet/TLSStream.swift (its only user) the
        // first time TLS is used, so plain runs never load it.
        .systemLibrary(name: "COpenSSL", providers: [.apt(["libssl-dev"])]),
        // Redis Cluster: slots, topology and routing (no sockets; a state machine).
        .target(name: "Cluster", dependencies: ["RESP"]),
        // libedit, owned by RcliCore/REPL/LineEditor.swift alone.
        .systemLibrary(name: "CLibEdit", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
        // Options, output formatters, command-line tokenizer, the run modes and the shell.
        .target(name: "RcliCore", dependencies: ["RESP", "RedisNet", "Cluster", "CLibEdit"]),
        .executableTarget(name: "rcli", dependencies: ["RcliCore"]),

        .testTarget(name: "RESPTests", dependencies: ["RESP"]),
        .testTarget(name: "RcliCoreTests", dependencies: ["RcliCore", "RESP"]),
        .testTarget(name: "ClusterTests", dependencies: ["Cluster", "RESP"]),
        // Runs the built binary against real redis-server fixtures (see scripts/with-servers).
        .testTarget(name: "EndToEndTests", dependencies: ["RESP", "Cluster", "RedisNet"]),
    ],
    swiftLanguageModes: [.v6]
)
