import AmberStorage

extension S3Backend {
    /// Every file of a kind with its size, sorted by name, from ListObjectsV2 pages of
    /// ``S3Configuration/maxKeys`` keys each, following `NextContinuationToken`.
    ///
    /// Names are relative to the kind's directory: `keys/NAME` lists as `NAME`; `data` is listed
    /// recursively and `data/NA/NAME` lists as `NAME`. Keys of any other shape (deeper paths,
    /// names starting with `.`) are not repository files and are skipped. A missing bucket is
    /// ``AmberStorage/BackendError/Code/notFound``, like a missing repository directory.
    public func list(_ kind: FileKind) throws(BackendError) -> [(name: String, size: Int)] {
        if kind == .config {
            do {
                return [("config", try size(.config))]
            } catch where error.code == .notFound {
                return []
            }
        }
        let directory = s3Location.directory(kind)
        let path = s3Location.bucket + "/" + directory
        var files: [(name: String, size: Int)] = []
        var token: String?
        repeat {
            var query = [(name: "list-type", value: "2"), (name: "prefix", value: directory),
                         (name: "max-keys", value: String(min(1000, max(1, configuration.maxKeys))))]
            if let token { query.append((name: "continuation-token", value: token)) }
            let response = try send(S3Request("GET", key: nil, query: query), operation: "list (ListObjectsV2)", path: path)
            let xml = Substring(String(decoding: response.body, as: UTF8.self))
            for entry in S3XML.elements("Contents", in: xml) {
                guard let key = S3XML.value("Key", in: entry), key.hasPrefix(directory),
                      let size = S3XML.value("Size", in: entry).flatMap({ Int($0) }),
                      let name = Self.fileName(relative: key.dropFirst(directory.count), kind: kind)
                else { continue }
                files.append((name, size))
            }
            let truncated = S3XML.value("IsTruncated", in: xml) == "true"
            token = truncated ? S3XML.value("NextContinuationToken", in: xml) : nil
            if truncated && (token ?? "").isEmpty {
                throw BackendError(.permanent, path: path, message: "list: truncated page without NextContinuationToken")
            }
        } while token != nil
        return files.sorted { $0.name < $1.name }
    }

    /// The file name for a key relative to the kind's directory, or nil for keys that are not files of it.
    private static func fileName(relative: Substring, kind: FileKind) -> String? {
        let parts = relative.split(separator: "/", omittingEmptySubsequences: false)
        let name: Substring
        switch kind {
        case .data:
            guard parts.count == 2, parts[0].count == 2, parts[1].hasPrefix(parts[0]) else { return nil }
            name = parts[1]
        default:
            guard parts.count == 1 else { return nil }
            name = parts[0]
        }
        return name.isEmpty || name.hasPrefix(".") ? nil : String(name)
    }
}
