import AmberStorage
import Testing
@testable import AmberStorageS3

@Suite("S3XML and error mapping")
struct S3XMLTests {
    @Test func parsesListPages() {
        let xml: Substring = """
            <?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">\
            <IsTruncated>true</IsTruncated><Contents><Key>p/keys/a&amp;b</Key><Size>12</Size></Contents>\
            <Contents><Key>p/keys/c</Key><Size>0</Size></Contents>\
            <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken></ListBucketResult>
            """
        let contents = S3XML.elements("Contents", in: xml)
        #expect(contents.count == 2)
        #expect(contents.map { S3XML.value("Key", in: $0) } == ["p/keys/a&b", "p/keys/c"])
        #expect(contents.map { S3XML.value("Size", in: $0) } == ["12", "0"])
        #expect(S3XML.value("IsTruncated", in: xml) == "true")
        #expect(S3XML.value("NextContinuationToken", in: xml) == "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=")
        #expect(S3XML.value("Missing", in: xml) == nil)
    }

    @Test func entities() {
        #expect(S3XML.unescape("&lt;a&gt; &quot;&apos;&#65;&#x42;&amp;amp; &unknown; &") == "<a> \"'AB&amp; &unknown; &")
        #expect(S3XML.escape("\"e&t<>\"") == "&quot;e&amp;t&lt;&gt;&quot;")
        // A quote with a combining mark is one Character, but its quote is still escaped.
        #expect(S3XML.escape("\"\u{301}x'") == "&quot;\u{301}x&#39;")
    }

    /// A body of many `&` and no `;` (a broken or hostile server) unescapes in linear time: each
    /// `&` looks for its `;` only as far as the longest reference. 200,000 of them took minutes
    /// before (every `&` searched to the end); the result is the text itself.
    @Test func manyAmpersandsWithoutSemicolonAreLinear() {
        let text = String(repeating: "&", count: 200_000) + "&#65;"
        let out = S3XML.unescape(Substring(text))
        #expect(out == String(repeating: "&", count: 200_000) + "A")
        let far = "&#" + String(repeating: "0", count: S3XML.longestReference - 1) + "65;"  // 33 scalars between & and ;
        #expect(S3XML.unescape(Substring(far)) == far, "past the window: left as is")
        #expect(S3XML.unescape(Substring("&#" + String(repeating: "0", count: S3XML.longestReference - 3) + "65;")) == "A")
    }

    /// Found by the s3-xml fuzz target: `&` (or `;`, or a tag's `>`) followed by a combining mark
    /// is one Character, and matching by Character missed the entity or the tag.
    @Test func combiningMarksAfterMarkup() {
        let key = "&\u{7AA}a;\u{301}<b>\u{301}"
        #expect(S3XML.unescape(Substring(S3XML.escape(key))) == key)
        #expect(S3XML.unescape("&amp;\u{301}") == "&\u{301}")
        let xml: Substring = "<Contents><Key>\u{301}k&amp;\u{7AA}</Key></Contents>"
        #expect(S3XML.elements("Contents", in: xml).map { S3XML.value("Key", in: $0) } == ["\u{301}k&\u{7AA}"])
    }

    @Test(arguments: [
        (404, "NoSuchKey", BackendError.Code.notFound), (500, "InternalError", .transient), (503, "SlowDown", .transient),
        (429, "TooManyRequests", .transient), (400, "RequestTimeout", .transient), (403, "SignatureDoesNotMatch", .permanent),
        (403, "InvalidAccessKeyId", .permanent), (400, "InvalidArgument", .permanent), (409, "BucketAlreadyExists", .permanent),
    ])
    func classifiesStatuses(status: Int, code: String, expected: BackendError.Code) {
        let body = Array("<Error><Code>\(code)</Code><Message>went wrong with SECRET and SIG</Message></Error>".utf8)
        let error = BackendError.s3(HTTPResponse(status: status, headers: [:], body: body), operation: "load (GET)",
                                    path: "bucket/keys/k", secrets: ["SECRET", "SIG", ""])
        #expect(error.code == expected)
        #expect(error.path == "bucket/keys/k")
        #expect(error.message.hasPrefix("load (GET): HTTP \(status) \(code): went wrong with <redacted> and <redacted>"))
    }
}

@Suite("HTTP helpers")
struct HTTPHelperTests {
    /// Header lines end in CR LF, a single `Character`.
    @Test func trimsHeaderValues() {
        #expect(" 4096\r\n".trimmingSpaces == "4096")
        #expect("\t\"etag\" \r\n".trimmingSpaces == "\"etag\"")
        #expect("\r\n".trimmingSpaces == "")
        #expect(HTTPResponse(status: 200, headers: ["content-length": "12\r\n"], body: []).contentLength == 12)
    }
}
