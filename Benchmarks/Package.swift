// swift-tools-version:6.2
import PackageDescription

// The benchmark server lives apart from the product so that its Foundation use and its release
// flags never leak into the gateway's own targets.
let package = Package(
    name: "ConnectorGatewayBenchmarks",
    dependencies: [
        .package(name: "ConnectorGateway", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "bench-server",
            dependencies: [
                .product(name: "Server", package: "ConnectorGateway"),
                .product(name: "HTTP", package: "ConnectorGateway"),
            ]
        ),
        .executableTarget(
            name: "bench-gateway",
            dependencies: [
                .product(name: "Gateway", package: "ConnectorGateway"),
                .product(name: "Connectors", package: "ConnectorGateway"),
                .product(name: "Marketplaces", package: "ConnectorGateway"),
                .product(name: "MarketplaceSimulator", package: "ConnectorGateway"),
                .product(name: "Hashing", package: "ConnectorGateway"),
                .product(name: "HTTP", package: "ConnectorGateway"),
                .product(name: "Server", package: "ConnectorGateway"),
            ]
        ),
        .executableTarget(
            name: "bench-upstream",
            dependencies: [
                .product(name: "Connectors", package: "ConnectorGateway"),
                .product(name: "Server", package: "ConnectorGateway"),
                .product(name: "HTTP", package: "ConnectorGateway"),
            ]
        ),
        .executableTarget(
            name: "bench-json",
            dependencies: [.product(name: "Connectors", package: "ConnectorGateway")]
        ),
        .target(name: "CLoad"),
        .executableTarget(name: "bench-load", dependencies: ["CLoad"]),
        .executableTarget(name: "bench-cache-decay"),
        .executableTarget(
            name: "bench-parser",
            dependencies: [.product(name: "HTTP", package: "ConnectorGateway")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
