import HTTP

/// Every upstream call of one (marketplace, host, credential) goes through here: the deadline,
/// the circuit breaker, the rate budget, the send, the marketplace's classification of the
/// answer, and retries where they are safe. Connectors build requests and decode successes;
/// everything between is this type's.
///
/// What is retried: for `idempotent` requests, 5xx answers, 429, timeouts, refused and lost
/// connections; for `nonIdempotent` ones only what the upstream cannot have applied: a refused
/// connection and 429. Never a rejection of the request itself (400, 401, 403, 404, 422…).
public final class UpstreamCaller: Sendable {
    /// Set around the look for a reply whose answer was lost (`OzonSession.confirmedReply`): its
    /// calls are not refused by an open circuit, and their failures do not count toward opening
    /// it (`CircuitBreaker.Admission.lookUp`).
    @TaskLocal public static var isLookingUp = false

    /// The marketplace named in every `UpstreamFailure` this caller reports.
    public let marketplace: Marketplace
    /// Sends each attempt; its `host` names the upstream in reports and errors.
    public let client: any UpstreamClient
    /// The marketplace's reading of the answers: what is a failure, and of which kind.
    public let classifier: any UpstreamErrorClassifier
    /// The credential's rate budget: every attempt takes a slot from it.
    public let budget: RateBudget
    /// The circuit of the credential's account on this host: admits or refuses every attempt
    /// (but a look for a lost reply's answer, `isLookingUp`).
    public let breaker: CircuitBreaker
    /// How many attempts a call may make and the backoff between them.
    public let retry: RetryPolicy
    /// The longest a single attempt of a read may take, whatever the deadline leaves, so that a
    /// stuck connection leaves time for another try. A write has the whole deadline: it is not
    /// tried again after a timeout, and cutting it short would only turn an answer on its way
    /// into "may have applied".
    public let attemptTimeout: Duration
    /// The least time an attempt is sent with after a wait (a retry's, or the rate budget's), and
    /// a write after earlier calls of the same request: a write sent with a few milliseconds left
    /// would likely time out after the marketplace applied it, turning a clean "not done, try
    /// later" into "may have been done". A write is held to the lesser of this and half the time
    /// a request's first attempt has (so a short `upstream_deadline_ms` still lets writes go).
    public let minimumAttemptTime: Duration
    /// The client's connections, as permits: an attempt takes one before its slot of the rate
    /// budget and holds it until its answer is in (nil when the client has no limit).
    public let permits: ConnectionPermits?
    private let clock: any ResilienceClock

    /// The present on the clock this caller measures deadlines by (the injected one in tests):
    /// for a connector sharing out what is left of a deadline among its calls.
    public var now: ContinuousClock.Instant { clock.now }

    /// A caller for one credential on one host. `budget` and `breaker` are usually shared by every
    /// caller of that account (see `RateBudgets`, `CircuitBreakers`); `clock` is injected by tests.
    public init(marketplace: Marketplace, client: any UpstreamClient, classifier: any UpstreamErrorClassifier,
                budget: RateBudget, breaker: CircuitBreaker, retry: RetryPolicy = .default,
                attemptTimeout: Duration = .seconds(10), minimumAttemptTime: Duration = .seconds(1),
                clock: any ResilienceClock = SystemResilienceClock()) {
        self.marketplace = marketplace
        self.client = client
        self.classifier = classifier
        self.budget = budget
        self.breaker = breaker
        self.retry = retry
        self.attemptTimeout = attemptTimeout
        self.minimumAttemptTime = minimumAttemptTime
        self.clock = clock
        permits = client.connectionLimit.map { ConnectionPermits(limit: $0, clock: clock) }
    }

