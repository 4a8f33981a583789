import Foundation
import HTTPTypes
import Hummingbird

extension WebServer {
    /// The page, its assets and the API (``WebServer``'s list), each answered off the
    /// concurrency pool (``answer(_:)``).
    func addRoutes(to router: Router<BasicRequestContext>) {
        let browser = browser, token = token
        router.get("/") { _, _ in WebAssets.response(WebAssets.page(token: token), type: "text/html; charset=utf-8") }
        router.get("/app.js") { _, _ in WebAssets.response(WebAssets.script, type: "text/javascript; charset=utf-8") }
        router.get("/app.css") { _, _ in WebAssets.response(WebAssets.style, type: "text/css; charset=utf-8") }
        router.get("/stats") { _, _ in
            await Self.answer {
                var response = WebAssets.response(try browser.statsPage(), type: "text/html; charset=utf-8")
                response.headers[HTTPField.Name("Content-Security-Policy")!] = "default-src 'none'; style-src 'unsafe-inline'"
                return response
            }
        }
        router.get("/api/snapshots") { _, _ in await Self.answer { Self.json(try browser.snapshots()) } }
        router.get("/api/snapshots/:id/tree") { request, context in
            await Self.answer {
                Self.json(try browser.list(snapshot: try context.parameters.require("id"), path: request.uri.queryParameters["path"].map(String.init) ?? "/"))
            }
        }
        router.get("/api/snapshots/:id/file") { request, context in
            await Self.answer { try Self.download(browser, snapshot: try context.parameters.require("id"), path: try Self.query(request, "path")) }
        }
        router.get("/api/snapshots/:id/documents") { request, context in
            await Self.answer {
                let limit = request.uri.queryParameters["limit"].flatMap { Int($0) } ?? 50
                return Self.json(try browser.documents(snapshot: try context.parameters.require("id"), collection: try Self.query(request, "collection"),
                                                       from: request.uri.queryParameters["from"].map(String.init),
                                                       key: request.uri.queryParameters["key"].map(String.init), limit: min(max(limit, 1), 1000)))
            }
        }
        router.get("/api/snapshots/:id/collection") { request, context in
            await Self.answer { try Self.collectionDownload(browser, snapshot: try context.parameters.require("id"), collection: try Self.query(request, "collection")) }
        }
        router.get("/api/diff") { request, _ in
            await Self.answer { Self.json(try browser.diff(try Self.query(request, "from"), try Self.query(request, "to"))) }
        }
        router.post("/api/restore") { request, context in
            let body = try await request.body.collect(upTo: 64 << 10)
            return await Self.answer {
                let asked = try JSONDecoder().decode(RestoreRequest.self, from: Data(buffer: body))
                return Self.json(try browser.restore(snapshot: asked.snapshot, path: asked.path, target: asked.target))
            }
        }
    }

    private struct RestoreRequest: Decodable {
        let snapshot: String
        let path: String
        let target: String
    }
}
