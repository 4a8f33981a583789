import Foundation

/// The XDG base directories profiles, run records and user units live under: each variable
/// when set and not empty, else its default under the home directory (`$HOME`, else the
/// account's).
enum BaseDirectories {
    static func home(_ environment: [String: String]) -> String { value("HOME", environment) ?? NSHomeDirectory() }

    /// `$XDG_CONFIG_HOME`, else `~/.config`.
    static func configHome(_ environment: [String: String]) -> String {
        value("XDG_CONFIG_HOME", environment) ?? home(environment) + "/.config"
    }

    /// `$XDG_STATE_HOME`, else `~/.local/state`.
    static func stateHome(_ environment: [String: String]) -> String {
        value("XDG_STATE_HOME", environment) ?? home(environment) + "/.local/state"
    }

    private static func value(_ name: String, _ environment: [String: String]) -> String? {
        environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }
}
