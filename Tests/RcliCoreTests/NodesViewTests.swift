import Testing

@testable import RcliCore

/// A node's `CLUSTER NODES` read as bytes: its own line, and the signature check compares.
struct NodesViewTests {
    static let a = "07c37dfeb235213a872192d90877d0cd55635b91"
    static let b = "67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1"
    static let c = "292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f"

    static func view(myself: String, ping: Int, open: Bool = false) -> NodesView {
        let lines = [
            "\(a) 127.0.0.1:30004@31004 slave \(b) 0 \(ping) 4 connected",
            "\(b) 127.0.0.1:30002@31002 master - 0 \(ping) 2 connected 5461-10922"
                + (open ? " [5461->-\(c)]" : ""),
            "\(c) 127.0.0.1:30001@31001 master - 0 \(ping) 1 connected 0-5460 10923-16383",
        ].map { line in line.hasPrefix(myself) ? line.replacing(" master ", with: " myself,master ") : line }
        return NodesView(Array((lines.joined(separator: "\n") + "\n").utf8))
    }

    @Test func theOwnLineIsTheOneFlaggedMyself() throws {
        let line = try #require(Self.view(myself: Self.c, ping: 1).ownLine)
        #expect(line.hasPrefix(Self.c))
        let node = try #require(ManagerNode.parse(line))
        #expect(node.slots == [0...5460, 10923...16383] && node.isMaster)
        #expect(NodesView(Array("\(Self.a) 1.2.3.4:1@2 master - 0 0 1 connected\n".utf8)).ownLine == nil)
        // `myself` elsewhere on a line (a hostname) is not the flag.
        let named = NodesView(Array("\(Self.a) 1.2.3.4:1@2,myself master - 0 0 1 connected\n".utf8))
        #expect(named.ownLine == nil)
    }

    @Test func signaturesAgreeWhenTheSlotOwnersDo() {
        let one = Self.view(myself: Self.c, ping: 1)
        let two = Self.view(myself: Self.b, ping: 99, open: true)
        #expect(one.signature == two.signature, "myself, ping times and open-slot markers do not count")
        #expect(one.signature == "\(Self.c):0-5460,10923-16383|\(Self.b):5461-10922", "sorted")
        let moved = NodesView(
            Array(String(decoding: one.bytes, as: UTF8.self).replacing("5461-10922", with: "5462-10922").utf8))
        #expect(moved.signature != one.signature)
    }
}
