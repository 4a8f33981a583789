/// An S3 call before signing: method, object key (nil for the bucket itself), query and body.
struct S3Request {
    var method: String
    /// The object key under the bucket, unencoded; nil addresses the bucket.
    var key: String?
    /// Query parameters, unencoded (a subresource like `uploads` has an empty value).
    var query: [(name: String, value: String)] = []
    /// Headers sent but not signed (`Range`).
    var headers: [String] = []
    /// The body; sent (with `Content-Type: application/octet-stream`) by PUT and POST.
    var body: ArraySlice<UInt8> = []

    init(_ method: String, key: String?, query: [(name: String, value: String)] = [],
         headers: [String] = [], body: ArraySlice<UInt8> = []) {
        self.method = method
        self.key = key
        self.query = query
        self.headers = headers
        self.body = body
    }
}
