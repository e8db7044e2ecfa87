import Cluster
import RESP
import RedisNet

/// Asking one node for the slot map, as replies come: CLUSTER SHARDS, CLUSTER SLOTS after any
/// refusal of SHARDS (servers before 7.0 do not know it; proxies or managed services may allow
/// one and not the other), and CLUSTER SLOTS again to fill the gaps SHARDS leaves when a shard's
/// master failed (Redis 7.2+ may list it without its slots). Pure: the caller sends what it
/// says and feeds it the replies, blocking (`ClusterPool.open`) or from the engine's wait loop
/// (`TopologyReload`).
struct TopologyQuery {
    /// What to do next.
    enum Step {
        /// Send this request and feed its reply to `take`.
        case send([[UInt8]])
        /// The answer: the map, or why there is none.
        case done(Result<SlotMap, RcliError>)
    }

    private enum Stage {
        case shards
        case slots
        case fill(SlotMap)
    }

    private let seedHost: String
    private let endpoint: Endpoint
    private var stage = Stage.shards
    private static let clusterSupportDisabled = Array("cluster support disabled".utf8)
    private static let shards = [Array("CLUSTER".utf8), Array("SHARDS".utf8)]
    private static let slots = [Array("CLUSTER".utf8), Array("SLOTS".utf8)]

    /// A query of the node at `endpoint`; `seedHost` stands for the addresses it leaves empty.
    init(seedHost: String, endpoint: Endpoint) {
        self.seedHost = seedHost
        self.endpoint = endpoint
    }

    /// The first request.
    var first: [[UInt8]] { Self.shards }

    /// The reply to the last request.
    mutating func take(_ reply: RESPValue) -> Step {
        switch stage {
        case .shards:
            if case .error(let msg) = reply, msg.firstRange(of: Self.clusterSupportDisabled) == nil {
                stage = .slots
                return .send(Self.slots)
            }
            return interpret(reply, fromShards: true)
        case .slots:
            return interpret(reply, fromShards: false)
        case .fill(let map):
            guard let other = try? Topology.fromSlots(reply, seedHost: seedHost) else { return .done(.success(map)) }
            return .done(.success(map.fillingGaps(from: other)))
        }
    }

    /// The connection failed (or the deadline passed) waiting for the last reply.
    func failed(_ error: NetError) -> Result<SlotMap, RcliError> {
        if case .fill(let map) = stage { return .success(map) }
        // Ctrl-C in the shell: not a seed that will not tell.
        if case .interrupted = error { return .failure(.interrupted) }
        return .failure(.topology(endpoint, .unreachable(error)))
    }

    private mutating func interpret(_ reply: RESPValue, fromShards: Bool) -> Step {
        if case .error(let msg) = reply {
            // The server's own words say whether it is a cluster node at all.
            if msg.firstRange(of: Self.clusterSupportDisabled) != nil { return .done(.failure(.notACluster(endpoint))) }
            return .done(.failure(.topology(endpoint, .refused(String(decoding: msg, as: UTF8.self)))))
        }
        let map: SlotMap
        do {
            map =
                fromShards
                ? try Topology.fromShards(reply, seedHost: seedHost)
                : try Topology.fromSlots(reply, seedHost: seedHost)
        } catch {
            return .done(.failure(.topology(endpoint, .malformed(error.description))))
        }
        if fromShards && map.coveredSlots < HashSlot.count {
            stage = .fill(map)
            return .send(Self.slots)
        }
        return .done(.success(map))
    }
}
