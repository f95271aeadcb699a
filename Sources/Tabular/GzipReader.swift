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
///
/// The output goes to an unnamed temporary file (in `TMPDIR`, deleted as soon as it is created)
/// which is then memory-mapped like a plain CSV file, so a file that decompresses to more than the
/// memory does not need to fit in it (R's `data.table::fread` does the same). If no temporary file
/// can be made, the output is kept in memory.
enum GzipReader {
    /// Decompressed bytes allowed whatever the ratio (64 MiB).
    static let maximumExpansionFloor = 64 << 20
    /// Above the floor, at most this many decompressed bytes per compressed byte: a CSV compresses 5 to
    /// 20 times, a decompression bomb about 1,000 times.
    static let maximumExpansionRatio = 250

    /// The decompressed bytes of the file open as `fd`.
    ///
    /// - Throws: ``TabularError/corruptCompressedFile(file:reason:)`` for a damaged or truncated
    ///   stream, ``TabularError/unreadableFile(file:reason:)`` for a read or write error.
    static func decompress(fd: Int32, compressedSize: Int?, name: String,
                           progress: CSVTable.ProgressReporting) throws -> TableBytes {
        var stream = z_stream()
        // 15 + 32: a zlib or gzip header, detected automatically.
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw TabularError.corruptCompressedFile(file: name, reason: "zlib could not start")
        }
        defer { inflateEnd(&stream) }

        let blockSize = 4 << 20
        let input = UnsafeMutablePointer<UInt8>.allocate(capacity: blockSize)
        defer { input.deallocate() }
        let output = UnsafeMutablePointer<UInt8>.allocate(capacity: blockSize)
        defer { output.deallocate() }
        var sink = try OutputSink(name: name)
        var ended = false         // the current member is complete
        var sawInput = false
        let meter = ProgressMeter(name: name, total: compressedSize ?? 0, verb: "decompressing", mode: progress)
        defer { meter.finish() }

        /// Runs inflate until it wants more input (or the member ends), writing full blocks out.
        func pump(_ flush: Int32) throws -> Int32 {
            while true {
                stream.next_out = output
                stream.avail_out = UInt32(blockSize)
                let status = inflate(&stream, flush)
                let produced = blockSize - Int(stream.avail_out)
                if produced > 0 { try sink.write(output, produced) }
                if let compressedSize, sink.size > max(maximumExpansionFloor, maximumExpansionRatio * compressedSize) {
                    throw TabularError.corruptCompressedFile(
                        file: name,
                        reason: "it expands to more than \(maximumExpansionRatio) times its \(compressedSize) bytes "
                            + "(a decompression bomb?); decompress it yourself if it is a real table")
                }
                switch status {
                case Z_STREAM_END: return status
                case Z_OK, Z_BUF_ERROR:
                    if stream.avail_out > 0 { return status }   // needs input (or is done with it)
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                    throw TabularError.corruptCompressedFile(file: name, reason: message)
                }
            }
        }

        while true {
            var got = 0
            repeat { got = read(fd, input, blockSize) } while got < 0 && errno == EINTR
            if got < 0 { throw TabularError.unreadableFile(file: name, reason: errnoReason(errno)) }
            if got == 0 { break }
            sawInput = true
            meter.advance(by: got)
            stream.next_in = input
            stream.avail_in = UInt32(got)
            while stream.avail_in > 0 {
                if ended {
                    // Another member follows (or trailing garbage, which zlib rejects).
                    inflateReset(&stream)
                    ended = false
                }
                if try pump(Z_NO_FLUSH) == Z_STREAM_END { ended = true }
            }
        }
        if sawInput && !ended {
            if try pump(Z_FINISH) != Z_STREAM_END {
                throw TabularError.corruptCompressedFile(
                    file: name, reason: "the file ends before the compressed data does; is it complete?")
            }
        }
        return try sink.finish()
    }
}

/// Where decompressed bytes go: an unlinked temporary file, or memory when none can be made.
private struct OutputSink {
    let name: String
    var fd: Int32 = -1
    var size = 0
    var memory: [UInt8] = []

    init(name: String) throws {
        self.name = name
        let dir = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(dir)/pof-gunzip-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if made >= 0 {
            template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
            fd = made
        }
    }

    mutating func write(_ p: UnsafePointer<UInt8>, _ count: Int) throws {
        size += count
        if fd < 0 {
            memory.append(contentsOf: UnsafeBufferPointer(start: p, count: count))
            return
        }
        var done = 0
        while done < count {
            let n = Glibc_write(fd, p + done, count - done)
            if n < 0 {
                if errno == EINTR { continue }
                let reason = errnoReason(errno)
                close(fd)
                throw TabularError.unreadableFile(
                    file: name, reason: "cannot write the decompressed data to a temporary file (\(reason))")
            }
            done += n
        }
    }

    func finish() throws -> TableBytes {
        if fd < 0 { return memory.withUnsafeBufferPointer { TableBytes(copying: $0) } }
        defer { close(fd) }
        if size == 0 { return TableBytes(copying: UnsafeBufferPointer(start: nil, count: 0)) }
        guard let mapped = TableBytes(mapping: fd, size: size) else {
            throw TabularError.unreadableFile(file: name, reason: "cannot map the decompressed data")
        }
        return mapped
    }
}

@inline(__always)
private func Glibc_write(_ fd: Int32, _ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
    write(fd, p, n)
}
