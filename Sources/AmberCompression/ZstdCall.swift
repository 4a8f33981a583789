internal import CZstd

/// The call layer between Swift and zstd: turns `size_t` results into values or errors.
///
/// zstd returns either a size or an error code in the same `size_t`; `ZSTD_isError` tells
/// them apart and `ZSTD_getErrorName` names the error.
enum ZstdCall {
    /// `result` as a size, or a ``CompressionError`` naming `what` and zstd's reason.
    static func check(_ result: Int, _ what: String) throws(CompressionError) -> Int {
        guard ZSTD_isError(result) == 0 else { throw CompressionError("\(what): \(errorName(result))") }
        return result
    }

    /// `result` as a size; stops the process if it is an error. For calls that cannot fail with
    /// valid arguments except when memory runs out.
    static func require(_ result: Int, _ what: String) -> Int {
        guard ZSTD_isError(result) == 0 else { fatalError("zstd: \(what): \(errorName(result))") }
        return result
    }

    private static func errorName(_ result: Int) -> String {
        String(cString: ZSTD_getErrorName(result))
    }
}
