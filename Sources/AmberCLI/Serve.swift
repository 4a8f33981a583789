import AmberKit
import AmberServe
import ArgumentParser
import Foundation

extension Amber {
    /// `amber serve`: a local web UI to browse, compare and restore.
    struct Serve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve a local web UI to browse snapshots, files and documents, compare snapshots and restore.",
            discussion: """
                Unlocks the repository once and serves it on 127.0.0.1 until interrupted. Prints the URL to \
                open, with a random access token in it (as Jupyter does); every request must carry the token \
                (a request without it gets 401), a change (restore) must send it in the X-Amber-Token header, \
                and the password never leaves this process. Another address than a loopback one serves the \
                repository's contents to the network: it needs an explicit --listen and is warned about.

                Examples:
                  amber serve
                  amber serve --listen 127.0.0.1:8642
                """)

        @OptionGroup var global: GlobalOptions

        @Option(name: .long, help: "HOST:PORT to listen on (default 127.0.0.1:0, a free port).")
        var listen = "127.0.0.1:0"

        func run() throws {
            try Exit.run {
                guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (0...65535).contains(port) else {
                    throw CLIError.usage("--listen \(listen): give HOST:PORT, e.g. 127.0.0.1:8642")
                }
                let host = String(listen[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
                let repository = try global.openRepository()
                try global.loadIndex(repository)
                if !WebServer.isLoopback(host) {
                    Output.error("warning: serving on \(host), not a loopback address: anyone who can reach it and has the URL (token) can read the repository's contents")
                }
                let server = WebServer(browser: RepositoryBrowser(repository: repository), host: host, port: port)
                let json = global.json
                try server.run { url in
                    if json {
                        Output.json(["message_type": "serving", "url": url])
                    } else {
                        Output.line("serving the repository at \(url)")
                        Output.line("open that URL in a browser; press Ctrl-C to stop")
                    }
                }
                return Exit.ok
            }
        }
    }
}
