import AmberBackup
import Foundation

/// A **profile file**: YAML whose top-level `profiles` mapping names ``Profile``s. Read from
/// `--config FILE`, else `$AMBER_CONFIG`, else `$XDG_CONFIG_HOME/amber/amber.yaml`
/// (`~/.config/amber/amber.yaml`). The schema is in docs/cli.md ("Profiles").
public struct ProfileFile: Sendable {
    /// The file's path as given.
    public let path: String
    /// The profiles, in file order.
    public let profiles: [Profile]
    /// What is allowed but unwise (a password in a file others may read).
    public let warnings: [String]

    /// The file used when none is named.
    public static func defaultPath(environment: [String: String]) -> String {
        if let path = environment["AMBER_CONFIG"], !path.isEmpty { return path }
        return BaseDirectories.configHome(environment) + "/amber/amber.yaml"
    }

    /// Reads and checks the file at `path`.
    public static func load(_ path: String) throws(ProfileError) -> ProfileFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ProfileError("cannot read the profile file \(path)", category: .notFound)
        }
        guard let text = String(data: data, encoding: .utf8) else { throw ProfileError("\(path): the file is not UTF-8") }
        var file = try ProfileFile(text: text, path: path)
        if file.holdsSecrets, let mode = try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int,
           mode & 0o077 != 0 {
            file = ProfileFile(path: path, profiles: file.profiles, warnings: file.warnings + [
                "\(path) holds a secret and others may read it (mode \(String(mode & 0o777, radix: 8))): chmod 600 \(path)",
            ])
        }
        return file
    }

    /// Parses `text` as the contents of `path`. Besides `profiles`, the top level may hold
    /// `defaults` and keys starting `x-`, which are not read: places for anchors that profiles
    /// merge (`<<: *defaults`).
    public init(text: String, path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ProfileError) {
        guard let root = try YAMLValue.parse(text, file: path) else { throw ProfileError("\(path): the file is empty") }
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let paths = PathResolver(base: (absolute as NSString).deletingLastPathComponent,
                                 home: BaseDirectories.home(environment))
        var profiles: [Profile] = []
        for (key, keyNode, value) in try root.keyedEntries("the file") {
            guard key == "profiles" else {
                guard key == "defaults" || key.hasPrefix("x-") else {
                    throw keyNode.error("unknown key \"\(key)\" at the top of the file (known: profiles, defaults, x-…)")
                }
                continue
            }
            for (name, nameNode, body) in try value.keyedEntries("profiles") {
                guard Self.isValidName(name) else {
                    throw nameNode.error("profile name \"\(name)\": use letters, digits, '-', '_' and '.'")
                }
                profiles.append(try Profile(name: name, yaml: body, paths: paths))
            }
        }
        guard !profiles.isEmpty else { throw root.error("no profiles: the file needs a profiles mapping") }
        self.init(path: path, profiles: profiles, warnings: [])
    }

    private init(path: String, profiles: [Profile], warnings: [String]) {
        self.path = path
        self.profiles = profiles
        self.warnings = warnings
    }

    /// The profile called `name`; without a name, the only one, or the one called `default`.
    public func profile(_ name: String?) throws(ProfileError) -> Profile {
        let names = profiles.map(\.name).joined(separator: ", ")
        guard let name else {
            if profiles.count == 1 { return profiles[0] }
            if let profile = profiles.first(where: { $0.name == "default" }) { return profile }
            throw ProfileError("\(path) has several profiles and none called default: name one of \(names)")
        }
        guard let profile = profiles.first(where: { $0.name == name }) else {
            throw ProfileError("\(path) has no profile \"\(name)\" (it has \(names))", category: .notFound)
        }
        return profile
    }

    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && !name.hasPrefix("-")
            && name.unicodeScalars.allSatisfy { $0.isASCIILetter || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0) }
    }

    /// Whether a profile writes a secret in the file: a password, or an `env` value whose name
    /// says it is one.
    private var holdsSecrets: Bool {
        profiles.contains { profile in
            if case .literal = profile.password { return true }
            if profile.sources.contains(where: { RunPlan.movingPassword($0.location).password != nil }) { return true }
            return profile.environment.keys.contains { name in
                ["SECRET", "PASSWORD", "TOKEN", "PASSPHRASE"].contains { name.uppercased().contains($0) }
            }
        }
    }
}