    /// Sends `request` until it succeeds, fails for good, or `deadline` leaves no room for
    /// another attempt; returns the successful response (whatever the classifier accepts).
    /// The error thrown is the last attempt's, unless a retry was refused here without being
    /// sent (the rate budget, the circuit, no connection or no time left): then it is the failure
    /// of the attempt before, the marketplace's, which called for the retry. A wait that would leave less than
    /// `minimumAttemptTime` before the deadline is not begun: the call fails at once instead.
    /// Cancelling the calling task abandons the upstream request and any wait, and the call ends
    /// with `upstreamTimeout`.
    ///
    /// With `budget: .atHand`, the call makes one attempt, and only on a slot of the rate budget
    /// free at that moment with another left beside it; otherwise it fails at once with
    /// `upstreamRateLimited`. It never waits, for a slot, a retry or a 429's retry time: for
    /// calls that only enrich an answer already in hand, which should not spend the budget that
    /// the credential's other calls need.
    public func call(_ request: UpstreamRequest, deadline: ContinuousClock.Instant,
                     budget use: BudgetUse = .wait) async throws(ConnectorError) -> UpstreamResponse {
        // What a fresh attempt of this request had: the deadline from its first upstream call,
        // at most `attemptTimeout`.
        let observer = UpstreamCallCounter.current
        let now = clock.now
        let began = observer?.began(noting: now) ?? now
        let fullAttempt = min(max(deadline - began, .zero), attemptTimeout)
        var attempt = 0
        var failure: ConnectorError?
        while true {
            attempt += 1
            switch await attemptOnce(request, attempt: attempt, deadline: deadline, fullAttempt: fullAttempt,
                                     budgetUse: use, observer: observer) {
            case .success(let response):
                return response
            case .notSent(let refusal):
                guard let failure else { throw refusal }
                throw Self.refusedRetry(after: failure, refusal: refusal)
            case .failure(let error, let retryAfter, let retryable):
                guard retryable, attempt < retry.maxAttempts, use == .wait else { throw error }
                failure = error
                let delay = retry.delay(afterAttempt: attempt, retryAfter: retryAfter)
                let resume = clock.now + delay
                // Waiting past the deadline only to fail there helps nobody: report now.
                guard resume + minimumAttemptTime <= deadline else { throw error }
                if Task.isCancelled { throw cancelled(request) }
                if delay > .zero {
                    do { try await clock.sleep(until: resume) } catch { throw cancelled(request) }
                }
            }
        }
    }

    /// What a call ends with when its retry was refused here: the marketplace's `failure` that
    /// called for the retry, as that is what the caller must act on, told to wait as long as
    /// the `refusal` says, since a retry sooner would be refused again. A circuit that the
    /// failures opened makes it the circuit's 503, with the marketplace's failure as its
    /// upstream detail; a budget spent lengthens a 429's or a 503's wait and leaves the others
    /// as they were (pacing of ours, not the marketplace's state).
    static func refusedRetry(after failure: ConnectorError, refusal: ConnectorError) -> ConnectorError {
        switch (failure, refusal) {
        case (.upstreamRateLimited(let announced, let upstream), .upstreamRateLimited(let wait?, _)),
             (.upstreamRateLimited(let announced, let upstream), .upstreamUnavailable(let wait?, _)):
            .upstreamRateLimited(retryAfter: max(announced ?? .zero, wait), upstream)
        case (.upstreamUnavailable(let announced, let upstream), .upstreamRateLimited(let wait?, _)),
             (.upstreamUnavailable(let announced, let upstream), .upstreamUnavailable(let wait?, _)):
            .upstreamUnavailable(retryAfter: max(announced ?? .zero, wait), upstream)
        case (.upstreamError(let upstream), .upstreamUnavailable(let wait?, _)):
            .upstreamUnavailable(retryAfter: wait, upstream)
        case (.upstreamTimeout(let upstream), .upstreamUnavailable(let wait?, _)):
            .upstreamUnavailable(retryAfter: wait, upstream)
        default:
            failure
        }
    }

    private enum Outcome {
        case success(UpstreamResponse)
        case failure(ConnectorError, retryAfter: Duration?, retryable: Bool)
        /// Refused here, nothing sent: the circuit, the rate budget, no connection or no time
        /// left. Never retried.
        case notSent(ConnectorError)
    }

