import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A NULL-terminated array of C strings that lives as long as it does.
final class CStringArray {
    let pointers: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    private let count: Int

    init(_ strings: [String]) {
        self.count = strings.count
        self.pointers = .allocate(capacity: strings.count + 1)
        for (index, string) in strings.enumerated() { self.pointers[index] = strdup(string) }
        self.pointers[strings.count] = nil
    }

    deinit {
        for index in 0..<self.count { free(self.pointers[index]) }
        self.pointers.deallocate()
    }
}
