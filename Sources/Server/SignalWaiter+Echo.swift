extension SignalWaiter.Arrival {
    /// Whether this arrival is `first` sent again by the same sender rather than a second signal:
    /// the same signal within `window` of it (`timeout` signals the process and then its group,
    /// so one shutdown arrives twice). Judged by when each was read off the pipe, not by when a
    /// busy process got round to handling it.
    public func echoes(_ first: SignalWaiter.Arrival, within window: Duration) -> Bool {
        signal == first.signal && at - first.at < window
    }
}
