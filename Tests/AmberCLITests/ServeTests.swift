import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

#if canImport(Glibc)
import Glibc
#endif

/// `amber serve`: the API answers only with the token and only to its own host name, in the
/// shapes of the CLI's `--json`; a real browser (headless Chromium through scripts/browse-ui)
/// lists the snapshots, downloads and restores a file (compared with the original), finds a
/// document by key and compares two snapshots; screenshots go to .build/test-artifacts/serve.
@Suite(.serialized)
struct ServeTests {
    let temp = TemporaryDirectory()
    var amber: AmberRunner { AmberRunner(repository: temp.sub("repo"), cacheDirectory: temp.sub("cache")) }
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A running `amber serve` and the URL it printed.
    final class Server {
        let process = Process()
        let url: String
        var base: String { String(url.prefix { $0 != "?" }.dropLast()) }
        var token: String { String(url.split(separator: "=").last ?? "") }

        init(_ runner: AmberRunner) throws {
            process.executableURL = URL(fileURLWithPath: AmberRunner.executable)
            process.arguments = ["serve", "--listen", "127.0.0.1:0"]
            process.environment = ["PATH": "/usr/bin:/bin", "AMBER_REPOSITORY": runner.repository, "AMBER_PASSWORD": runner.password,
                                   "AMBER_SCRYPT_TESTING": "1", "AMBER_CACHE_DIR": runner.cacheDirectory, "HOME": "/nonexistent"]
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            var line = [UInt8]()
            while !line.contains(10), let data = try out.fileHandleForReading.read(upToCount: 1), !data.isEmpty { line += data }
            let text = String(decoding: line, as: UTF8.self)
            url = String(text.split(separator: " ").first { $0.hasPrefix("http://") } ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        }

        deinit {
            process.interrupt()
            process.waitUntilExit()
        }
    }

    /// A request's status and body (synchronous).
    private func request(_ url: String, method: String = "GET", headers: [String: String] = [:], body: Data? = nil) -> (Int, Data) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.httpBody = body
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        final class Box: @unchecked Sendable { var status = 0; var data = Data() }
        let box = Box(), done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { data, response, _ in
            box.status = (response as? HTTPURLResponse)?.statusCode ?? 0
            box.data = data ?? Data()
            done.signal()
        }.resume()
        done.wait()
        return (box.status, box.data)
    }

