import Synchronization

/// The faults a test has queued for one simulated host: each rule applies to the next `times`
/// matching requests, in the order rules were added. Thread-safe; tests drive it while the
/// simulator serves.
public final class FaultInjector: Sendable {
    private struct Rule {
        var fault: Fault
        var remaining: Int
        var pathPrefix: String?
        /// Matching requests still to let through before the fault applies.
        var passing: Int
    }

    private let rules = Mutex<[Rule]>([])

    /// No faults queued: every request is answered normally.
    public init() {}

    /// The next `times` requests whose path starts with `pathPrefix` (any path when nil) get
    /// `fault`, once `after` such requests have gone through unharmed.
    public func inject(_ fault: Fault, times: Int = 1, pathPrefix: String? = nil, after: Int = 0) {
        guard times > 0 else { return }
        rules.withLock { $0.append(Rule(fault: fault, remaining: times, pathPrefix: pathPrefix, passing: max(0, after))) }
    }

    /// Drops every fault still queued.
    public func clear() {
        rules.withLock { $0.removeAll() }
    }

    /// Faults still waiting to be served.
    public var pending: Int {
        rules.withLock { $0.reduce(0) { $0 + $1.remaining } }
    }

    /// Takes the fault for a request to `path`, if one is queued.
    public func take(for path: String) -> Fault? {
        rules.withLock { rules in
            guard let index = rules.firstIndex(where: { rule in rule.pathPrefix.map { path.hasPrefix($0) } ?? true }) else {
                return nil
            }
            if rules[index].passing > 0 {
                rules[index].passing -= 1
                return nil
            }
            let fault = rules[index].fault
            rules[index].remaining -= 1
            if rules[index].remaining == 0 { rules.remove(at: index) }
            return fault
        }
    }
}