    private func attemptOnce(_ request: UpstreamRequest, attempt: Int, deadline: ContinuousClock.Instant,
                             fullAttempt: Duration, budgetUse: BudgetUse, observer: UpstreamCallCounter?) async -> Outcome {
        if Task.isCancelled { return .failure(cancelled(request), retryAfter: nil, retryable: false) }
        guard clock.now < deadline else {
            return .notSent(.upstreamTimeout(UpstreamFailure(marketplace: marketplace, status: nil,
                                                             message: "deadline passed before \(request.operation) could be sent")))
        }
        // Earlier calls of the request (a read before the write, their retries) used its time.
        // Judged before the budget and the circuit, so a write not sent spends neither a slot
        // nor a probe; a slot waited for comes at least `minimumAttemptTime` before the deadline.
        let left = deadline - clock.now
        if request.safety == .nonIdempotent, left < min(minimumAttemptTime, fullAttempt / 2) {
            return .notSent(.upstreamTimeout(UpstreamFailure(marketplace: marketplace, status: nil,
                                                             message: "\(request.operation) was not sent: \(Self.milliseconds(left)) ms were left before the deadline, too little to learn whether it was applied")))
        }
        // With a slot at hand, the circuit admits the call before the slot is taken (nothing can
        // change between the two, and a call it refuses spends no slot: the calls that meet a
        // half-open circuit together do not empty the budget the probe's success needs). A call
        // that must wait for its slot is admitted only after the wait, so that it neither holds
        // the half-open probe through it nor goes out to a circuit that opened meanwhile; the
        // circuit is asked first too, so a host known to be down costs it no wait.
        let waits = budgetUse == .wait && (budget.waitTime() > .zero || permits?.hasRoom == false)
        var early: CircuitBreaker.Admission?
        do throws(ConnectorError) {
            if Self.isLookingUp {
                early = .lookUp
            } else if waits {
                try breaker.check(marketplace: marketplace)
            } else {
                early = try breaker.admit(marketplace: marketplace, deadline: deadline)
            }
        } catch {
            return .notSent(error)
        }
        // A connection first, then the slot: a slot is spent when the call can go out at once,
        // not by calls that would queue inside the client and leave together (`ConnectionPermits`).
        if let permits {
            var free = permits.tryAcquire()
            if !free, budgetUse == .wait {
                // Admitted at once, but another call took the last connection since `hasRoom`:
                // the admission is let go and the call is admitted after its wait, as one that
                // waits is, so that it does not hold a half-open circuit's probe through the wait.
                if let admitted = early, !Self.isLookingUp {
                    breaker.record(.neutral, for: admitted)
                    early = nil
                }
                let until = max(clock.now, deadline - minimumAttemptTime)
                // Paced by the budget, each call in line before this one needs a slot first:
                // when those alone take it past its deadline, it is refused at once, as a call
                // whose slot lies past its deadline is. (Held by slow calls instead, the line's
                // end cannot be foreseen: the call waits.)
                let budgetWait = budget.waitTime()
                let ahead = budgetWait + budget.limit.interval * permits.waitingCount
                if budgetWait > .zero, clock.now + ahead > until {
                    if let early { breaker.record(.neutral, for: early) }
                    return .notSent(.upstreamRateLimited(retryAfter: ahead, nil))
                }
                free = await permits.acquire(until: until)
            }
            guard free else {
                if let early { breaker.record(.neutral, for: early) }
                if Task.isCancelled { return .failure(cancelled(request), retryAfter: nil, retryable: false) }
                if budgetUse == .atHand {
                    return .notSent(.upstreamRateLimited(retryAfter: budget.waitTime(), nil))
                }
                return .notSent(.upstreamTimeout(UpstreamFailure(marketplace: marketplace, status: nil,
                                                                 message: "no connection to \(client.host) came free in time to send \(request.operation) (nothing was sent)")))
            }
        }
        defer { permits?.release() }
        // The slot waited for, given back if the call is not sent after all.
        var waited: RateBudget.Slot?
        do throws(ConnectorError) {
            // A slot free now is taken however close the deadline; one to wait for must leave
            // the attempt its time.
            if budgetUse == .atHand {
                guard budget.takeSpare(leaving: 1) else { throw ConnectorError.upstreamRateLimited(retryAfter: budget.waitTime(), nil) }
            } else {
                waited = try await budget.acquire(deadline: max(clock.now, deadline - minimumAttemptTime), marketplace: marketplace)
            }
        } catch {
            if let early { breaker.record(.neutral, for: early) }
            if Task.isCancelled { return .failure(cancelled(request), retryAfter: nil, retryable: false) }
            return .notSent(error)
        }
        let remaining = deadline - clock.now
        guard remaining > .zero else {
            if let early { breaker.record(.neutral, for: early) }
            if let waited { budget.giveBack(waited) }
            return .notSent(.upstreamTimeout(UpstreamFailure(marketplace: marketplace, status: nil,
                                                             message: "deadline passed waiting for the rate budget")))
        }
        let admission: CircuitBreaker.Admission
        do throws(ConnectorError) {
            if let early { admission = early } else { admission = try breaker.admit(marketplace: marketplace, deadline: deadline) }
        } catch {
            // The circuit opened, or its probe went out, while this call waited for its slot.
            if let waited { budget.giveBack(waited) }
            return .notSent(error)
        }
        let response: UpstreamResponse
        let sent = ContinuousClock.now
        func report(_ outcome: UpstreamCallReport.Outcome, refused: Bool = false) {
            // A write the marketplace may have applied: any end but a refusal, before it (no
            // connection) or by it (429, its maintenance answer, another 4xx).
            let changed = request.safety == .nonIdempotent && !refused && outcome != .rateLimited && outcome != .clientError
            observer?.record(UpstreamCallReport(marketplace: marketplace, host: client.host, operation: request.operation,
                                                attempt: attempt, outcome: outcome, duration: ContinuousClock.now - sent,
                                                mayHaveChanged: changed))
        }
        let attemptTime = request.safety == .nonIdempotent ? remaining : min(remaining, attemptTimeout)
        do {
            response = try await client.send(request, timeout: attemptTime)
        } catch {
            // Nothing reached the marketplace: its limit counted nothing, so neither does the budget.
            switch error {
            case .connectionRefused, .localFailure, .connectTimedOut, .notSent, .cancelledUnsent, .shutDown, .unsendable:
                if let waited { budget.giveBack(waited) }
            default:
                break
            }
            switch error {
            case .cancelled: report(.cancelled)
            case .shutDown, .cancelledUnsent: report(.cancelled, refused: true)
            case .timedOut: report(.timeout)
            case .connectionRefused, .localFailure: report(.transportError, refused: true)
            case .connectTimedOut: report(.timeout, refused: true)
            case .notSent: report(.timeout, refused: true)
            case .unsendable: report(.transportError, refused: true)
            case .connectionLost, .responseTooLarge, .overBudget, .unreadableResponse: report(.transportError)
            }
            return transportFailure(error, request: request, attemptTime: attemptTime,
                                    fullAttempt: fullAttempt, admission: admission)
        }
        let classification = classifier.classify(response, for: request)
        // The marketplace's own word that it did not act (its maintenance answer), with a 5xx or
        // inside a 2xx it rejects (Wildberries' envelope with `error: true`).
        let saysNotApplied = (response.status >= 500 || (response.isSuccess && classification != nil))
            && classifier.saysNotApplied(response)
        switch response.status {
        case 200..<300: report(.success, refused: saysNotApplied)
        case 429: report(.rateLimited)
        case 500...: report(.serverError, refused: saysNotApplied)
        default: report(.clientError)
        }
        if let value = response.header("x-ratelimit-remaining") ?? response.header("ratelimit-remaining"),
           let remaining = Self.remaining(value) {
            budget.sync(remaining: remaining)
        }
        guard let error = classification else {
            breaker.record(.success, for: admission)
            return .success(response)
        }
        return classified(error, response: response, request: request, saysNotApplied: saysNotApplied, admission: admission)
    }

