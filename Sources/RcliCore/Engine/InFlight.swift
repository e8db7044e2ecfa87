/// The position of an item in a run, in input order.
package typealias EntryID = Int

/// One request a connection owes replies for, tagged with what it answers (an entry id, or the
/// cluster's command record).
package struct InFlight<Tag> {
    /// What it answers; nil for rcli's own requests (ASKING, MULTI sent late, state replays).
    package let tag: Tag?
    /// Where the request starts in the connection's byte stream: at or past the bytes written
    /// when the connection is lost, it never left this process.
    package let start: Int
    /// A command that may legitimately wait long for its reply (BLPOP, WAIT, XREAD BLOCK ...).
    package let blocking: Bool
    /// The replies it owes (a `--pipe` chunk stands for many commands).
    package var replies: Int
    /// Its reply may come as a RESP3 push ((UN)SUBSCRIBE and friends).
    package var pushIsReply = false
    /// Once answered, the connection streams messages (SUBSCRIBE, MONITOR).
    package var startsStream = false
    /// The pub/sub command it is ((p|s)(un)subscribe, lowercased): a confirmation whose first
    /// element names it answers it; other pub/sub messages are not its reply.
    package var pubsubCommand: String?
    /// Its success is the server closing the connection (SHUTDOWN).
    package var closesConnection = false

    /// One request.
    package init(tag: Tag?, start: Int, blocking: Bool = false, replies: Int = 1) {
        self.tag = tag
        self.start = start
        self.blocking = blocking
        self.replies = replies
    }

    /// A request for a command with `traits` (nil for a raw `--pipe` request or rcli's own):
    /// whether its reply may be a push and whether it starts a stream come from them.
    package init(tag: Tag?, start: Int, traits: CommandTraits?, blocking: Bool, replies: Int = 1) {
        self.init(tag: tag, start: start, blocking: blocking, replies: replies)
        pushIsReply = traits.map { $0.streaming || $0.replyIsPush } ?? false
        startsStream = traits?.streaming ?? false
        closesConnection = traits?.closesConnection ?? false
    }
}

extension InFlight: Sendable where Tag: Sendable {}

extension InFlight: Equatable where Tag: Equatable {}
