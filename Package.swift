// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "ConnectorGateway",
    products: [
        .library(name: "HTTP", targets: ["HTTP"]),
        .library(name: "Server", targets: ["Server"]),
        .library(name: "Hashing", targets: ["Hashing"]),
        .library(name: "Connectors", targets: ["Connectors"]),
        .library(name: "Marketplaces", targets: ["Marketplaces"]),
        .library(name: "MarketplaceSimulator", targets: ["MarketplaceSimulator"]),
        .library(name: "Gateway", targets: ["Gateway"]),
        .executable(name: "connector-gateway", targets: ["connector-gateway"]),
    ],
    targets: [
        .target(name: "CSystem"),
        .target(name: "HTTP"),
        .target(name: "Hashing"),
        .target(name: "Server", dependencies: ["CSystem", "HTTP"]),
        .target(name: "Connectors", dependencies: ["Hashing", "CSystem", "HTTP"]),
        .target(name: "Marketplaces", dependencies: ["Connectors"]),
        .target(name: "MarketplaceSimulator", dependencies: ["Server", "HTTP"]),
        .target(name: "Gateway", dependencies: ["Server", "HTTP", "Connectors", "Marketplaces", "Hashing"]),
        .executableTarget(name: "connector-gateway",
                          dependencies: ["Gateway", "HTTP", "Marketplaces", "MarketplaceSimulator", "Server", "Connectors", "Hashing"]),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP"]),
        .testTarget(name: "HashingTests", dependencies: ["Hashing"]),
        .testTarget(name: "ConnectorsTests", dependencies: ["Connectors", "Hashing", "MarketplaceSimulator", "HTTP", "Server"]),
        .testTarget(name: "MarketplacesTests", dependencies: ["Marketplaces", "Connectors", "MarketplaceSimulator"]),
        .testTarget(name: "GatewayTests", dependencies: ["Gateway", "HTTP", "Server", "Connectors", "Hashing", "MarketplaceSimulator", "Marketplaces"]),
        .testTarget(name: "MarketplaceSimulatorTests", dependencies: ["MarketplaceSimulator", "HTTP"]),
        .testTarget(name: "ServerTests", dependencies: ["Server", "HTTP", "CSystem"]),
    ],
    swiftLanguageModes: [.v6]
)

// Nonisolated async functions run on their caller's executor (SE-0461) instead of hopping to the
// generic one: a request's dozens of calls through middleware, connector and client then stay on
// its loop without a task switch each (each one looked up the task's executor preference under a lock).
for target in package.targets where target.type != .system && target.name != "CSystem" {
    target.swiftSettings = (target.swiftSettings ?? []) + [.enableUpcomingFeature("NonisolatedNonsendingByDefault")]
}

