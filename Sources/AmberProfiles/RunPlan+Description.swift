import Foundation

extension RunPlan {
    /// One line of what a run would do, for `run --dry-run`.
    public struct Line: Sendable, Encodable, Equatable {
        /// `hook`, `step`, `note` or `monitor`.
        public let kind: String
        /// What it is: `before hook 1`, `step 2/4`, `check`, `monitor`.
        public let name: String
        /// The command, as a shell would take it (a monitor's URL shows only its host).
        public let command: String
    }

    /// What the run would do, in order; `failure` adds what runs only when it fails.
    public var lines: [Line] {
        let hooks = profile.hooks
        var lines: [Line] = []
        func add(_ commands: [String], _ kind: String) {
            for (index, command) in commands.enumerated() { lines.append(Line(kind: "hook", name: "\(kind) \(index + 1)", command: command)) }
        }
        add(hooks.before, "before hook")
        for (index, step) in steps.enumerated() {
            lines.append(Line(kind: "step", name: "step \(index + 1)/\(steps.count)", command: step.commandLine))
        }
        if let checkNote { lines.append(Line(kind: "note", name: "check", command: checkNote)) }
        add(hooks.after, "after hook")
        add(hooks.onFailure, "on-failure hook")
        if let monitor = profile.monitor {
            if let url = monitor.url {
                let host = URL(string: url)?.host ?? "?"
                lines.append(Line(kind: "monitor", name: "monitor", command: "ping \(host)" + (monitor.pingsStart ? " at the start and" : "") + " at the end"))
            }
            if let command = monitor.command { lines.append(Line(kind: "monitor", name: "monitor command", command: command)) }
        }
        return lines
    }
}
