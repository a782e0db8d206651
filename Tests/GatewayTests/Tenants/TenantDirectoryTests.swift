import Gateway
import Hashing
import Testing

@Suite("Tenant directory: which tenant a key belongs to")
struct TenantDirectoryTests {
    @Test("given 20,000 tenants, some with two keys, then each key finds its own tenant and a key of none, or one a byte off, finds nothing")
    func manyTenants() {
        // given
        let tenants = (0..<20_000).map { index in
            Tenant(id: "t\(index)", keyDigests: [SHA256.hash("key-\(index)".utf8)] + (index % 7 == 0 ? [SHA256.hash("rotated-\(index)".utf8)] : []),
                   rateLimit: TenantRateLimit(rate: 10, burst: 10))
        }
        let directory = TenantDirectory(tenants)
        // then
        for index in [0, 1, 6, 7, 9_999, 19_999] {
            #expect(directory.authenticate(key: "key-\(index)")?.id == "t\(index)")
        }
        #expect(directory.authenticate(key: "rotated-14")?.id == "t14")
        #expect(directory.authenticate(key: "rotated-15") == nil)
        #expect(directory.authenticate(key: "key-20000") == nil)
        #expect(directory.authenticate(key: "key-1 ") == nil)
        #expect(directory.authenticate(key: "") == nil)
    }

    @Test("given a digest two tenants list (the configuration refuses it; a directory built by hand may not), then the first listed gets it")
    func sharedDigestGoesToTheFirst() {
        let digest = SHA256.hash("shared-key".utf8)
        let limit = TenantRateLimit(rate: 1, burst: 1)
        let directory = TenantDirectory([Tenant(id: "b", keyDigests: [SHA256.hash("b".utf8)], rateLimit: limit),
                                         Tenant(id: "first", keyDigests: [digest], rateLimit: limit),
                                         Tenant(id: "second", keyDigests: [digest], rateLimit: limit)])
        #expect(directory.authenticate(key: "shared-key")?.id == "first")
    }
}
