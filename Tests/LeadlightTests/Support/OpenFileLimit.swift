import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The test process's limit on open files, raised once to its hard limit (at most 65,536).
///
/// The suite runs its tests in parallel and holds about 1,400 descriptors at its peak (a hundred SQLite
/// databases of ten each, servers, clients, pipes), more than the soft limit of 1,024 that many machines give
/// a shell; a fresh machine's `swift test` would fail with "Too many open files". The hard limit is usually far
/// higher, and raising the soft one up to it needs no privilege.
enum OpenFileLimit {
    static func raise() {
        _ = Self.raised
    }

    private static let raised: Void = {
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return }
        let wanted = min(limit.rlim_max, 65_536)
        if limit.rlim_cur < wanted {
            limit.rlim_cur = wanted
            setrlimit(resource, &limit)
        }
    }()
}
