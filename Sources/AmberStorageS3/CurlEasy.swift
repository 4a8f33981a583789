internal import CCurl

/// A failed libcurl transfer: the `CURLcode`, and whether repeating it may help.
struct CurlError: Error {
    let code: CURLcode
    /// `curl_easy_strerror`: a fixed text per code, never containing URLs or headers.
    var message: String { String(cString: curl_easy_strerror(code)) }

    /// Timeouts, refused or dropped connections, name lookups and TLS handshakes are worth repeating;
    /// bad URLs, unsupported protocols and our own callback failures are not.
    var isTransient: Bool {
        switch code {
        case CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT,
             CURLE_OPERATION_TIMEDOUT, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING,
             CURLE_PARTIAL_FILE, CURLE_SSL_CONNECT_ERROR, CURLE_HTTP2, CURLE_HTTP2_STREAM,
             CURLE_WEIRD_SERVER_REPLY:
            return true
        default:
            return false
        }
    }
}

/// One libcurl easy handle with one owner (the ``CurlHandlePool`` lends it to one thread at a time),
/// released with `curl_easy_cleanup` in `deinit`. Connections stay cached in the handle between
/// transfers, so reusing a handle reuses its keep-alive connection.
final class CurlEasy: @unchecked Sendable {
    private let handle: UnsafeMutableRawPointer
    private let configuration: S3Configuration

    /// `curl_global_init`, once per process before the first handle (it is not thread-safe itself).
    private static let globalInit: Void = {
        _ = curl_global_init(Int(CURL_GLOBAL_DEFAULT))
    }()

    /// Returns nil if libcurl cannot allocate a handle. The corresponding C function is `curl_easy_init`.
    init?(configuration: S3Configuration) {
        Self.globalInit
        guard let handle = curl_easy_init() else { return nil }
        self.handle = handle
        self.configuration = configuration
    }

    deinit {
        curl_easy_cleanup(handle)
    }

    /// Performs one request and returns the whole response, whatever its status.
    /// The corresponding C function is `curl_easy_perform`.
    func perform(_ request: HTTPRequest) throws(CurlError) -> HTTPResponse {
        curl_easy_reset(handle)
        let transfer = CurlTransfer(upload: request.body)
        var headerList: UnsafeMutablePointer<curl_slist>?
        // "Expect:" stops curl waiting for `100 Continue` before large uploads.
        for line in request.headers + ["Expect:"] {
            headerList = curl_slist_append(headerList, line)
        }
        defer { curl_slist_free_all(headerList) }

        var status = CURLE_OK
        func set(_ option: CURLoption, _ value: Int) {
            if status == CURLE_OK { status = amber_curl_setopt_long(handle, option, value) }
        }
        func set(_ option: CURLoption, _ value: String) {
            if status == CURLE_OK { status = amber_curl_setopt_string(handle, option, value) }
        }
        func set(_ option: CURLoption, _ callback: amber_curl_data_callback, data: CURLoption) {
            if status == CURLE_OK { status = amber_curl_setopt_callback(handle, option, callback) }
            if status == CURLE_OK { status = amber_curl_setopt_pointer(handle, data, transfer.userdata) }
        }
        set(CURLOPT_URL, request.url)
        set(CURLOPT_NOSIGNAL, 1)
        set(CURLOPT_CONNECTTIMEOUT, configuration.connectTimeout)
        set(CURLOPT_LOW_SPEED_LIMIT, configuration.lowSpeedLimit)
        set(CURLOPT_LOW_SPEED_TIME, configuration.lowSpeedTime)
        set(CURLOPT_TCP_KEEPALIVE, 1)
        if status == CURLE_OK { status = amber_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList) }
        set(CURLOPT_WRITEFUNCTION, CurlTransfer.write, data: CURLOPT_WRITEDATA)
        set(CURLOPT_HEADERFUNCTION, CurlTransfer.header, data: CURLOPT_HEADERDATA)
        switch request.method {
        case "GET":
            break
        case "HEAD":
            set(CURLOPT_NOBODY, 1)
        default:
            if request.sendsBody {
                set(CURLOPT_UPLOAD, 1)
                set(CURLOPT_READFUNCTION, CurlTransfer.read, data: CURLOPT_READDATA)
                set(CURLOPT_INFILESIZE_LARGE, request.body.count)
            }
            if request.method != "PUT" { set(CURLOPT_CUSTOMREQUEST, request.method) }
        }
        guard status == CURLE_OK else { throw CurlError(code: status) }

        let result = withExtendedLifetime(transfer) { curl_easy_perform(handle) }
        guard result == CURLE_OK else { throw CurlError(code: result) }
        var code = 0
        let info = amber_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code)
        guard info == CURLE_OK else { throw CurlError(code: info) }
        return HTTPResponse(status: code, headers: transfer.headers, body: transfer.body)
    }
}
