import Cluster
import RESP
import Testing

@testable import RcliCore

private func bulk(_ s: String) -> RESPValue { .bulkString(Array(s.utf8)) }
private func status(_ s: String) -> RESPValue { .simpleString(Array(s.utf8)) }
private func words(_ s: String) -> [[UInt8]] { s.split(separator: " ").map { Array($0.utf8) } }

/// `COMMAND INFO graph.explain` as Redis 8.2 with FalkorDB answers it under RESP2 (key specs as
/// flat arrays): a module's command, which the committed table cannot have.
private let graphExplainInfo: RESPValue = .array([
    .array([
        bulk("graph.EXPLAIN"), .integer(-1), .array([status("write"), status("denyoom"), status("module")]),
        .integer(1),
        .integer(1), .integer(1), .array([status("@write"), status("@hash"), status("@fast")]), .array([]),
        .array([
            .array([
                bulk("flags"), .array([status("RW"), status("update")]),
                bulk("begin_search"),
                .array([bulk("type"), bulk("index"), bulk("spec"), .array([bulk("index"), .integer(1)])]),
                bulk("find_keys"),
                .array([
                    bulk("type"), bulk("range"), bulk("spec"),
                    .array([bulk("lastkey"), .integer(0), bulk("keystep"), .integer(1), bulk("limit"), .integer(0)]),
                ]),
            ])
        ]),
        .array([]),
    ])
])

@Test func aCommandTheTableLacksIsLearntOnceAndRoutedByItsKeys() throws {
    let book = CommandKeyBook()
    let args = words("GRAPH.EXPLAIN g RETURN")
    #expect(book.info(for: args) == nil)
    #expect(book.nameToLearn(args) == "graph.explain")
    #expect(book.request(for: "graph.explain") == words("COMMAND INFO graph.explain"))
    #expect(book.nameToLearn(args) == nil, "asked once per session")
    book.learn("graph.explain", reply: graphExplainInfo)
    #expect(CommandKeys.keys(args, info: try #require(book.info(for: args))) == [Array("g".utf8)])
    #expect(book.info(for: args)?.readOnly == false)
}

@Test func knownCommandsAreNeverAskedAboutAndUnknownAnswersLeaveThemKeyless() {
    let book = CommandKeyBook()
    #expect(book.nameToLearn(words("GET k")) == nil)
    #expect(book.nameToLearn(words("PING")) == nil, "keyless commands of the table are known")
    #expect(book.nameToLearn(words("client list")) == nil)
    for reply: RESPValue? in [nil, .error(Array("ERR unknown".utf8)), .array([.null]), .array([.integer(1)])] {
        let book = CommandKeyBook()
        #expect(book.nameToLearn(words("NOSUCH k")) == "nosuch")
        _ = book.request(for: "nosuch")
        book.learn("nosuch", reply: reply)
        #expect(book.info(for: words("NOSUCH k")) == nil)
        #expect(book.nameToLearn(words("NOSUCH k")) == nil)
    }
}
