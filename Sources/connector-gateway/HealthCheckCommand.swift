import Gateway
import Glibc

/// `connector-gateway healthcheck`: for a container HEALTHCHECK without curl. Connects to the
/// gateway's port, asks `GET /healthz`, and exits 0 on a 200 within two seconds, 1 otherwise;
/// 2 for an address `serve` would refuse, read as `serve` reads it.
enum HealthCheckCommand {
    /// The address serve would listen on: the configuration's (`--config` or `GATEWAY_CONFIG`),
    /// then `PORT` and `HOST`, then the flags, each checked as serve checks it; and a port, as
    /// 0 (the kernel's pick) is none a health check can reach. When `HOST` and `PORT` (as the
    /// image sets them) or the flags name both, the file cannot change the address and is not
    /// read: a running gateway keeps the configuration it started with, so a file edited since,
    /// or a `${VAR}` added that its environment lacks, must not make it unhealthy.
    static func run(_ options: CommandLineOptions, environment: [String: String]) -> Int32 {
        var configuration = GatewayConfiguration()
        let host = options.host != nil || !(environment["HOST"] ?? "").isEmpty
        let port = options.port != nil || !(environment["PORT"] ?? "").isEmpty
        switch ConfigurationFile.named(options, environment: environment) {
        case .file where host && port:
            break
        case .emptyVariable:
            Output.error("connector-gateway: GATEWAY_CONFIG is set but empty; name the configuration file, or unset it")
            return 2
        case .file(let path) where ConfigurationFile.isPipe(path):
            // A pipe (`/dev/stdin`, a secret manager's FIFO) is serve's to read, once: the check
            // takes the address from PORT, HOST and the flags instead of waiting on it or
            // taking what serve needs.
            break
        case .file(let path):
            guard let loaded = ConfigurationFile.load(path, environment: environment) else { return 2 }
            configuration = loaded
        case .none:
            break
        }
        guard RuntimeOverrides.apply(options, environment: environment, to: &configuration) != nil else { return 2 }
        guard configuration.server.port != 0 else {
            Output.error("connector-gateway: a health check needs the gateway's port; port 0 (the kernel's pick) names none")
            return 2
        }
        return run(host: configuration.server.host, port: configuration.server.port)
    }

    static func run(host: String, port: Int) -> Int32 {
        // A wildcard listen address is reached on the loopback of its family; `localhost` is what
        // serve makes of it (`SocketAddress`), 127.0.0.1, whatever /etc/hosts lists first. `::`
        // takes IPv4 too (serve clears IPV6_V6ONLY), and a host with IPv6 turned off
        // (`disable_ipv6`) still binds it but has no ::1: 127.0.0.1 is asked when ::1 is not there.
        if host == "::", let status = ask("::1", port: port, quietWhenNoneListens: true) { return status }
        return ask(host == "0.0.0.0" || host.isEmpty || host.lowercased() == "localhost" || host == "::" ? "127.0.0.1" : host, port: port)
            ?? 1
    }

    /// Asks `/healthz` on `target`: 0 when healthy, 1 when not; nil when it cannot be reached
    /// (nothing listens, no such address here) and `quietWhenNoneListens`, for the caller to try
    /// elsewhere, nothing said.
    private static func ask(_ target: String, port: Int, quietWhenNoneListens: Bool = false) -> Int32? {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(target, String(port), &hints, &list) == 0, let first = list else {
            if quietWhenNoneListens { return nil }
            Output.error("healthcheck: cannot resolve \(target)")
            return 1
        }
        defer { freeaddrinfo(list) }
        let fd = socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return quietWhenNoneListens ? nil : 1 }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        // An IPv6 literal goes in brackets beside a port, and in Host (RFC 9110 §7.2, or the
        // gateway answers 400).
        let hostField = target.contains(":") ? "[\(target)]" : target
        guard connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            if quietWhenNoneListens { return nil }
            Output.error("healthcheck: nothing listens on \(hostField):\(port)")
            return 1
        }
        let request = Array("GET /healthz HTTP/1.1\r\nHost: \(hostField)\r\nConnection: close\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == request.count else { return 1 }
        var buffer = [UInt8](repeating: 0, count: 64)
        var received = 0
        while received < 12 {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + received, $0.count - received, 0) }
            if n > 0 { received += n } else if n < 0, errno == EINTR { continue } else { break }
        }
        let statusLine = String(decoding: buffer.prefix(received), as: UTF8.self)
        guard statusLine.hasPrefix("HTTP/1.1 200") else {
            Output.error(received == 0 ? "healthcheck: unhealthy (no answer)" : "healthcheck: unhealthy (\(statusLine.prefix(20)))")
            return 1
        }
        return 0
    }
}
