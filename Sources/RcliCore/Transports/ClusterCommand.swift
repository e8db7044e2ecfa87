import Cluster
import RESP

/// One command on its way through a cluster: its routing state, where it went, and its reply.
/// A command split across slots (MGET, DEL ... and DBSIZE/KEYS on every master) is a whole whose
/// parts are commands of their own; the whole completes when its last part does.
final class ClusterCommand {
    /// The pipeline entry it answers (for a part: its whole's).
    let id: EntryID
    /// Its arguments (empty for a `--pipe` request sent as read).
    let args: [[UInt8]]
    /// `--pipe`: the request as read, sent as is.
    let raw: ArraySlice<UInt8>?
    /// What the engine knows of it (nil for `--pipe` requests).
    let traits: CommandTraits?
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
    /// Why it has no reply.
    var failure: CommandFailure?
    /// The last MOVED/ASK it followed, for redis-cli's "-> Redirected" line.
    var redirected: ReplyOrigin.Place?
    /// The node that answered.
    var servedBy: RouteTarget?
    /// Not to be sent again before this time.
    var notBefore = 0.0
    /// For a split command: the plan, the parts.
    var fanOut: FanOut?
    var parts: [ClusterCommand] = []
    var partsLeft = 0
    /// For a part: the command it is part of (held strongly: nothing else keeps the whole
    /// alive; the cycle is broken when the whole completes).
    var whole: ClusterCommand?
    /// The database it runs in (the session's when it was read); nil: wherever the link is
    /// (rcli's own requests, `--pipe`, commands queued inside MULTI).
    var database: Int?
    /// With replica reads: the slots it touches and whether it reads them on replicas (see
    /// `SlotTraffic`).
    var traffic: (slots: [Int], onReplica: Bool)?
    /// `--pipe -c`: the requests it stands for, a reply each (see `PipeBatch`).
    var pipeBatch: PipeBatch?

    init(id: EntryID, args: [[UInt8]], raw: ArraySlice<UInt8>? = nil, traits: CommandTraits?, route: RouteState) {
        self.id = id
        self.args = args
        self.raw = raw
        self.traits = traits
        self.route = route
    }

    /// A command, its slot and read-only flag taken from its keys; with `trackingSlots`, also
    /// every slot its keys touch (`traffic`), from the same key lookup.
    static func command(
        _ id: EntryID, _ args: [[UInt8]], traits: CommandTraits?, keyBook: CommandKeyBook,
        trackingSlots: Bool = false
    ) -> ClusterCommand {
        let info = keyBook.info(for: args)
        let keys = info.map { CommandKeys.keys(args, info: $0) } ?? []
        let readOnly = info?.readOnly ?? false
        let e = ClusterCommand(
            id: id, args: args, traits: traits,
            route: RouteState(slot: keys.first.map(HashSlot.slot), readOnly: readOnly))
        if trackingSlots && !keys.isEmpty {
            let slots = keys.map(HashSlot.slot)
            e.traffic = (slots.count > 1 ? Array(Set(slots)) : slots, readOnly)
        }
        return e
    }

    /// The distinct slots `args`' keys hash to, in key order.
    static func slots(of args: [[UInt8]], keyBook: CommandKeyBook) -> [Int] {
        guard let info = keyBook.info(for: args) else { return [] }
        var seen = Set<Int>()
        return CommandKeys.keys(args, info: info).map(HashSlot.slot).filter { seen.insert($0).inserted }
    }

    /// A command that may legitimately wait a long time for its reply: no reply timeout. A
    /// `--pipe` request (no traits) is never timed out either; `--pipe-timeout` applies.
    var isBlocking: Bool { traits?.blocking ?? true }

    /// True once it has a reply or a failure.
    var isComplete: Bool { reply != nil || failure != nil }

    /// Where the reply came from, for annotations.
    var origin: ReplyOrigin? {
        if let plan = fanOut {
            let nodes = Set(parts.compactMap { $0.servedBy?.node })
            var origin = ReplyOrigin(node: parts.first?.servedBy?.node ?? NodeAddress(host: "", port: 0), slot: nil)
            origin.split = ReplyOrigin.Split(parts: plan.parts.count, nodes: nodes.count, perMaster: plan.perMaster)
            origin.redirect = redirected
            return origin
        }
        guard let served = servedBy else { return nil }
        var origin = ReplyOrigin(node: served.node, slot: route.routingSlot, replica: served.replica)
        origin.redirect = redirected
        return origin
    }
}
