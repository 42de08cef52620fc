/// What one work item counted, in the size of what it touched: the (side, class) counters it took
/// from zero and the traffic-matrix cells it made, not the index-sized arrays of an `Aggregate`.
///
/// Why: an `Aggregate` holds six counters for every address class of the index (11,014 classes for
/// the 2026-08 snapshot: 0.5 MB). Allocating, zeroing and merging one per work item was most of the
/// fixed cost of a small file. A task now counts into a reused dense `Aggregate` (its scratch), and
/// hands the job only this extract (`Aggregate.takeSparse()`), which also resets the scratch for the
/// next item. Merging it adds the same sums as merging the dense aggregate would (saturating), so
/// the result does not depend on which form an item came in (`SparseAggregateTests`).
struct SparseAggregate: Sendable {
    /// The first counter of each touched (side, class), as an index into `Aggregate.classCounters`.
    var classSlots: [UInt32] = []
    /// flows, packets, bytes of each `classSlots` entry.
    var classValues: [UInt64] = []
    /// Traffic-matrix cells: key, then flows, packets, bytes (four words per cell).
    var paths: [UInt64] = []
    var details = SparseDetails()
    var records = RecordCounts()
    var firstStart: UInt64 = .max
    var lastEnd: UInt64 = 0
    var saturated = false
}

extension Aggregate {
    /// Moves everything counted since the last extract (or since `empty`) into a `SparseAggregate`
    /// and leaves this aggregate empty, its arrays' capacity kept for the next item.
    /// - Precondition: nothing was merged into this aggregate (only `add`/`addChecked`).
    mutating func takeSparse() -> SparseAggregate {
        precondition(touchedIsExact, "a merged aggregate cannot be extracted sparsely")
        var sparse = SparseAggregate()
        sparse.classSlots = touched
        sparse.classValues.reserveCapacity(touched.count * 3)
        for slot in touched {
            let i = Int(slot)
            sparse.classValues.append(classCounters[i])
            sparse.classValues.append(classCounters[i + 1])
            sparse.classValues.append(classCounters[i + 2])
            classCounters[i] = 0
            classCounters[i + 1] = 0
            classCounters[i + 2] = 0
        }
        clearTouched()
        sparse.paths = paths.drain()
        sparse.details = details.drain()
        sparse.records = records
        sparse.firstStart = firstStart
        sparse.lastEnd = lastEnd
        sparse.saturated = saturated
        records = RecordCounts()
        firstStart = .max
        lastEnd = 0
        saturated = false
        fastRecords = 0
        checked = false
        return sparse
    }

    /// Adds everything `other` counted, saturating: the same sums as merging the dense aggregate it
    /// was extracted from.
    mutating func merge(_ other: SparseAggregate) {
        markMerged()
        var stopped = false
        for (n, slot) in other.classSlots.enumerated() {
            let i = Int(slot)
            classCounters[i] = Saturating.add(classCounters[i], other.classValues[n * 3], &stopped)
            classCounters[i + 1] = Saturating.add(classCounters[i + 1], other.classValues[n * 3 + 1], &stopped)
            classCounters[i + 2] = Saturating.add(classCounters[i + 2], other.classValues[n * 3 + 2], &stopped)
        }
        var cell = 0
        while cell < other.paths.count {
            if paths.addSaturating(
                other.paths[cell], flows: other.paths[cell + 1], packets: other.paths[cell + 2], bytes: other.paths[cell + 3])
            {
                stopped = true
            }
            cell += 4
        }
        if details.merge(other.details) { stopped = true }
        saturated = saturated || other.saturated || stopped
        // As after a dense merge: sums may be near the ceiling, so later adds are checked.
        checked = true
        records.merge(other.records)
        firstStart = min(firstStart, other.firstStart)
        lastEnd = max(lastEnd, other.lastEnd)
    }
}
