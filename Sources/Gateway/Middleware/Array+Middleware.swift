extension Array where Element == any Middleware {
    /// The chain with the first element outermost, ending in `handler`.
    func wrapping(_ handler: @escaping GatewayHandler) -> GatewayHandler {
        // A loop, not `reduce`: through the generic accumulator each layer's closure was
        // re-abstracted, and every request paid two extra async thunks per layer.
        var chain = handler
        for middleware in reversed() {
            let next = chain
            chain = { request, context in try await middleware.handle(request, context: context, next: next) }
        }
        return chain
    }
}