    static let longestPause: Duration = .seconds(3600)

    private func classified(_ error: ConnectorError, response: UpstreamResponse, request: UpstreamRequest,
                            saysNotApplied: Bool, admission: CircuitBreaker.Admission) -> Outcome {
        let idempotent = request.safety == .idempotent
        let status = response.status
        let announced = RetryAfter.delay(in: response)
        // 429 is an answer the upstream gives before acting on a request: safe to repeat, as is
        // an answer the marketplace's classifier recognises as its own word that it did not act
        // (`saysNotApplied`). A bare 503 is not (RFC 9110 promises nothing of the kind, and a
        // proxy on the way may give it after passing the write on): not sent again.
        let notApplied = status == 429 || saysNotApplied
        // A pause holds every tenant of the credential: no longer than an hour (the longest
        // interval a marketplace's published limits have), whatever a proxy on the way announces;
        // a limit still in force then costs one more refused call.
        if case .upstreamRateLimited(let classified, _) = error {
            budget.pause(for: min(classified ?? announced ?? .seconds(1), Self.longestPause))
        } else if status == 429, !classifier.blocksOperationOnly(response) {
            // However the marketplace words it, the credential is over its upstream limit (but
            // for a block of one method, which holds back that method alone).
            budget.pause(for: min(announced ?? .seconds(1), Self.longestPause))
        }
        switch error {
        case .upstreamRateLimited(let wait, let failure):
            // The pause held above: a later call is told what is left of it, so this one is too.
            let wait = (wait ?? announced).map { min($0, Self.longestPause) }
            breaker.record(.success, for: admission)
            return .failure(.upstreamRateLimited(retryAfter: wait, failure), retryAfter: wait, retryable: true)
        case .upstreamUnavailable(let wait, let failure):
            let wait = wait ?? announced
            // A method blocked is the host answering (as a 429 is): healthy, whatever the method.
            breaker.record(classifier.blocksOperationOnly(response) ? .success : .failure, for: admission)
            return .failure(.upstreamUnavailable(retryAfter: wait, failure), retryAfter: wait,
                            retryable: (idempotent || notApplied) && !classifier.outlastsTheRequest(response))
        case .upstreamError:
            if status >= 500 {
                breaker.record(.failure, for: admission)
                return .failure(error, retryAfter: announced, retryable: idempotent || notApplied)
            }
            // The host answered, with something we cannot use (a malformed 2xx, an odd status),
            // or asked to come back later (408, 425, 429: none was taken in, so a write too).
            breaker.record(.success, for: admission)
            return .failure(error, retryAfter: announced, retryable: UpstreamFailure.saysLater(status))
        case .upstreamTimeout:
            breaker.record(.failure, for: admission)
            return .failure(error, retryAfter: announced, retryable: idempotent || notApplied)
        default:
            // The host answered and refused the request itself: it is healthy, and asking
            // again would get the same answer (400, 401, 403, 404, 422…).
            breaker.record(.success, for: admission)
            return .failure(error, retryAfter: nil, retryable: false)
        }
    }

