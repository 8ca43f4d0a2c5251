import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// glibc's `posix_spawn` additions that Swift's Glibc module leaves out (they need `_GNU_SOURCE`), looked up at
/// run time: close every descriptor from one up (glibc 2.34) and change directory (2.29).
enum GlibcSpawnExtensions {
    typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    typealias ChangeDirectory =
        @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    static func closeFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ lowest: Int32) -> Int32 {
        guard let function = Self.lookUp("posix_spawn_file_actions_addclosefrom_np", as: CloseFrom.self) else {
            return ENOSYS
        }
        return function(actions, lowest)
    }

    static func changeDirectory(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ path: String) -> Int32 {
        guard let function = Self.lookUp("posix_spawn_file_actions_addchdir_np", as: ChangeDirectory.self) else {
            return ENOSYS
        }
        return function(actions, path)
    }

    private static func lookUp<Function>(_ name: String, as type: Function.Type) -> Function? {
        guard let symbol = dlsym(nil, name) else { return nil }  // nil is RTLD_DEFAULT: libc is loaded
        return unsafeBitCast(symbol, to: type)
    }
}
