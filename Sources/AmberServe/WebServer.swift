import AmberCore
import AmberRepository
import Dispatch
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// `amber serve`: the web UI over one unlocked repository: the page (``WebAssets``) and the JSON
/// API under `/api/`, every request checked by ``TokenMiddleware``.
///
/// API (shapes as the CLI's `--json`):
/// - `GET /api/snapshots`: as `snapshots --json`.
/// - `GET /api/snapshots/{id}/tree?path=/a/b`: a directory's entries (as `ls --json`) or a
///   collection source's collections.
/// - `GET /api/snapshots/{id}/file?path=/a/b`: a file's bytes, as a download.
/// - `GET /api/snapshots/{id}/documents?collection=ENTRY/NAME[&key=K|&from=CURSOR][&limit=N]`:
///   documents in key order, a page at a time, or the document of one key.
/// - `GET /api/snapshots/{id}/collection?collection=ENTRY/NAME`: every document, as `amber dump`
///   prints them (NDJSON), as a download.
/// - `GET /api/diff?from=A&to=B`: as `diff --json`.
/// - `GET /stats`: the `stats --html` page.
/// - `POST /api/restore` `{snapshot, path, target}`: restores a file or directory below the
///   directory `target`, or the snapshot's collections into an `ndjson:`, `sqlite:` or
///   `postgresql://` target.
public final class WebServer: Sendable {
    public let token: AccessToken
    let browser: RepositoryBrowser
    private let host: String
    private let port: Int

    /// - Parameters:
    ///   - host, port: where to listen (port 0: one the system picks).
    public init(browser: RepositoryBrowser, host: String, port: Int, token: AccessToken = AccessToken()) {
        self.browser = browser
        self.host = host
        self.port = port
        self.token = token
    }

    /// Whether `host` is a loopback address, the only kind served without a warning.
    public static func isLoopback(_ host: String) -> Bool {
        host == "127.0.0.1" || host == "::1" || host == "localhost" || host.hasPrefix("127.")
    }

    /// Serves until SIGINT or SIGTERM; `started` receives the URL to open (with the token) once
    /// the socket listens.
    public func run(started: @escaping @Sendable (String) -> Void) throws {
        let names: Set<String>? = Self.isLoopback(host) ? ["127.0.0.1", "localhost", "[::1]", host]
            : host == "0.0.0.0" || host == "::" ? nil : [host, "[\(host)]"]
        let router = Router()
        router.add(middleware: TokenMiddleware(token: token, hostNames: names))
        addRoutes(to: router)
        let shown = host.contains(":") ? "[\(host)]" : host
        let token = token
        var logger = Logger(label: "amber.serve")
        logger.logLevel = .error
        let app = Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "amber"),
                              onServerRunning: { channel in
                                  started("http://\(shown):\(channel.localAddress?.port ?? 0)/?token=\(token.value)")
                              }, logger: logger)
        let done = DispatchSemaphore(value: 0)
        let failure = Failure()
        Task {
            do { try await app.runService() } catch { failure.error = error }
            done.signal()
        }
        done.wait()
        if let error = failure.error { throw error }
    }

    private final class Failure: @unchecked Sendable { var error: (any Error)? }

    /// The response of `body`, or the JSON error for what it threw; `body` runs on a dispatch
    /// thread (``offloaded(_:)``).
    static func answer(_ body: @escaping @Sendable () throws -> Response) async -> Response {
        do { return try await offloaded(body) } catch { return APIError.response(for: error) }
    }

    /// What `body` returns, computed on a dispatch thread: the repository's calls block (disk,
    /// S3, one lock), and the concurrency pool's few threads must not wait on them.
    static func offloaded<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
        }
    }

    static func query(_ request: Request, _ name: String) throws -> String {
        guard let value = request.uri.queryParameters[Substring(name)] else { throw BrowseError.invalid("the query lacks \(name)=") }
        return String(value)
    }

    static func json(_ value: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let data = (try? encoder.encode(value)) ?? Data("null".utf8)
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A collection's documents as an NDJSON attachment (as `amber dump`), a block at a time
    /// while they are sent; the first block is read before answering, so a wrong name is a 404.
    static func collectionDownload(_ browser: RepositoryBrowser, snapshot: String, collection: String) throws -> Response {
        let first = try browser.documentBlock(snapshot: snapshot, collection: collection, from: nil)
        let name = collection.split(separator: "/").last.map { attachmentName(String($0)) } ?? "collection"
        let headers: HTTPFields = [.contentType: "application/x-ndjson", .contentDisposition: "attachment; filename=\"\(name).ndjson\""]
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            var block = first
            while true {
                try await writer.write(ByteBuffer(bytes: block.bytes))
                guard let next = block.next else { break }
                block = try await offloaded { try browser.documentBlock(snapshot: snapshot, collection: collection, from: next) }
            }
            try await writer.finish(nil)
        })
    }

    /// `name` safe inside a quoted `filename=`: printable ASCII without quotes or backslashes.
    private static func attachmentName(_ name: String) -> String {
        name.unicodeScalars.map { $0.isASCII && $0 != "\"" && $0 != "\\" && $0.value >= 32 && $0.value < 127 ? String($0) : "_" }.joined()
    }

    /// A file's bytes as an attachment, read a chunk at a time while they are sent.
    static func download(_ browser: RepositoryBrowser, snapshot: String, path: String) throws -> Response {
        let file = try browser.file(snapshot: snapshot, path: path)
        let name = attachmentName(file.name)
        var headers: HTTPFields = [.contentType: "application/octet-stream", .contentDisposition: "attachment; filename=\"\(name)\""]
        headers[.contentLength] = String(file.size)
        return Response(status: .ok, headers: headers, body: ResponseBody(contentLength: Int(file.size)) { writer in
            for id in file.chunks { try await writer.write(ByteBuffer(bytes: try await offloaded { try browser.chunk(id) })) }
            try await writer.finish(nil)
        })
    }
}
