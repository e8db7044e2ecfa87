/// The servers behind a transport, for what talks to them one by one outside the engine's loop:
/// the key-space modes (`--scan`, `--bigkeys`, `--stat` ...), the modes bound to one server
/// (`--latency`, `--rdb`, `--replica`, `--ldb`) and the shell's side queries.
package protocol ServerDirectory: AnyObject {
    /// The servers that together hold the key space, one session each with a label for
    /// reports (a cluster's masters, or with `replicas` a replica of each shard where one is
    /// known).
    func servers(replicas: Bool) -> [(session: Session, label: String)]
    /// The server keyless commands go to (`--latency` measures it).
    var primary: Session { get }
}
