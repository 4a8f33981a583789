import AmberStorageS3
import Foundation

/// Tells a profile's ``Monitor`` how a run goes. Nothing it does can fail the run: a monitor
/// that cannot be reached is a warning.
struct MonitorClient {
    let monitor: Monitor?
    let say: (String) -> Void

    /// The run started: `URL/start`.
    func started() {
        guard let monitor, monitor.pingsStart, let url = monitor.url else { return }
        ping(Self.url(url, appending: "/start"), body: [])
    }

    /// The run ended: `URL` or `URL/fail` with the log's end as the body, and the command.
    func finished(_ record: RunRecord, log: String, environment: [String: String]) {
        guard let monitor else { return }
        let succeeded = record.result == .success
        if let url = monitor.url {
            ping(succeeded ? url : Self.url(url, appending: "/fail"), body: Array(log.utf8))
        }
        if let command = monitor.command { run(command, log: log, environment: environment) }
    }

    /// `url` with `suffix` added to its path (before any query).
    static func url(_ url: String, appending suffix: String) -> String {
        guard let query = url.firstIndex(of: "?") else { return url + suffix }
        return String(url[..<query]) + suffix + String(url[query...])
    }

    private func ping(_ url: String, body: [UInt8]) {
        do {
            try HTTPPing.send(url, body: body)
        } catch {
            say("warning: the monitor could not be told (\(error.description))")
        }
    }

    private func run(_ command: String, log: String, environment: [String: String]) {
        let result = SystemTool.run("/bin/sh", ["-c", command], environment: environment, input: Data(log.utf8))
        if result.code != 0 { say("warning: the monitor command failed with exit status \(result.code)") }
    }
}
