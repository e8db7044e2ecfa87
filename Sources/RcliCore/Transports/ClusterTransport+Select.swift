import Cluster

extension ClusterTransport {
    /// SELECT under `-c` (Valkey 9's numbered databases in cluster mode): the database is the
    /// session's, not one node's. Each command carries the database in use when it was read
    /// (`ClusterCommand.database`), and a link whose connection is in another database gets a
    /// SELECT just before it (`ensureDatabase`): so a command sent before the SELECT and
    /// redirected or retried after it still runs where it was meant to, and every link, old or
    /// opened later, follows. The SELECT itself goes to the current node and nothing after it
    /// is read until it is answered (`selecting`): only then is it known which database the
    /// commands after it are for.
    func beginSelect(_ e: ClusterCommand) {
        selecting = e
    }

    /// The SELECT held input has its answer: the session's database from now on, or, refused,
    /// the same as before (and the link it ran on in a database rcli no longer knows).
    func endSelect(_ e: ClusterCommand) {
        guard selecting === e else { return }
        selecting = nil
        if let db = e.traits?.selectsDatabase, let reply = e.reply, !reply.isError {
            pool.template.database = db
        } else if let node = e.target?.node {
            pool.existingLink(node)?.selectedDatabase = nil
        }
    }

    /// Before a command for database `db` goes on `link`: a SELECT when the link's connection is
    /// elsewhere (not on a subscribed link, which refuses it under RESP2: it selects when it
    /// leaves the mode).
    func ensureDatabase(_ db: Int?, on link: ClusterLink, now: Double) {
        guard let db, link.selectedDatabase != db, !link.pubsub.isSubscribed else { return }
        link.send([Array("SELECT".utf8), Array(String(db).utf8)], for: nil, now: now)
        link.selectedDatabase = db
    }
}
