extension KeyedDecodingContainer {
    /// The value at `key`, or nil when it is absent, null, or of another shape than expected:
    /// one odd field must not cost the whole Wildberries answer.
    func wildberriesLenient<T: Decodable>(_ type: T.Type, forKey key: Key) -> T? {
        (try? decodeIfPresent(type, forKey: key)) ?? nil
    }

    /// The scalar at `key`; `.null` when absent.
    func wildberriesScalar(_ key: Key) -> WildberriesScalar {
        wildberriesLenient(WildberriesScalar.self, forKey: key) ?? .null
    }
}
