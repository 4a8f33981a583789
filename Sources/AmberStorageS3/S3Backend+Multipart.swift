import AmberStorage

extension S3Backend {
    /// Saves `bytes` as a multipart upload: CreateMultipartUpload (`POST ?uploads=`), one UploadPart
    /// (`PUT ?partNumber=N&uploadId=ID`) per ``S3Configuration/partSize`` bytes, then
    /// CompleteMultipartUpload (`POST ?uploadId=ID`). The object appears only when the upload is
    /// completed, so the save stays atomic. On any failure the upload is aborted
    /// (`DELETE ?uploadId=ID`, best effort) so no parts are left behind, and the failure is rethrown.
    func saveMultipart(_ bytes: [UInt8], key: String, path: String) throws(BackendError) {
        let created = try send(S3Request("POST", key: key, query: [(name: "uploads", value: "")]),
                               operation: "save (CreateMultipartUpload)", path: path, notFound: .permanent)
        guard let uploadID = S3XML.value("UploadId", in: created.body), !uploadID.isEmpty else {
            throw BackendError(.permanent, path: path, message: "save (CreateMultipartUpload): no UploadId in the answer")
        }
        do {
            var etags: [String] = []
            let partSize = max(1, configuration.partSize)
            for (index, start) in stride(from: 0, to: bytes.count, by: partSize).enumerated() {
                let part = bytes[start..<min(bytes.count, start + partSize)]
                etags.append(try uploadPart(part, number: index + 1, uploadID: uploadID, key: key, path: path))
            }
            try completeMultipart(etags: etags, uploadID: uploadID, key: key, path: path)
        } catch {
            abortMultipart(uploadID: uploadID, key: key, path: path)
            throw error
        }
    }

    /// Uploads one part and returns its `ETag`.
    private func uploadPart(
        _ part: ArraySlice<UInt8>, number: Int, uploadID: String, key: String, path: String
    ) throws(BackendError) -> String {
        let operation = "save (UploadPart \(number))"
        let query = [(name: "partNumber", value: String(number)), (name: "uploadId", value: uploadID)]
        let response = try send(S3Request("PUT", key: key, query: query, body: part), operation: operation,
                                path: path, notFound: .permanent)
        guard let etag = response.headers["etag"], !etag.isEmpty else {
            throw BackendError(.permanent, path: path, message: "\(operation): no ETag in the answer")
        }
        return etag
    }

    /// Completes the upload. S3 may answer 200 and still report an error in the body.
    private func completeMultipart(etags: [String], uploadID: String, key: String, path: String) throws(BackendError) {
        let operation = "save (CompleteMultipartUpload)"
        let parts = etags.enumerated().map { index, etag in
            "<Part><PartNumber>\(index + 1)</PartNumber><ETag>\(S3XML.escape(etag))</ETag></Part>"
        }
        let body = Array(("<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            + parts.joined() + "</CompleteMultipartUpload>").utf8)
        let response = try send(S3Request("POST", key: key, query: [(name: "uploadId", value: uploadID)], body: body[...]),
                                operation: operation, path: path, notFound: .permanent)
        if S3XML.value("Code", in: response.body) != nil {
            var failed = response
            failed.status = 500  // an error inside a 200 answer is S3's way of saying "try again"
            throw failure(failed, operation: operation, path: path)
        }
    }

    /// Aborts the upload, ignoring failures: a leftover upload costs storage but not correctness.
    private func abortMultipart(uploadID: String, key: String, path: String) {
        _ = try? perform(S3Request("DELETE", key: key, query: [(name: "uploadId", value: uploadID)]),
                      operation: "save (AbortMultipartUpload)", path: path)
    }
}
