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

    /// The largest `take` a first page (skip 0) may ask for.
    var maxTake: Int {
        switch self {
        case .feedbacks(let maxTake, _): maxTake
        case .questions(let maxTotal): maxTotal
        }
    }
}
