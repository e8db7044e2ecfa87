import Cluster
import RESP

/// One item of a cluster-mode run (a command, or text to print), kept in input order until
/// its reply has been printed.
final class ClusterEntry {
    enum Content {
        case command
        case message([UInt8])
        case connect(host: String, port: Int)
    }

    let content: Content
    /// The command's arguments.
    let args: [[UInt8]]
    /// Output and session traits (worked out when first needed: `--pipe -c` never needs them).
    lazy var traits: CommandTraits = args.isEmpty ? CommandTraits([]) : CommandTraits(args)
    /// Routing state (slot, redirects, retries).
    var route: RouteState
    /// Where it was last sent.
    var target: RouteTarget?
    /// A node chosen by the transaction pin, overriding the router.
    var pinnedTo: NodeAddress?
    /// Inside MULTI, or pinned: redirects are not chased (the server must see it where it is).
    var inTransaction = false
    /// The final reply.
    var reply: RESPValue?
    /// Why it failed (printed on stderr), instead of a reply.
    var failure: String?
    /// The last MOVED/ASK it followed, for redis-cli's "-> Redirected" line.
    var redirected: (slot: Int, node: NodeAddress)?
    /// The node that answered.
    var servedBy: RouteTarget?
    /// When it was first sent (for the shell's elapsed time).
    var sentAt = 0.0
    /// Not to be sent again before this time.
    var notBefore = 0.0
    /// For a split command: the plan, the parts' entries.
    var fanOut: FanOut?
    var parts: [ClusterEntry] = []
    var partsLeft = 0
    /// For a part: the command it is part of.
    weak var whole: ClusterEntry?
    /// With replica reads: the slots it touches and whether it reads them on replicas (see
    /// `SlotTraffic`).
    var traffic: (slots: [Int], onReplica: Bool)?

    init(content: Content, args: [[UInt8]] = [], route: RouteState = RouteState(slot: nil, readOnly: false)) {
        self.content = content
        self.args = args
        self.route = route
    }

    /// A command, its slot and read-only flag taken from its keys; with `trackingSlots`, also
    /// every slot its keys touch (`traffic`), from the same key lookup.
    static func command(_ args: [[UInt8]], trackingSlots: Bool = false) -> ClusterEntry {
        let info = CommandKeys.info(for: args)
        let keys = info.map { CommandKeys.keys(args, info: $0) } ?? []
        let readOnly = info?.readOnly ?? false
        let e = ClusterEntry(content: .command, args: args, route: RouteState(slot: keys.first.map(HashSlot.slot), readOnly: readOnly))
        if trackingSlots && !keys.isEmpty {
            let slots = keys.map(HashSlot.slot)
            e.traffic = (slots.count > 1 ? Array(Set(slots)) : slots, readOnly)
        }
        return e
    }

    /// The command's name and first key, for naming it in failure messages (`SET user:1`).
    var label: String {
        guard let name = args.first else { return "" }
        var text = String(decoding: name.prefix(32), as: UTF8.self).uppercased()
        if let key = CommandKeys.keys(args).first {
            var shown: [UInt8] = []
            Escaping.appendTerminalSafe(key.prefix(64), multiline: false, to: &shown)
            text += " " + String(decoding: shown, as: UTF8.self) + (key.count > 64 ? "..." : "")
        }
        return text
    }

    /// A command that may legitimately wait a long time for its reply.
    var isBlocking: Bool {
        guard let first = args.first else { return false }
        switch CommandTraits.lower(first) {
        case "blpop", "brpop", "brpoplpush", "blmove", "blmpop", "bzpopmin", "bzpopmax", "bzmpop", "wait", "waitaof":
            return true
        case "xread", "xreadgroup":
            return args.contains { CommandTraits.lower($0) == "block" }
        default:
            return false
        }
    }

    /// True once it has a reply or a failure.
    var isComplete: Bool { reply != nil || failure != nil }
}