    /// `attemptTime`: what the failed attempt had; `fullAttempt`: what a fresh one of the request had.
    private func transportFailure(_ error: UpstreamTransportError, request: UpstreamRequest, attemptTime: Duration,
                                  fullAttempt: Duration, admission: CircuitBreaker.Admission) -> Outcome {
        let idempotent = request.safety == .idempotent
        func failure(_ message: String, status: Int? = nil, lasting: Bool = false) -> UpstreamFailure {
            UpstreamFailure(marketplace: marketplace, status: status, message: message, isLasting: lasting)
        }
        // What the circuit makes of it, what the caller is told, and whether it may go again.
        let (health, reported, retryable): (CircuitBreaker.Outcome, ConnectorError, Bool) = switch error {
        case .cancelled:
            (.neutral, cancelled(request), false)
        case .cancelledUnsent:
            (.neutral, cancelled(request, sent: false), false)
        case .shutDown:
            (.neutral, .upstreamTimeout(failure("\(request.operation) was not sent: the gateway is shutting down")), false)
        case .timedOut where Task.isCancelled:
            (.neutral, cancelled(request), false)
        case .timedOut:
            // An attempt the deadline cut to under half of a fresh one's time says little about
            // the host: the gateway's own queue and the request's earlier calls took the rest.
            (attemptTime < fullAttempt / 2 ? .neutral : .failure, .upstreamTimeout(failure("\(client.host) did not answer \(request.operation) in time")), idempotent)
        case .connectTimedOut:
            // As a timeout, but nothing went out: a write may go again.
            (attemptTime < fullAttempt / 2 ? .neutral : .failure,
             .upstreamTimeout(failure("\(client.host) took no connection for \(request.operation) in time (nothing was sent)")), true)
        case .notSent(let reason):
            // The gateway's own connections were busy: not the host's failure, and nothing went
            // out, so a write may go again.
            (.neutral, .upstreamTimeout(failure("\(request.operation) was not sent in time: \(reason)")), true)
        case .unsendable(let reason):
            // Our request, not the host: the circuit must not open for it.
            (.neutral, .upstreamError(failure("\(request.operation) could not be sent: \(reason)", lasting: true)), false)
        case .connectionRefused(let reason):
            (.failure, .upstreamError(failure("cannot connect to \(client.host): \(reason)")), true)
        case .localFailure(let reason):
            // The gateway's own want (descriptors, ports, memory): the circuit must not open for
            // it; nothing went out, so a write may go again, and it may pass once some are freed.
            (.neutral, .upstreamError(failure("the gateway could not open a connection to \(client.host) for \(request.operation): \(reason)")), true)
        case .responseTooLarge(let limit):
            (.neutral, .upstreamError(failure("\(client.host) answered \(request.operation) with more than \(limit) bytes", lasting: true)), false)
        case .overBudget(let limit):
            // The gateway's memory, not the host: a read may go again (the others may be done by
            // then); a write may have been applied.
            (.neutral, .upstreamError(failure("the gateway was already receiving \(limit) bytes of answers from the marketplaces, its ceiling, and dropped this answer to \(request.operation)")), idempotent)
        case .unreadableResponse(let status, let reason):
            (.neutral, .upstreamError(failure("\(client.host) answered \(request.operation) in a form the gateway cannot read: \(reason)",
                                              status: status, lasting: true)), false)
        case .connectionLost(let reason):
            (.failure, .upstreamError(failure("connection to \(client.host) lost: \(reason)")), idempotent)
        }
        breaker.record(health, for: admission)
        return .failure(reported, retryAfter: nil, retryable: retryable)
    }

    /// A remaining-calls count; repeated on the way (`3, 3` once joined), the smallest.
    static func remaining(_ value: String) -> Int? {
        guard value.utf8.contains(UInt8(ascii: ",")) else { return Int(value.trimmingOWS()) }
        return value.joinedRepeats { Int($0.trimmingOWS()) }?.min()
    }

    private static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }

    /// `sent` false: cancelled before it was written, so nothing reached the marketplace.
    private func cancelled(_ request: UpstreamRequest, sent: Bool = true) -> ConnectorError {
        .upstreamTimeout(UpstreamFailure(marketplace: marketplace, status: nil,
                                         message: "\(request.operation) was cancelled before \(sent ? "the marketplace answered" : "it was sent")"
                                             + " (the request's client went away, or the gateway was stopping)"))
    }
}
