/// Who may call a route.
public enum RouteAccess: Sendable, Equatable {
    /// Anyone: health, readiness, metrics, the spec, the console.
    case `public`
    /// An authenticated tenant; the rate limit applies.
    case tenant
}
