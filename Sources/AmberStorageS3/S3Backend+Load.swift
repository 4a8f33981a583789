import AmberStorage

extension S3Backend {
    /// `GET`, with `Range: bytes=FIRST-LAST` (or `FIRST-`) for a partial load.
    ///
    /// Ranges are as strict as ``AmberStorage/LocalBackend``'s: negative or overflowing values and
    /// ranges past the end are permanent errors. S3 clamps a range that overlaps the end (the
    /// short answer is refused here) and answers 416 for one that starts at or after the end; then a
    /// `HEAD` tells an empty range at the very end (fine) from one beyond it.
    public func load(_ handle: FileHandle, offset: Int, length: Int?) throws(BackendError) -> [UInt8] {
        try StorageChecks.validate(handle)
        let object = object(handle)
        let operation = "load (GET)"
        let requestedEnd = offset.addingReportingOverflow(length ?? 0)
        guard offset >= 0, length ?? 0 >= 0, !requestedEnd.overflow else {
            throw BackendError(.permanent, path: object.path,
                               message: "invalid range: offset \(offset), length \(length ?? -1)")
        }
        if length == 0 {
            _ = try StorageChecks.range(offset: offset, length: 0, size: try size(handle), path: object.path)
            return []
        }
        var request = S3Request("GET", key: object.key)
        if offset > 0 || length != nil {
            let last = length.map { String(offset + $0 - 1) } ?? ""
            request.headers.append("Range: bytes=\(offset)-\(last)")
        }
        let response = try send(request, operation: operation, path: object.path, accepting: [200, 206, 416])
        switch response.status {
        case 416:
            let range = try StorageChecks.range(offset: offset, length: length, size: try size(handle), path: object.path)
            guard range.isEmpty else {
                throw BackendError(.transient, path: object.path, message: "\(operation): 416 for a valid range \(range)")
            }
            return []
        case 200 where !request.headers.isEmpty:
            // A server that ignores Range sends the whole object.
            let range = try StorageChecks.range(offset: offset, length: length, size: response.body.count,
                                                path: object.path)
            return Array(response.body[range])
        default:
            if let length, response.body.count != length {
                let total = response.headers["content-range"].flatMap { $0.split(separator: "/").last.flatMap { Int($0) } }
                throw BackendError(.permanent, path: object.path, message: "range \(offset)+\(length) beyond the end of a "
                                   + (total.map { "\($0)-byte file" } ?? "shorter file") + " (\(response.body.count) bytes returned)")
            }
            return response.body
        }
    }
}
