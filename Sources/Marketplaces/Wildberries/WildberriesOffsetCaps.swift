/// The caps of an offset list: feedbacks allow `take ≤ 5000` and `skip ≤ 199990`; questions
/// `take + skip ≤ 10000` (reference §1.2, §1.3).
enum WildberriesOffsetCaps: Sendable, Equatable {
    case feedbacks(maxTake: Int, maxSkip: Int)
    case questions(maxTotal: Int)

    func fits(skip: Int, take: Int) -> Bool {
        switch self {
        case .feedbacks(let maxTake, let maxSkip): take <= maxTake && skip <= maxSkip
        case .questions(let maxTotal): take + skip <= maxTotal
        }
    }

    /// The largest `take` a page at `skip` may ask for; 0 when the offset itself is too far.
    func maxTake(skip: Int) -> Int {
        switch self {
        case .feedbacks(let maxTake, let maxSkip): skip <= maxSkip ? maxTake : 0
        case .questions(let maxTotal): max(0, maxTotal - skip)
        }
    }

    /// Where a list read only by offset (the archive: no dates to open a window with) asks for
    /// the page of `want` records from `skip`: there while the cap allows; past `maxSkip`, from
    /// `maxSkip` with a `take` reaching as deep, the first `drop` records (read already) left
    /// out; nil when even that page cannot reach `skip`.
    func archiveRequest(skip: Int, want: Int) -> (skip: Int, take: Int, drop: Int)? {
        switch self {
        case .feedbacks(let maxTake, let maxSkip):
            if skip <= maxSkip { return (skip, min(maxTake, want), 0) }
            let drop = skip - maxSkip
            guard drop < maxTake else { return nil }
            return (maxSkip, min(maxTake, drop + want), drop)
        case .questions(let maxTotal):
            guard skip < maxTotal else { return nil }
            return (skip, min(maxTotal - skip, want), 0)
        }
    }

    /// The largest `take` a first page (skip 0) may ask for.
    var maxTake: Int {
        switch self {
        case .feedbacks(let maxTake, _): maxTake
        case .questions(let maxTotal): maxTotal
        }
    }
}
