import Foundation
import Glibc
import Testing

/// The processes and descriptors the end-to-end tests drive by hand: a gateway spawned with
/// its signals unblocked, a FIFO's unread bytes, a pending signal, a port held closed.
extension GatewayBinaryTests {
    /// A socket bound to a free port of 127.0.0.1 that does not listen: connecting there is
    /// refused while it is held, and no other test's listener or outgoing connection can be
    /// given the port meanwhile (a stopped gateway's port can be, the moment it exits).
    static func holdClosedPort() throws -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        try #require(fd >= 0)
        let bound = RawHTTPClient.onLoopback(port: 0) { bind(fd, $0, $1) }
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        let code = errno
        if bound != 0 || named != 0 { close(fd) }
        try #require(bound == 0 && named == 0, "no loopback port to hold: errno \(code)")
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// Bytes written to the pipe `fd` and not yet read by anyone (`FIONREAD`); -1 on failure.
    static func unreadBytes(_ fd: Int32) -> Int32 {
        var count: Int32 = 0
        return ioctl(fd, UInt(FIONREAD), &count) == 0 ? count : -1
    }

    /// Whether `signal` was sent to the process `pid` and not yet taken by any of its threads
    /// (`ShdPnd` of `/proc/<pid>/status`, a hexadecimal mask with bit `signal - 1`).
    static func isPending(_ signal: Int32, in pid: pid_t) -> Bool {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("ShdPnd:") }),
              let mask = UInt64(line.dropFirst("ShdPnd:".count).trimmingCharacters(in: .whitespaces), radix: 16) else { return false }
        return mask & (1 << UInt64(signal - 1)) != 0
    }

    /// Starts `path` with `arguments`, stdout into the file `stdout`, stderr discarded, with no
    /// signal blocked and every signal's action the default.
    static func spawnUnblocked(_ path: String, _ arguments: [String], stdout: String, environment: [String]) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EINVAL) }
        return pid
    }
}
