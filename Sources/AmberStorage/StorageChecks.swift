/// Checks every backend applies to untrusted handles and ranges, so that all implementations
/// agree on what is refused and how. `package` visibility: other storage modules (AmberStorageS3) share them.
package enum StorageChecks {
    /// Refuses names that could not be stored as one file in the layout, or could escape it:
    /// empty, longer than 255 bytes, containing `/` or NUL, or starting with `.` (temporary files
    /// start with a dot). Data names must start with two lowercase hex digits (the fan-out directory).
    /// A refusal is ``BackendError/Code/permanent``.
    package static func validate(_ handle: FileHandle) throws(BackendError) {
        if handle.kind == .config { return }
        let name = Array(handle.name.utf8)
        let invalid: String? =
            if name.isEmpty { "empty file name" }
            else if name.count > 255 { "file name longer than 255 bytes" }
            else if name.contains(UInt8(ascii: "/")) || name.contains(0) { "file name contains '/' or NUL" }
            else if name[0] == UInt8(ascii: ".") { "file name starts with '.'" }
            else if handle.kind == .data && !(name.count >= 2 && isLowerHex(name[0]) && isLowerHex(name[1])) {
                "data file name does not start with two lowercase hex digits"
            } else { nil }
        if let invalid { throw BackendError(.permanent, path: handle.path, message: invalid) }
    }

    /// The byte range a `load(_:offset:length:)` asks for in a file of `size` bytes.
    ///
    /// A negative offset or length, or a range reaching past the end of the file, is
    /// ``BackendError/Code/permanent``: callers ask for exact ranges (from an index), and silently
    /// returning fewer bytes would hide a truncated file. `offset == size` with `length` nil or 0 is
    /// an empty range.
    package static func range(offset: Int, length: Int?, size: Int, path: String) throws(BackendError) -> Range<Int> {
        guard offset >= 0, length ?? 0 >= 0 else {
            throw BackendError(.permanent, path: path, message: "invalid range: offset \(offset), length \(length ?? -1)")
        }
        guard offset <= size else {
            throw BackendError(.permanent, path: path, message: "offset \(offset) beyond the end of a \(size)-byte file")
        }
        let count = length ?? (size - offset)
        guard count <= size - offset else {
            throw BackendError(.permanent, path: path,
                               message: "range \(offset)+\(count) beyond the end of a \(size)-byte file")
        }
        return offset..<offset + count
    }

    private static func isLowerHex(_ c: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(c)
    }
}
