import Synchronization

/// A value several tasks of a test read and change, behind a lock: a class, so closures nested in task groups
/// can share it (a `Mutex` itself cannot be captured there).
final class Shared<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) { self.mutex = Mutex(value) }

    var value: Value { self.mutex.withLock { $0 } }

    func withLock<T: Sendable>(_ body: (inout Value) -> T) -> T { self.mutex.withLock { body(&$0) } }
}
