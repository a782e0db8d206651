extension StringProtocol {
    /// The members of a field value that repeats of one field were joined into (`5, 5`, as
    /// `UpstreamResponse` joins a field a proxy on the way repeated), each read by `read`; nil
    /// when any member is unreadable, so a list is never taken for a value it does not hold.
    func joinedRepeats<Value>(_ read: (SubSequence) -> Value?) -> [Value]? {
        var values: [Value] = []
        for member in split(separator: ",", omittingEmptySubsequences: false) {
            guard let value = read(member) else { return nil }
            values.append(value)
        }
        return values
    }
}
