extension Duration {
    /// Whole `unit`s (a second, or a fraction of one that divides it) this lasts, a remainder
    /// counting as one more: what a client is told to wait, or an interval shown, is never
    /// shorter than it is.
    func roundedUp(to unit: Duration) -> Int {
        let (seconds, attoseconds) = components
        let unitAttoseconds = unit.components.seconds * 1_000_000_000_000_000_000 + unit.components.attoseconds
        let perSecond = 1_000_000_000_000_000_000 / unitAttoseconds
        return Int(seconds * perSecond + attoseconds / unitAttoseconds + (attoseconds % unitAttoseconds > 0 ? 1 : 0))
    }

    /// Whole seconds to tell a client to wait (`Retry-After`, a refusal's `RateLimit` reset):
    /// rounded up, at least 1.
    var secondsToWait: Int { max(1, roundedUp(to: .seconds(1))) }
}
