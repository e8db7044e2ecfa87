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

    @Test func openSlotMarkersAloneAreNoSlots() {
        let lines = [
            "\(Self.a) 127.0.0.1:30004@31004 myself,master - 0 0 4 connected [77->-\(Self.b)]",
            "\(Self.b) 127.0.0.1:30002@31002 master - 0 0 2 connected [77-<-\(Self.a)] 0-16383",
            "\(Self.c) 127.0.0.1:30001@31001 slave \(Self.b) 0 0 1 connected",
        ]
        let view = NodesView(Array(lines.joined(separator: "\n").utf8))
        #expect(view.signature == "\(Self.b):0-16383", "a marker alone is no claim; a marker before slots is left out")
        #expect(view.ownLine?.hasPrefix(Self.a) == true, "the last line needs no newline")
        #expect(NodesView([]).signature.isEmpty && NodesView([]).ownLine == nil)
    }

    /// A long view (a 1,000-node cluster) read in one pass: the own line on its last line, and
    /// every master's slots in the signature.
    @Test func aLongViewIsReadWhole() {
        func view(_ n: Int) -> NodesView {
            var text = ""
            for i in 0..<n {
                let id = String(repeating: String(i % 10), count: 40 - String(i).count) + String(i)
                let flags = i == n - 1 ? "myself,master" : (i % 2 == 0 ? "master" : "slave")
                let slots = i % 2 == 0 ? " \(i * 10)-\(i * 10 + 9)" : ""
                text += "\(id) 127.0.0.1:\(7000 + i)@\(17000 + i) \(flags) - 0 1700000000000 \(i) connected\(slots)\n"
            }
            return NodesView(Array(text.utf8))
        }
        let big = view(1000)
        #expect(big.ownLine?.contains("myself") == true, "the own line is found at the end of a long view")
        #expect(big.signature.split(separator: "|").count == 500, "every master's slots, once")
        #expect(big.signature.hasPrefix(String(repeating: "0", count: 40) + ":0-9|"), "sorted by id")
    }
}

/// Finding a byte a word at a time agrees with the standard library's search everywhere: at
/// every offset and length, near the ends, and for every byte value (no false match from a
/// borrow between bytes).
struct ByteScanTests {
    @Test func findsWhatFirstIndexFinds() {
        let bytes: [UInt8] = Array("ab cd\nefghijklmnopq rstuvw\n\n xyz \u{1}\u{80}\u{FF}".utf8) + [0, 32, 10, 255, 1]
        bytes.withUnsafeBytes { buffer in
            for start in 0...bytes.count {
                for end in start...bytes.count {
                    for byte: UInt8 in [32, 10, 0, 255, 1, 0x80, UInt8(ascii: "q")] {
                        let expected = bytes[start..<end].firstIndex(of: byte) ?? end
                        #expect(ByteScan.first(byte, in: buffer, from: start, to: end) == expected)
                    }
                }
            }
        }
    }

    @Test func aByteJustAboveAMatchIsNotAFalseMatch() {
        // 0x21 after 0x20: the borrow from the match flags the byte above, never below it.
        let bytes: [UInt8] = [0x41, 0x41, 0x41, 0x20, 0x21, 0x41, 0x41, 0x41, 0x21, 0x20]
        bytes.withUnsafeBytes { buffer in
            #expect(ByteScan.first(0x20, in: buffer, from: 0, to: bytes.count) == 3)
            #expect(ByteScan.first(0x21, in: buffer, from: 0, to: bytes.count) == 4)
            #expect(ByteScan.first(0x20, in: buffer, from: 4, to: bytes.count) == 9)
            #expect(ByteScan.first(0x42, in: buffer, from: 0, to: bytes.count) == bytes.count)
        }
    }
}
