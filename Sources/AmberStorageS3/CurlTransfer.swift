internal import CCurl

/// The state of one transfer that curl's callbacks reach through their `userdata` pointer
/// (`Unmanaged`, unretained: ``CurlEasy/perform(_:)`` keeps the transfer alive until curl returns).
final class CurlTransfer {
    /// The bytes to upload, and how many curl has taken.
    let upload: UnsafeRawBufferPointer
    var uploaded = 0
    /// The response body and headers received so far.
    var body: [UInt8] = []
    var headers: [String: String] = [:]

    init(upload: UnsafeRawBufferPointer) {
        self.upload = upload
    }

    var userdata: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    static func from(_ userdata: UnsafeMutableRawPointer?) -> CurlTransfer {
        Unmanaged<CurlTransfer>.fromOpaque(userdata!).takeUnretainedValue()
    }

    /// `CURLOPT_WRITEFUNCTION`: appends response body bytes.
    static let write: amber_curl_data_callback = { data, size, count, userdata in
        let transfer = CurlTransfer.from(userdata)
        let bytes = size * count
        if bytes > 0, let data {
            transfer.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: bytes))
        }
        return bytes
    }

    /// `CURLOPT_READFUNCTION`: hands curl the next piece of the upload (0 at the end).
    static let read: amber_curl_data_callback = { buffer, size, count, userdata in
        let transfer = CurlTransfer.from(userdata)
        let bytes = min(size * count, transfer.upload.count - transfer.uploaded)
        if bytes > 0, let buffer, let source = transfer.upload.baseAddress {
            UnsafeMutableRawPointer(buffer).copyMemory(from: source + transfer.uploaded, byteCount: bytes)
            transfer.uploaded += bytes
        }
        return bytes
    }

    /// `CURLOPT_HEADERFUNCTION`: one header line per call. A status line starts a new header block
    /// (after `100 Continue` or a redirect), so only the final response's headers remain.
    static let header: amber_curl_data_callback = { data, size, count, userdata in
        let transfer = CurlTransfer.from(userdata)
        let bytes = size * count
        guard bytes > 0, let data else { return bytes }
        let line = String(decoding: UnsafeRawBufferPointer(start: data, count: bytes), as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            transfer.headers = [:]
        } else if let colon = line.firstIndex(of: ":") {
            transfer.headers[line[..<colon].lowercased()] = String(line[line.index(after: colon)...].trimmingSpaces)
        }
        return bytes
    }
}