    /// The Content-Security-Policy header of a GET's response.
    private func policy(_ url: String, headers: [String: String]) -> String {
        var request = URLRequest(url: URL(string: url)!)
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        final class Box: @unchecked Sendable { var policy = "" }
        let box = Box(), done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { _, response, _ in
            box.policy = (response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Content-Security-Policy") ?? ""
            done.signal()
        }.resume()
        done.wait()
        return box.policy
    }

    private func json(_ data: Data) -> NSObject? { try? JSONSerialization.jsonObject(with: data) as? NSObject }

    /// Two snapshots: a tree and an NDJSON collection, then the same with a changed file and document.
    private func makeSnapshots() throws -> (tree: String, users: String) {
        let tree = temp.sub("site"), users = temp.sub("users.ndjson")
        try FileManager.default.createDirectory(atPath: tree + "/docs", withIntermediateDirectories: true)
        writeFile(tree + "/docs/report.bin", pseudoRandomBytes(300_000, seed: 19))
        // A name that is markup: the page must show it as text (else the browser would request /x).
        writeFile(tree + "/docs/<img src=x onerror=alert(1)>.txt", Array("markup\n".utf8))
        writeFile(users, Array((0..<120).map { "{\"_id\":\"u\($0)\",\"name\":\"user \($0)\"}\n" }.joined().utf8))
        #expect(amber.run(["init"]).code == 0)
        #expect(amber.run(["backup", tree, "ndjson:" + users]).code == 0)
        writeFile(tree + "/docs/notes.txt", Array("new\n".utf8))
        writeFile(users, Array((0..<121).map { "{\"_id\":\"u\($0)\",\"name\":\"user \($0)\"}\n" }.joined().utf8))
        #expect(amber.run(["backup", tree, "ndjson:" + users]).code == 0)
        return (tree, users)
    }

    @Test func theAPIWantsTheTokenAndAnswersAsTheCLI() throws {
        let (tree, _) = try makeSnapshots()
        let server = try Server(amber)
        try #require(server.url.hasPrefix("http://127.0.0.1:") && server.token.count == 64, "\(server.url)")
        let auth = ["X-Amber-Token": server.token]

        #expect(request(server.base + "/api/snapshots").0 == 401)
        #expect(request(server.base + "/api/snapshots", headers: ["X-Amber-Token": String(repeating: "0", count: 64)]).0 == 401)
        #expect(request(server.base + "/", headers: auth.merging(["Host": "attacker.example"]) { $1 }).0 == 403)
        let (status, body) = request(server.base + "/api/snapshots", headers: auth)
        #expect(status == 200)
        #expect(json(body) == json(Data(amber.run(["snapshots", "--json"]).stdout.utf8)))
        let (_, diff) = request(server.base + "/api/diff?from=" + snapshotID(0) + "&to=latest", headers: auth)
        #expect(json(diff) == json(Data(amber.run(["diff", snapshotID(0), "latest", "--json"]).stdout.utf8)))

        // A restore needs the header: the cookie alone (what another site's form would send) is refused.
        let restore = try JSONSerialization.data(withJSONObject: ["snapshot": "latest", "path": "/site/docs/report.bin", "target": temp.sub("out")])
        #expect(request(server.base + "/api/restore", method: "POST", headers: ["Cookie": "amber_token=" + server.token], body: restore).0 == 401)
        #expect(!FileManager.default.fileExists(atPath: temp.sub("out")))
        let (restored, _) = request(server.base + "/api/restore", method: "POST", headers: auth, body: restore)
        #expect(restored == 200)
        #expect(FileManager.default.contents(atPath: temp.sub("out/site/docs/report.bin")) == FileManager.default.contents(atPath: tree + "/docs/report.bin"))
        let (missing, error) = request(server.base + "/api/snapshots/latest/tree?path=/nope", headers: auth)
        #expect(missing == 404 && String(decoding: error, as: UTF8.self).contains("no such path"))
        // Pages fetch from the server only; the stats page keeps its own policy (inline styles only).
        #expect(policy(server.base + "/", headers: auth).contains("default-src 'none'; script-src 'self'"))
        #expect(policy(server.base + "/stats", headers: auth) == "default-src 'none'; style-src 'unsafe-inline'")

        // A collection downloads as `amber dump` prints it.
        let (_, ndjson) = request(server.base + "/api/snapshots/latest/collection?collection=users/users", headers: auth)
        #expect(String(decoding: ndjson, as: UTF8.self) == amber.run(["dump", "latest", "users"]).stdout)

        // A collection restore: every collection of the snapshot into an ndjson: target, checked.
        let collections = try JSONSerialization.data(withJSONObject: ["snapshot": "latest", "path": "/", "target": "ndjson:" + temp.sub("documents")])
        let (collectionStatus, collectionBody) = request(server.base + "/api/restore", method: "POST", headers: auth, body: collections)
        let summary = json(collectionBody) as? NSDictionary
        #expect(collectionStatus == 200 && summary?["documents"] as? Int == 121 && (summary?["mismatches"] as? [String])?.isEmpty == true, "\(String(decoding: collectionBody, as: UTF8.self))")
        #expect(String(decoding: FileManager.default.contents(atPath: temp.sub("documents/users.ndjson")) ?? Data(), as: UTF8.self)
                == amber.run(["dump", "latest", "users"]).stdout)
        let (badTarget, _) = request(server.base + "/api/restore", method: "POST", headers: auth,
                                     body: try JSONSerialization.data(withJSONObject: ["snapshot": "latest", "path": "/", "target": "relative/dir"]))
        #expect(badTarget == 400)

        // A database snapshot taken while serving: its tables with columns, key and indexes.
        let database = temp.sub("app.db")
        try runTool(["sqlite3", database, "CREATE TABLE items(id INTEGER PRIMARY KEY, label TEXT NOT NULL); CREATE INDEX items_label ON items(label); INSERT INTO items VALUES (1, 'one');"])
        #expect(amber.run(["backup", "sqlite:" + database]).code == 0)
        let (_, listing) = request(server.base + "/api/snapshots/latest/tree?path=/app.db", headers: auth)
        let tables = try #require((try JSONSerialization.jsonObject(with: listing) as? [String: Any])?["collections"] as? [[String: Any]], "\(String(decoding: listing, as: UTF8.self))")
        #expect(tables.count == 1 && tables[0]["name"] as? String == "items" && tables[0]["documents"] as? Int == 1, "\(tables)")
        #expect(tables[0]["primary_key"] as? [String] == ["id"] && (tables[0]["indexes"] as? [String] ?? []).contains { $0.contains("items_label") }, "\(tables)")
        #expect((tables[0]["columns"] as? [String] ?? []).count == 2, "\(tables)")
    }

