/// Thrown by a handler to reset the connection (RST, no response) instead of answering: what a
/// crashed upstream or a middlebox dropping the flow looks like to a client. Simulators use it
/// to inject connection resets; a production handler has no reason to.
public struct ConnectionAbort: Error, Sendable {
    /// An abort to throw from a handler; it carries nothing.
    public init() {}
}
