import RESP

/// Where one connection stands with pub/sub, followed from what the server sends, as
/// valkey-cli 8.1 does: each (un)subscribe confirmation carries the number of channels and
/// patterns (for the sharded commands, of shard channels) still subscribed, and the connection
/// is in subscribed mode while either count is above zero. So the shell leaves subscribed mode
/// by itself when the last subscription is gone, in RESP2 and RESP3 alike.
package struct PubSubState: Equatable, Sendable {
    /// Channels and patterns (the server counts them together).
    package private(set) var channels = 0
    /// Shard channels (SSUBSCRIBE).
    package private(set) var shardChannels = 0

    /// A connection with no subscriptions.
    package init() {}

    /// True while anything is subscribed: the server sends messages, and under RESP2 it refuses
    /// all but (P|S)(UN)SUBSCRIBE, PING, QUIT and RESET.
    package var isSubscribed: Bool { channels + shardChannels > 0 }

    /// The kind of a pub/sub message or confirmation (`message`, `pmessage`, `smessage`,
    /// `subscribe`, `punsubscribe` ...), lowercased, or nil for anything else. As redis-cli's
    /// isPubsubPush: an array (RESP2) or push (RESP3) of at least three elements whose first is
    /// a string ending in "message" or "subscribe".
    package static func kind(_ value: RESPValue) -> String? {
        let items: [RESPValue]
        switch value {
        case .array(let a), .push(let a): items = a
        default: return nil
        }
        guard items.count >= 3, let first = items[0].stringBytes, first.count <= 32 else { return nil }
        let name = String(decoding: first.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
        return name.hasSuffix("message") || name.hasSuffix("subscribe") ? name : nil
    }

    /// Follows one reply or message: a confirmation sets its count. Under RESP3 only a push is
    /// one (an array shaped like it is some command's reply). The reply to an EXEC that queued
    /// a subscription is followed element by element.
    package mutating func observe(_ value: RESPValue, resp3: Bool, exec: Bool = false) {
        if exec, case .array(let items) = value {
            for item in items { observe(item, resp3: resp3) }
            return
        }
        if resp3, case .array = value { return }
        guard let kind = Self.kind(value), kind.hasSuffix("subscribe"),
            case .array(let items) = value.normalizedPush, case .integer(let count) = items[2]
        else { return }
        let n = Int(clamping: max(0, count))
        switch kind {
        case "subscribe", "unsubscribe", "psubscribe", "punsubscribe": channels = n
        case "ssubscribe", "sunsubscribe": shardChannels = n
        default: break
        }
    }
}

extension PubSubState {
    /// What a whole value read on a connection that is (or may become) subscribed is.
    private enum Arrival: Equatable {
        /// The reply to the request at the head of the queue.
        case reply
        /// A pub/sub message, or a confirmation no request owns: printed as it comes.
        case message
        /// Another RESP3 push (client tracking).
        case push
    }

    /// Whether the connection reads whole values to tell messages from replies: while
    /// subscribed, or when an (un)subscribe that does not stream is owed.
    package func readsWholeValues<Tag>(_ queue: LinkQueue<Tag>) -> Bool {
        guard !queue.streaming else { return false }
        if isSubscribed { return true }
        guard let head = queue.head else { return false }
        return head.pubsubCommand != nil && !head.startsStream
    }

    /// Follows `value`, read whole on a connection that is or may become subscribed: the event
    /// for a message or another push, nil for the reply to `head` (the caller pairs it).
    package mutating func take<Tag>(_ value: RESPValue, resp3: Bool, head: InFlight<Tag>?) -> TransportEvent? {
        observe(value, resp3: resp3, exec: head?.pubsubCommand == Self.exec)
        switch Self.arrival(value, resp3: resp3, head: head) {
        case .reply: return nil
        case .message: return .message(value)
        case .push: return .push(.value(value))
        }
    }

    /// What `value` is, with `head` the request owed first. Under RESP3 messages are pushes;
    /// under RESP2 only their shape tells them from replies (as redis-cli decides). An EXEC's
    /// reply is an array of replies, whatever its first element looks like.
    private static func arrival<Tag>(_ value: RESPValue, resp3: Bool, head: InFlight<Tag>?) -> Arrival {
        var isPush = false
        if case .push = value { isPush = true }
        if head?.pubsubCommand == Self.exec && !isPush { return .reply }
        if let kind = resp3 && !isPush ? nil : kind(value) {
            return kind == head?.pubsubCommand ? .reply : .message
        }
        if isPush { return .push }
        return head == nil ? .message : .reply
    }

    /// The name a request for `args` is confirmed by ((p|s)(un)subscribe), or nil.
    package static func command(_ args: [[UInt8]], traits: CommandTraits?) -> String? {
        guard traits?.replyIsPush == true, let name = args.first else { return nil }
        return CommandTraits.lower(name)
    }

    /// The mark of an EXEC whose transaction queued a (p|s)(un)subscribe: its reply is read
    /// whole and the confirmations inside it are followed.
    package static let exec = "exec"

    /// Follows MULTI ... EXEC on one connection, so an EXEC that queued a subscription is marked.
    package struct Transaction: Sendable {
        private var queuedPubSub = false

        package init() {}

        /// The pub/sub name for a request for `args` (see `command`), or `exec` for an EXEC
        /// that queued one.
        package mutating func mark(_ args: [[UInt8]], traits: CommandTraits?) -> String? {
            // Only MULTI, EXEC, DISCARD, RESET (4, 5 or 7 letters) and the pub/sub commands
            // matter here: any other name is not even lowercased.
            switch args.first?.count ?? 0 {
            case 4, 5, 7: break
            default: if traits?.replyIsPush != true { return nil }
            }
            let name = args.first.map { CommandTraits.lower($0) } ?? ""
            switch TransactionWord(name, argc: args.count) {
            case .multi, .discard, .reset:
                queuedPubSub = false
                return nil
            case .exec:
                defer { queuedPubSub = false }
                return queuedPubSub ? PubSubState.exec : nil
            default:
                let pubsub = PubSubState.command(args, traits: traits)
                if pubsub != nil { queuedPubSub = true }
                return pubsub
            }
        }
    }
}

extension RESPValue {
    /// A push's elements as an array (other values as they are).
    fileprivate var normalizedPush: RESPValue {
        if case .push(let items) = self { return .array(items) }
        return self
    }
}