    @Test func aBrowserBrowsesComparesAndRestores() throws {
        let (tree, _) = try makeSnapshots()
        let server = try Server(amber)
        let artifacts = Self.root.appendingPathComponent(".build/test-artifacts/serve").path
        let out = temp.sub("restored")
        let script = Self.root.appendingPathComponent("scripts/browse-ui").path
        let printed = try runTool([script, server.url, "--snapshot", snapshotID(1), "--file", "/site/docs/report.bin",
                                   "--collection", "users/users", "--key", "u120", "--restore-target", out, "--screenshots", artifacts])
        let seen = try #require(try JSONSerialization.jsonObject(with: Data(printed.utf8)) as? [String: Any], "\(printed)")
        // The token left the address bar; both snapshots were listed, newest first.
        #expect(seen["address_after_opening"] as? String == server.base + "/")
        #expect(seen["snapshots"] as? [String] == [snapshotID(1), snapshotID(0)])
        let original = try #require(FileManager.default.contents(atPath: tree + "/docs/report.bin"))
        #expect((seen["download"] as? [String: Any])?["status"] as? Int == 200)
        #expect((seen["restore"] as? String ?? "").hasPrefix("restored 1 files"), "\(seen)")
        #expect(FileManager.default.contents(atPath: out + "/site/docs/report.bin") == original)
        #expect(seen["documents_listed"] as? Int == 50)
        #expect(seen["document"] as? NSDictionary == ["_id": "u120", "name": "user 120"])
        #expect(seen["diff_files"] as? [String] == ["+ /site/docs/notes.txt", "M /users"], "\(seen)")
        #expect(seen["diff_documents"] as? [String] == ["users + u120"], "\(seen)")
        #expect(seen["without_token"] as? Int == 401)
        // Every request went to the server itself, and none came from the markup in a file name.
        let requests = try #require(seen["requests"] as? [String])
        #expect(!requests.isEmpty && requests.allSatisfy { $0.hasPrefix(server.base + "/") }, "\(requests)")
        #expect(!requests.contains { $0.hasPrefix(server.base + "/x") }, "\(requests)")
        for name in ["snapshots", "files", "restore", "document", "diff"] {
            let png = try Data(contentsOf: URL(fileURLWithPath: artifacts + "/\(name).png"))
            #expect(png.count > 5_000 && png.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
        }
    }

    /// The short id of the `index`th snapshot, oldest first.
    private func snapshotID(_ index: Int) -> String {
        let list = (try? JSONSerialization.jsonObject(with: Data(amber.run(["snapshots", "--json"]).stdout.utf8))) as? [[String: Any]] ?? []
        return index < list.count ? list[index]["short_id"] as? String ?? "" : ""
    }
}
