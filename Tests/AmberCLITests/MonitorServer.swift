import Foundation

/// A local HTTP server standing in for a monitoring service (healthchecks.io): it answers every
/// request 200 and records each as `METHOD PATH` and its body, one request per line pair.
/// Python's own http.server, so the requests are parsed by code nobody here wrote.
final class MonitorServer {
    let log: String
    private let process = Process()
    private(set) var port = 0

    init(directory: String) throws {
        log = directory + "/monitor-requests.txt"
        let script = directory + "/monitor-server.py"
        try """
            import http.server, sys
            LOG = sys.argv[1]
            class Handler(http.server.BaseHTTPRequestHandler):
                def do_POST(self):
                    body = self.rfile.read(int(self.headers.get('Content-Length') or 0))
                    with open(LOG, 'a') as f:
                        f.write(self.command + ' ' + self.path + '\\n' + body.decode('utf-8', 'replace').replace('\\n', ' ') + '\\n')
                    self.send_response(200)
                    self.send_header('Content-Length', '2')
                    self.end_headers()
                    self.wfile.write(b'OK')
                do_GET = do_POST
                def log_message(self, *args):
                    pass
            server = http.server.HTTPServer(('127.0.0.1', 0), Handler)
            print(server.server_address[1], flush=True)
            server.serve_forever()
            """.write(toFile: script, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, log]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        var line = Data()
        while let byte = try out.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) { line += byte }
        port = Int(String(decoding: line, as: UTF8.self)) ?? 0
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// The requests so far: (`METHOD PATH`, body).
    var requests: [(String, String)] {
        let lines = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n", omittingEmptySubsequences: false)
        return stride(from: 0, to: lines.count - 1, by: 2).map { (String(lines[$0]), String(lines[$0 + 1])) }
    }

    deinit {
        // SIGKILL: the test process may ignore SIGTERM, and its children inherit that.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
