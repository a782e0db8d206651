import Server
import Testing

@Suite("The CPU quota of a container's cgroup")
struct CPUQuotaTests {
    @Test("cgroup v2's cpu.max gives whole CPUs, rounded up; `max` or an unreadable text gives none",
          arguments: [("200000 100000\n", 2), ("150000 100000\n", 2), ("50000 100000\n", 1), ("100000 100000", 1),
                      ("max 100000\n", nil), ("0 100000\n", nil), ("", nil), ("200000\n", nil), ("a b\n", nil)] as [(String, Int?)])
    func cpuMax(text: String, cpus: Int?) {
        #expect(CPUQuota.cpus(cpuMax: text) == cpus)
    }

    @Test("cgroup v1's quota over its period, rounded up; a quota of -1 is none",
          arguments: [("250000\n", "100000\n", 3), ("-1\n", "100000\n", nil), ("100000", "0", nil)] as [(String, String, Int?)])
    func cfs(quota: String, period: String, cpus: Int?) {
        #expect(CPUQuota.cpus(quota: quota, period: period) == cpus)
    }

    @Test("given a container's cgroup files, then v2's cpu.max is read first, else v1's quota and period, else there is no quota")
    func whereItIsRead() {
        let v2 = ["/sys/fs/cgroup/cpu.max": "300000 100000\n", "/sys/fs/cgroup/cpu/cpu.cfs_quota_us": "100000\n",
                  "/sys/fs/cgroup/cpu/cpu.cfs_period_us": "100000\n"]
        #expect(CPUQuota.limit(reading: { v2[$0] }) == 3)
        let v1 = ["/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us": "150000\n", "/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us": "100000\n"]
        #expect(CPUQuota.limit(reading: { v1[$0] }) == 2)
        #expect(CPUQuota.limit(reading: { _ in nil }) == nil)
    }

    @Test("the default number of loops is the affinity mask's CPUs or the quota's, whichever is fewer, and at least one")
    func loopsWithinTheQuota() {
        #expect(ServerConfiguration.availableCPUs(affinity: 32, quota: 2) == 2, "docker run --cpus 2 on 32 cores")
        #expect(ServerConfiguration.availableCPUs(affinity: 2, quota: 8) == 2, "taskset -c 0,1 under a larger quota")
        #expect(ServerConfiguration.availableCPUs(affinity: 4, quota: nil) == 4)
        #expect(ServerConfiguration.availableCPUs(affinity: 0, quota: nil) == 1)
    }
}
