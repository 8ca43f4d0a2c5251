/// A first-come, first-served lock for async code: the holder may suspend while holding it.
///
/// SQLite allows one writer at a time; `SQLiteWriteBatcher` holds this lock while a batch of transactions runs,
/// and closing the database takes it to wait for the last batch.
actor AsyncLock {
    private var isLocked = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func lock() async {
        if !self.isLocked {
            self.isLocked = true
            return
        }
        await withCheckedContinuation { self.waiters.append($0) }
    }

    func unlock() {
        if !self.waiters.isEmpty {
            let next = self.waiters.removeFirst()
            next.resume()  // ownership passes straight to the next waiter
        } else {
            self.isLocked = false
        }
    }

    nonisolated func withLock<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await self.lock()
        do {
            let result = try await body()
            await self.unlock()
            return result
        } catch {
            await self.unlock()
            throw error
        }
    }
}
