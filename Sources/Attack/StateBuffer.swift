/// A fixed-size, bounds-checked array of the attack's incremental state, mutable through a shared reference.
///
/// ConstraintState updates its histograms and moments on every applied change and the search reads them for
/// every candidate. Held in `var` arrays of a class, each of those reads and writes goes through Swift's
/// dynamic exclusivity check (a thread-local access set: ~10% of the search's time, measured); held as a `let`
/// reference to this buffer, none does. Indices are still checked (a precondition, not only in debug builds).
/// Not thread-safe: one engine thread owns its state.
final class StateBuffer<Element>: RandomAccessCollection {
    private let base: UnsafeMutablePointer<Element>
    let count: Int

    init(repeating value: Element, count: Int) {
        self.count = Swift.max(count, 0)
        base = .allocate(capacity: Swift.max(count, 1))
        base.initialize(repeating: value, count: self.count)
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    var startIndex: Int { 0 }
    var endIndex: Int { count }

    @inline(__always)
    subscript(k: Int) -> Element {
        get { precondition(k >= 0 && k < count, "StateBuffer index out of range"); return base[k] }
        set { precondition(k >= 0 && k < count, "StateBuffer index out of range"); base[k] = newValue }
    }

    /// Copies `values` (same count) into the buffer.
    func assign<C: Collection>(_ values: C) where C.Element == Element {
        precondition(values.count == count, "StateBuffer size mismatch")
        var k = 0
        for v in values { base[k] = v; k += 1 }
    }

    /// Sets every element to `value`.
    func fill(_ value: Element) { base.update(repeating: value, count: count) }
}
