import Connectors

extension JSONElement {
    /// The value as a `T`, or nil when it is null or of another shape than expected: one odd
    /// field must not cost the whole Wildberries answer.
    func wildberriesLenient<T: JSONReadable>(_ type: T.Type) -> T? {
        isNull ? nil : try? T(json: self)
    }
}
