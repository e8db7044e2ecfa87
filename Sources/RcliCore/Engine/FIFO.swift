/// A first-in first-out queue over an array: pops move a head index, and the consumed prefix is
/// dropped only once it is at least half the storage, so a long pipeline costs O(1) per item.
struct FIFO<Element> {
    init() {}

    private var items: [Element] = []
    private var head = 0

    /// Items still queued.
    var count: Int { items.count - head }

    /// The oldest item, without taking it.
    var first: Element? { head < items.count ? items[head] : nil }

    mutating func append(_ item: Element) {
        items.append(item)
    }

    /// Takes the oldest item.
    mutating func pop() -> Element? {
        guard head < items.count else { return nil }
        let item = items[head]
        head += 1
        if head >= 1024 && head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
        return item
    }

    /// Replaces the oldest item (there must be one).
    mutating func replaceFirst(_ item: Element) {
        items[head] = item
    }

    /// Takes everything, oldest first.
    mutating func drain() -> [Element] {
        let rest = Array(items[head...])
        items.removeAll()
        head = 0
        return rest
    }
}
extension FIFO: Sendable where Element: Sendable {}
