import Foundation
import Gateway
import Glibc
import Server
import Synchronization

/// What `serve` does with SIGTERM, SIGINT and SIGHUP, from the first instant of the process: the
/// first signal drains the gateway (at once if it serves, else as soon as it does: a signal while
/// the configuration is read or the journal opened is kept); a second one exits 1 at once, also
/// while start-up is still blocked (a configuration named by a FIFO nobody writes, say). The same
/// signal again within 250 ms of the first's arrival is one sender's echo (`timeout` signals the
/// process and then its group), judged by when each came, not by when it was handled.
final class ServeSignals: Sendable {
    private struct State {
        var application: GatewayApplication?
        var demo: DemoMarketplaces?
        var first: SignalWaiter.Arrival?
    }

    private enum Action {
        case none
        case drain(GatewayApplication, DemoMarketplaces?, Int32)
        case exitNow(GatewayApplication?, Int32)
    }

    static let echoWindow = Duration.milliseconds(250)

    private let state = Mutex(State())
    private let exiting = ExitClaim()

    /// Whether the caller may end the process: false once a second signal or the drain's end has
    /// taken the exit.
    func claimExit() -> Bool { exiting.claim() }

    /// Handles `arrivals` until the process ends; on a task of its own, so that a start-up
    /// blocked on the main thread does not hold the signals back.
    func watch(_ arrivals: AsyncStream<SignalWaiter.Arrival>) async {
        for await arrival in arrivals { handle(arrival) }
    }

    /// The gateway serves, `listeningSince` the instant just before its listeners were opened: a
    /// signal kept from start-up drains it now.
    func serving(_ application: GatewayApplication, demo: DemoMarketplaces?, listeningSince: ContinuousClock.Instant) {
        let kept = state.withLock { state -> SignalWaiter.Arrival? in
            state.application = application
            state.demo = demo
            return state.first
        }
        // Kept from before the listeners were opened: never ready, so no load balancer to wait
        // for, no delay. A SIGTERM since (as they opened, or while the start line was written)
        // may follow a readiness probe that passed: delayed as any.
        if let kept {
            drain(application, demo: demo, signal: kept.signal, delayed: kept.signal == SIGTERM && kept.at >= listeningSince)
        }
    }

    private func handle(_ arrival: SignalWaiter.Arrival) {
        let action = state.withLock { state -> Action in
            guard let first = state.first else {
                state.first = arrival
                guard let application = state.application else { return .none }
                return .drain(application, state.demo, arrival.signal)
            }
            if arrival.echoes(first, within: Self.echoWindow) { return .none }
            return .exitNow(state.application, arrival.signal)
        }
        switch action {
        case .none:
            break
        case .drain(let application, let demo, let signal):
            // The delay is for an orchestrator's SIGTERM; SIGINT (Ctrl-C) and SIGHUP drain at once.
            drain(application, demo: demo, signal: signal, delayed: signal == SIGTERM)
        case .exitNow(let application, let signal):
            // The drain may have ended a moment ago, its task already in `exit(0)`: two threads
            // must not run exit at once (glibc's exit is not thread-safe).
            guard exiting.claim() else { return }
            if let application {
                JSONLine.write(["event": "exit", "signal": Int(signal), "message": "second signal: exiting without waiting for the drain"],
                               to: application.log)
                application.log.flush(patience: .milliseconds(500))
            } else {
                Output.error("connector-gateway: second signal during start-up: exiting")
            }
            exit(1)
        }
    }

    private func drain(_ application: GatewayApplication, demo: DemoMarketplaces?, signal: Int32, delayed: Bool) {
        // Queued before the drain starts (queuing never waits on stdout): an idle gateway's drain
        // may end, and its task write `stopped` and exit, before anything else is written.
        var line: [String: Any] = ["event": "drain", "signal": Int(signal)]
        let delay = application.configuration.drainDelay
        if delayed, delay > .zero {
            // Readiness fails now; the listeners stay open until the delay is over.
            line["delay_ms"] = Int(delay / .milliseconds(1))
        }
        JSONLine.write(line, to: application.log)
        let exiting = exiting
        Task {
            await application.stop(delayed: delayed)
            await demo?.stop()
            guard exiting.claim() else { return }
            JSONLine.write(["event": "stopped"], to: application.log)
            application.log.flush(patience: .seconds(1))
            exit(0)
        }
    }
}
