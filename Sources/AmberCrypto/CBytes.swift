/// Pointers for C calls that are never null.
///
/// An empty Swift buffer may have a nil base address, and some OpenSSL functions reject a NULL
/// pointer even with a zero length. These helpers substitute a pointer to a dummy byte.
enum CBytes {
    /// Calls `body` with the bytes of `array` and their count.
    static func with<R>(_ array: [UInt8], _ body: (UnsafePointer<UInt8>, Int) -> R) -> R {
        array.withUnsafeBufferPointer { buffer in
            with(UnsafeRawBufferPointer(buffer), body)
        }
    }

    /// Calls `body` with the bytes of `buffer` and their count.
    static func with<R>(_ buffer: UnsafeRawBufferPointer, _ body: (UnsafePointer<UInt8>, Int) -> R) -> R {
        if let base = buffer.baseAddress, buffer.count > 0 {
            return body(base.assumingMemoryBound(to: UInt8.self), buffer.count)
        }
        return withUnsafePointer(to: UInt8(0)) { body($0, 0) }
    }
}
