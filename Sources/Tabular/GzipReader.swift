import TabularZlib
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Decompresses a gzip file (one or more concatenated members, as `cat a.gz b.gz` makes) with zlib.
enum GzipReader {
    /// The decompressed bytes of the file open as `fd`.
    ///
    /// The compressed input is read in 4 MiB blocks (never held whole); the output grows in place.
    /// - Throws: ``TabularError/corruptCompressedFile(file:reason:)`` for a damaged or truncated
    ///   stream, ``TabularError/unreadableFile(file:reason:)`` for a read error.
    static func decompress(fd: Int32, compressedSize: Int?, name: String,
                           progress: CSVTable.ProgressReporting) throws -> TableBytes {
        var stream = z_stream()
        // 15 + 32: a zlib or gzip header, detected automatically.
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw TabularError.corruptCompressedFile(file: name, reason: "zlib could not start")
        }
        defer { inflateEnd(&stream) }

        let inputSize = 4 << 20
        let input = UnsafeMutablePointer<UInt8>.allocate(capacity: inputSize)
        defer { input.deallocate() }
        var capacity = max(1 << 20, min((compressedSize ?? 0) * 4, 1 << 34))
        guard var output = malloc(capacity) else {
            throw TabularError.unreadableFile(file: name, reason: "out of memory")
        }
        var produced = 0
        var consumedTotal = 0
        var ended = false         // the current member is complete
        var sawInput = false
        let meter = ProgressMeter(name: name, total: compressedSize ?? 0, verb: "decompressing", mode: progress)
        defer { meter.finish() }
        do {
            while true {
                var got = 0
                repeat { got = read(fd, input, inputSize) } while got < 0 && errno == EINTR
                if got < 0 { throw TabularError.unreadableFile(file: name, reason: errnoReason(errno)) }
                if got == 0 { break }
                sawInput = true
                meter.advance(by: got)
                consumedTotal += got
                stream.next_in = input
                stream.avail_in = UInt32(got)
                while stream.avail_in > 0 {
                    if ended {
                        // Another member follows (or trailing garbage, which zlib will reject).
                        inflateReset(&stream)
                        ended = false
                    }
                    if produced == capacity {
                        capacity *= 2
                        guard let grown = realloc(output, capacity) else {
                            throw TabularError.unreadableFile(file: name, reason: "out of memory")
                        }
                        output = grown
                    }
                    stream.next_out = output.assumingMemoryBound(to: UInt8.self) + produced
                    let room = min(capacity - produced, Int(UInt32.max))
                    stream.avail_out = UInt32(room)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    produced += room - Int(stream.avail_out)
                    switch status {
                    case Z_STREAM_END: ended = true
                    case Z_OK, Z_BUF_ERROR: break
                    default:
                        let message = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                        throw TabularError.corruptCompressedFile(file: name, reason: message)
                    }
                }
            }
            if !sawInput { ended = true }
            // Drain what zlib still holds.
            while !ended {
                if produced == capacity {
                    capacity *= 2
                    guard let grown = realloc(output, capacity) else {
                        throw TabularError.unreadableFile(file: name, reason: "out of memory")
                    }
                    output = grown
                }
                stream.next_out = output.assumingMemoryBound(to: UInt8.self) + produced
                let room = min(capacity - produced, Int(UInt32.max))
                stream.avail_out = UInt32(room)
                let status = inflate(&stream, Z_FINISH)
                produced += room - Int(stream.avail_out)
                if status == Z_STREAM_END { ended = true; break }
                if status == Z_BUF_ERROR && stream.avail_out > 0 {
                    throw TabularError.corruptCompressedFile(file: name, reason: "the file ends before the compressed data does (truncated?)")
                }
                if status != Z_OK && status != Z_BUF_ERROR {
                    let message = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                    throw TabularError.corruptCompressedFile(file: name, reason: message)
                }
            }
        } catch {
            free(output)
            throw error
        }
        _ = consumedTotal
        // Give back the unused tail.
        if let shrunk = realloc(output, max(produced, 1)) { output = shrunk }
        return TableBytes(adoptingMalloc: output, count: produced)
    }
}
