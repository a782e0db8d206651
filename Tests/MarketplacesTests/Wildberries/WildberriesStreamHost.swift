import Foundation
import HTTP
import MarketplaceSimulator
import Synchronization

/// The chat event stream alone, as the simulator serves it (whole-second times, strictly after
/// `next`, pages of `pageSize`), with a hook that runs before each answer: for events Wildberries
/// takes between two requests of one call, or while a request is out, which the simulator cannot time.
final class WildberriesStreamHost: SimulatedHost {
    private let state = Mutex<(events: [(id: String, at: Int64, chat: String)], asked: [Int64?])>(([], []))
    private let hook = Mutex<(@Sendable (_ next: Int64?) -> Void)?>(nil)
    let pageSize: Int
    /// Sizes of the next answers' pages, one an answer, before `pageSize` again: a stream whose
    /// pages come short mid-way.
    private let shortPages = Mutex<[Int]>([])

    init(pageSize: Int = 100) {
        self.pageSize = pageSize
    }

    /// The next answers hold at most `sizes` events, one size an answer, in order.
    func shortenPages(_ sizes: [Int]) {
        shortPages.withLock { $0 = sizes }
    }

    /// The `next` of every events request, in order (nil: asked without one).
    var asked: [Int64?] { state.withLock { $0.asked } }

    /// An event `id` at `at`, in the chat `1:<chat>` (its own, `1:<id>`, by default).
    func add(_ id: String, at: Int64, chat: String? = nil) {
        state.withLock { $0.events.append((id, at, chat ?? id)); $0.events.sort { $0.at < $1.at } }
    }

    /// Runs `body` with each request's `next` before the request is answered.
    func beforeEachAnswer(_ body: (@Sendable (_ next: Int64?) -> Void)?) {
        hook.withLock { $0 = body }
    }

    func handle(_ request: SimulatorRequest) async -> HTTPResponse {
        guard request.path == "/api/v1/seller/events" else { return SimulatorResponse.text("no such path", status: 404) }
        let next = request.query["next"].flatMap { Int64($0) }
        hook.withLock { $0 }?(next)
        let size = shortPages.withLock { $0.isEmpty ? pageSize : $0.removeFirst() }
        let (page, total) = state.withLock { s -> ([(id: String, at: Int64, chat: String)], Int) in
            s.asked.append(next)
            let after = s.events.filter { next == nil || $0.at > next! }
            return (Array(after.prefix(size)), min(after.count, size))
        }
        let events = page.map { #"{"chatID":"1:\#($0.chat)","eventID":"\#($0.id)","eventType":"message","message":{"text":"\#($0.id)"},"addTimestamp":\#($0.at),"sender":"client"}"# }
        let cursor = page.last?.at ?? next ?? 0
        return SimulatorResponse.text(#"{"result":{"next":\#(cursor),"totalEvents":\#(total),"events":[\#(events.joined(separator: ","))]},"errors":null}"#,
                                      status: 200, contentType: "application/json")
    }

    func faultResponse(_ fault: Fault) -> HTTPResponse {
        SimulatorResponse.empty(status: 500)
    }
}
