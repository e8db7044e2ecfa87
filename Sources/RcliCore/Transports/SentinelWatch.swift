import Cluster
import RESP
import RedisNet

/// A subscription to one sentinel's `+switch-master` channel, so that a failover is followed
/// when the sentinels announce it, not only when the old master refuses or closes: Sentinel
/// promotes the replica while the old master still accepts writes, until it is demoted seconds
/// later, and every write it takes meanwhile is lost. Subscribed (a blocking round trip with the
/// sentinels' deadline) at the start and after each switch; a lost subscription is not renewed
/// until then. Reads never block: the transport's wait loop watches the connection.
final class SentinelWatch {
    private let name: String
    private var session: Session?
    private var watch = ConnectionWatch()
    /// The new master a sentinel announced for `name`, until taken.
    private var announced: NodeAddress?

    /// A watch for master `name`, not subscribed yet.
    init(name: String) {
        self.name = name
    }

    /// True while subscribed.
    var isSubscribed: Bool { session?.connection != nil }

    /// Subscribes on the first of `sentinels` that confirms within `seconds` (Ctrl-C ends the
    /// wait where it ends blocking waits); nothing when none does.
    func subscribe(_ sentinels: [Session], seconds: Double) {
        guard !isSubscribed else { return }
        for sentinel in sentinels {
            do throws(RcliError) {
                let conn = try sentinel.connect()
                let deadline = monotonicSeconds() + seconds
                do throws(NetError) {
                    let confirmation = try conn.roundTrip(
                        [Array("SUBSCRIBE".utf8), Array("+switch-master".utf8)], deadline: deadline)
                    guard case .array(let items) = confirmation, items.first?.text == "subscribe" else {
                        sentinel.disconnect()
                        continue
                    }
                    session = sentinel
                    return
                } catch {
                    sentinel.disconnect()
                    if case .interrupted = error { return }
                }
            } catch {
                if case .interrupted = error { return }
            }
        }
    }

    /// Registers the subscription for the next wait.
    func prepare(_ reactor: Reactor) {
        watch.watch(session?.connection, in: reactor)
    }

    /// Reads what the wait found (or, with `ready` nil, whatever has arrived: before a command
    /// is sent); a lost subscription is dropped.
    func service(_ ready: ReadySet?) {
        guard let conn = session?.connection else { return }
        do {
            if let ready {
                try watch.service(conn, ready)
            } else {
                _ = try conn.receive()
            }
            while let value = try conn.parser.nextValue() { take(value) }
        } catch {
            drop()
        }
    }

    private func drop() {
        session?.disconnect()
        session = nil
    }

    /// `message +switch-master "<name> <old ip> <old port> <new ip> <new port>"`.
    private func take(_ value: RESPValue) {
        let items: [RESPValue]
        switch value {
        case .array(let a), .push(let a): items = a
        default: return
        }
        guard items.count == 3, items[0].text == "message", items[1].text == "+switch-master",
            let words = items[2].text?.split(separator: " "), words.count == 5, words[0] == name,
            let port = Int(words[4])
        else { return }
        announced = NodeAddress(host: String(words[3]), port: port)
    }

    /// The announced new master, once.
    func takeAnnounced() -> NodeAddress? {
        defer { announced = nil }
        return announced
    }
}
