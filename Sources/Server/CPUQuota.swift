import Glibc

/// The CPU time a container may use, as its cgroup's quota sets it (`docker run --cpus`, a
/// Kubernetes CPU limit): such a limit leaves the affinity mask whole, so a gateway capped at two
/// CPUs of a 32-core node would otherwise run 32 loops, throttled, each with its own output and
/// body allowances. Read from where a container sees its own cgroup: cgroup v2's `cpu.max`, else
/// v1's `cpu.cfs_quota_us` over `cpu.cfs_period_us`.
public enum CPUQuota {
    /// The quota in whole CPUs, rounded up; nil when there is none (or it cannot be read).
    public static var current: Int? { limit(reading: readFile) }

    /// `current`, with the files read by `read` (a path in, its text or nil out).
    public static func limit(reading read: (String) -> String?) -> Int? {
        if let text = read("/sys/fs/cgroup/cpu.max") { return cpus(cpuMax: text) }
        for folder in ["/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpu,cpuacct"] {
            if let quota = read(folder + "/cpu.cfs_quota_us"), let period = read(folder + "/cpu.cfs_period_us") {
                return cpus(quota: quota, period: period)
            }
        }
        return nil
    }

    /// cgroup v2's `cpu.max`: `<quota> <period>` in microseconds, or `max <period>` for none.
    public static func cpus(cpuMax text: String) -> Int? {
        let fields = text.split(whereSeparator: \.isWhitespace)
        guard fields.count == 2 else { return nil }
        return cpus(quota: String(fields[0]), period: String(fields[1]))
    }

    /// cgroup v1's quota and period (microseconds; a quota of -1 is none).
    public static func cpus(quota: String, period: String) -> Int? {
        guard let quota = integer(quota), let period = integer(period), quota > 0, period > 0 else { return nil }
        return max(1, (quota + period - 1) / period)
    }

    /// A file's one number, spaces and the line's end around it.
    private static func integer(_ text: String) -> Int? {
        let fields = text.split(whereSeparator: \.isWhitespace)
        return fields.count == 1 ? Int(fields[0]) : nil
    }

    private static func readFile(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: 128)
        let count = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        return String(decoding: bytes[..<count], as: UTF8.self)
    }
}
