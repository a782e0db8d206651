import Connectors

extension [OzonDatedEntry] {
    /// Moves the items of the entries in `range` whose status is `status` (any, when nil) to the
    /// end of `items`, in order: the reviews' and the questions' pages accept entries this way.
    /// Moved, not copied (a copy retains each of the item's strings); the entries are read again
    /// only for their ids. An item is taken out before its status is read, so that no copy of it
    /// is made to read one field, and put back when it does not match.
    mutating func moveItems(in range: Range<Int>, status: Item.Status?, to items: inout [Item]) {
        items.reserveCapacity(items.count + range.count)
        for index in range {
            guard let item = self[index].item.take() else { continue }
            if status == nil || item.status == status {
                items.append(item)
            } else {
                self[index].item = item
            }
        }
    }
}
