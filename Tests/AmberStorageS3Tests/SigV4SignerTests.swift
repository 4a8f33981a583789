import Testing
@testable import AmberStorageS3

/// AWS's published SigV4 test-suite vectors (service "service", us-east-1, 20150830T123600Z) and
/// S3-shaped requests; every expected signature was cross-checked with botocore's `SigV4Auth` /
/// `S3SigV4Auth` (botocore 1.43).
@Suite("SigV4Signer")
struct SigV4SignerTests {
    static let credentials = S3Credentials(accessKeyID: "AKIDEXAMPLE",
                                           secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    static let date = AmzDate(stamp: "20150830T123600Z")!
    static let emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    struct Vector: Sendable, CustomTestStringConvertible {
        let name: String
        let method: String
        let query: [(name: String, value: String)]
        let extraHeaders: [(name: String, value: String)]
        let payloadHash: String
        let signedHeaders: String
        let signature: String
        var testDescription: String { name }
    }

    static let vectors = [
        Vector(name: "get-vanilla", method: "GET", query: [], extraHeaders: [], payloadHash: emptyHash,
               signedHeaders: "host;x-amz-date",
               signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        Vector(name: "get-vanilla-query-order-key-case", method: "GET",
               query: [("Param2", "value2"), ("Param1", "value1")], extraHeaders: [], payloadHash: emptyHash,
               signedHeaders: "host;x-amz-date",
               signature: "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
        Vector(name: "get-vanilla-query-order-value", method: "GET",
               query: [("Param1", "value2"), ("Param1", "Value1")], extraHeaders: [], payloadHash: emptyHash,
               signedHeaders: "host;x-amz-date",
               signature: "eedbc4e291e521cf13422ffca22be7d2eb8146eecf653089df300a15b2382bd1"),
        Vector(name: "post-vanilla", method: "POST", query: [], extraHeaders: [], payloadHash: emptyHash,
               signedHeaders: "host;x-amz-date",
               signature: "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
        // Body "Param1=value1".
        Vector(name: "post-x-www-form-urlencoded", method: "POST", query: [],
               extraHeaders: [("Content-Type", "application/x-www-form-urlencoded")],
               payloadHash: "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e",
               signedHeaders: "content-type;host;x-amz-date",
               signature: "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"),
    ]

    @Test(arguments: vectors)
    func awsTestSuite(_ vector: Vector) {
        let signer = SigV4Signer(credentials: Self.credentials, region: "us-east-1", service: "service")
        let headers = [(name: "Host", value: "example.amazonaws.com"), (name: "X-Amz-Date", value: Self.date.stamp)]
            + vector.extraHeaders
        let authorization = signer.authorization(method: vector.method, path: "/", query: vector.query,
                                                 headers: headers, payloadHash: vector.payloadHash, date: Self.date)
        #expect(authorization == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                + "SignedHeaders=\(vector.signedHeaders), Signature=\(vector.signature)")
    }

    /// The canonical request and string to sign of get-vanilla, as published.
    @Test func getVanillaIntermediates() {
        let signer = SigV4Signer(credentials: Self.credentials, region: "us-east-1", service: "service")
        let request = signer.canonicalRequest(
            method: "GET", path: "/", query: [],
            headers: [(name: "Host", value: "example.amazonaws.com"), (name: "X-Amz-Date", value: Self.date.stamp)],
            payloadHash: Self.emptyHash)
        #expect(request == "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
                + Self.emptyHash)
        #expect(signer.stringToSign(canonicalRequest: request, date: Self.date)
                == "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
                + "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63")
    }

    /// S3-shaped requests as ``S3Backend`` signs them; signatures from botocore's `S3SigV4Auth`.
    @Test func s3Requests() {
        let signer = SigV4Signer(credentials: Self.credentials, region: "us-east-1", service: "s3")
        let put = signer.authorization(
            method: "PUT", path: "/bucket/" + URIEncoding.encodePath("pre fix/keys/abc"), query: [],
            headers: [(name: "host", value: "127.0.0.1:9000"),
                      (name: "x-amz-content-sha256", value: "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"),
                      (name: "x-amz-date", value: Self.date.stamp)],
            payloadHash: "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", date: Self.date)
        #expect(put.hasSuffix("SignedHeaders=host;x-amz-content-sha256;x-amz-date, "
                              + "Signature=5790fa69ed67f75179726bfa0e7e9c323a26b2b47ec5efdacff79180482a138c"))

        let list = signer.authorization(
            method: "GET", path: "/bucket",
            query: [("prefix", "p/data/"), ("list-type", "2"), ("max-keys", "7"), ("continuation-token", "a+b=")],
            headers: [(name: "host", value: "127.0.0.1:9000"), (name: "x-amz-content-sha256", value: Self.emptyHash),
                      (name: "x-amz-date", value: Self.date.stamp), (name: "x-amz-security-token", value: "TOKEN/xyz=")],
            payloadHash: Self.emptyHash, date: Self.date)
        #expect(list.hasSuffix("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, "
                               + "Signature=63fbba347e2cd7c8a8e3ca85eb7ce3b2a41e5a5f8ee6486be10730403fa123a1"))
    }

    @Test func uriEncoding() {
        #expect(URIEncoding.encode("a b/c+d=e~f_g.h-i%") == "a%20b%2Fc%2Bd%3De~f_g.h-i%25")
        #expect(URIEncoding.encodePath("pre fix/data/ab/ab12") == "pre%20fix/data/ab/ab12")
        #expect(URIEncoding.encode("é") == "%C3%A9")
        #expect(URIEncoding.canonicalQuery([("uploads", ""), ("b", "2"), ("a", "x y")]) == "a=x%20y&b=2&uploads=")
    }

    @Test func amzDate() {
        #expect(AmzDate(secondsSince1970: 1_440_938_160) == Self.date)
        #expect(AmzDate(secondsSince1970: 1_709_251_199).stamp == "20240229T235959Z")
        #expect(Self.date.day == "20150830")
        #expect(AmzDate(stamp: "2015-08-30T12:36:00Z") == nil)
    }

    @Test func canonicalHeadersTrimAndMerge() {
        let merged = SigV4Signer.canonicalHeaders([("My-Header1", "  a   b   c  "), ("Host", "h"), ("my-header1", "d")])
        #expect(merged.map(\.name) == ["host", "my-header1"])
        #expect(merged.map(\.value) == ["h", "a b c,d"])
    }
}
