extension ClusterTransport {
    /// SELECT under `-c` (Valkey 9's numbered databases in cluster mode): the database is the
    /// session's, not one node's. From the moment the SELECT is sent, every open link gets the
    /// same SELECT ahead of anything sent after it, and links opened later (redirect targets,
    /// reconnects) select it in their handshake; `e` itself goes to the current node and its
    /// reply is the command's. A SELECT that fails (`e` nil: taking one back) puts the previous
    /// database back the same way.
    func selectEverywhere(_ db: Int, for e: ClusterCommand?, now: Double) {
        let previous = pool.template.database
        e?.previousDatabase = previous
        pool.template.database = db
        let args = [Array("SELECT".utf8), Array(String(db).utf8)]
        let current = pool.router.current
        for link in pool.allLinks {
            link.session.database = db
            guard e == nil || link.node != current, link.connection != nil, !link.pubsub.isSubscribed else {
                continue
            }
            link.send(args, for: nil, now: now)
        }
    }
}
