/// A fixed list of items, each repeated its count of times (one interactive line).
package final class ItemSource: CommandSource {
    private var items: [(item: ScriptItem, count: Int64)]
    private var index = 0

    /// A source of `items` in order.
    package init(_ items: [(item: ScriptItem, count: Int64)]) {
        self.items = items.filter { $0.count > 0 }
    }

    package func next() -> ScriptItem? {
        guard index < items.count else { return nil }
        let item = items[index].item
        items[index].count -= 1
        if items[index].count == 0 { index += 1 }
        return item
    }

    package var inputDescriptor: Int32? { nil }
    package func readAvailable() throws(RcliError) {}
    package var isExhausted: Bool { index >= items.count }
}
