import Synchronization

/// The faults a test has queued for one simulated host: each rule applies to the next `times`
/// matching requests, in the order rules were added. Thread-safe; tests drive it while the
/// simulator serves.
public final class FaultInjector: Sendable {
    private struct Rule {
        var fault: Fault
        var remaining: Int
        var pathPrefix: String?
    }

    private let rules = Mutex<[Rule]>([])

    public init() {}

    /// The next `times` requests whose path starts with `pathPrefix` (any path when nil) get `fault`.
    public func inject(_ fault: Fault, times: Int = 1, pathPrefix: String? = nil) {
        guard times > 0 else { return }
        rules.withLock { $0.append(Rule(fault: fault, remaining: times, pathPrefix: pathPrefix)) }
    }

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
            let fault = rules[index].fault
            rules[index].remaining -= 1
            if rules[index].remaining == 0 { rules.remove(at: index) }
            return fault
        }
    }
}
