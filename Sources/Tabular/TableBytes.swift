import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes a table is read from: a read-only memory map of a file, or memory the table owns.
///
/// A map is not copied into the process: pages come from the page cache as they are read, and the
/// scanners hand pages they have passed back to the kernel (``release(upTo:)``), so a table's
/// resident memory stays near the columns actually taken from it, whatever the file's size.
final class TableBytes: @unchecked Sendable {
    let base: UnsafePointer<UInt8>
    let count: Int
    private let mapping: UnsafeMutableRawPointer?
    private let mappedLength: Int
    private let owned: UnsafeMutableRawPointer?

    /// A copy of `bytes`.
    init(copying bytes: UnsafeBufferPointer<UInt8>) {
        let m = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 64)
        if let b = bytes.baseAddress, bytes.count > 0 { m.copyMemory(from: b, byteCount: bytes.count) }
        owned = m
        mapping = nil
        mappedLength = 0
        base = UnsafePointer(m.assumingMemoryBound(to: UInt8.self))
        count = bytes.count
    }

    /// Takes ownership of memory allocated with `UnsafeMutableRawPointer.allocate` (alignment 64) or `malloc`.
    init(adoptingMalloc pointer: UnsafeMutableRawPointer, count: Int) {
        owned = pointer
        mapping = nil
        mappedLength = 0
        base = UnsafePointer(pointer.assumingMemoryBound(to: UInt8.self))
        self.count = count
        ownedByMalloc = true
    }
    private var ownedByMalloc = false

    /// Maps a regular file read-only; nil when the descriptor cannot be mapped (a pipe, say).
    init?(mapping fd: Int32, size: Int) {
        guard size > 0 else { return nil }
        let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let p, p != MAP_FAILED else { return nil }
        #if os(Linux)
        _ = madvise(p, size, MADV_SEQUENTIAL)
        #endif
        mapping = p
        mappedLength = size
        owned = nil
        base = UnsafePointer(p.assumingMemoryBound(to: UInt8.self))
        count = size
    }

    deinit {
        if let mapping { munmap(mapping, mappedLength) }
        if let owned {
            if ownedByMalloc { free(owned) } else { owned.deallocate() }
        }
    }

    var isMapped: Bool { mapping != nil }

    /// Gives back to the kernel the mapped pages that lie wholly inside `range` (they stay in the page
    /// cache and come back on the next read). No effect on owned memory.
    func release(_ range: Range<Int>) {
        guard let mapping else { return }
        let page = 1 << 16   // in 64 KiB steps: fewer calls, and the readahead window is left alone
        let lo = (range.lowerBound + page - 1) / page * page
        let hi = range.upperBound / page * page
        guard hi > lo else { return }
        _ = madvise(mapping + lo, hi - lo, MADV_DONTNEED)
    }
}
