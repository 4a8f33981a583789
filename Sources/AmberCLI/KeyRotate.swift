import AmberKit
import ArgumentParser

extension Amber.Key {
    /// `amber key rotate`: a new data key for everything stored from now on.
    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a new data key that new packs and files are sealed under; remove the other key files.",
            discussion: """
                Everything already stored stays readable under its own key generation. The key file of \
                the password in use is rewritten with the new key; every other key file is removed (each \
                holds only the old keys: add its password again with `amber key add`). Run `amber key \
                retire` afterwards to seal everything older under the new key and drop the old ones.

                Examples:
                  amber key rotate
                  amber key rotate --json
                """)

        @OptionGroup var global: GlobalOptions

        func run() throws {
            try Exit.run {
                let (repository, password) = try global.openRepositoryKeepingPassword()
                let lock = try global.lock(repository, mode: .exclusive)
                defer { lock.release() }
                let rotation = try repository.rotateKeys(password: password, scrypt: Amber.Key.scrypt(global))
                if global.json {
                    Output.json(KeyRotationJSON(rotation))
                } else if !global.quiet {
                    Output.line("saved key \(rotation.keyName.prefix(8)): new objects are sealed under key generation \(rotation.generation)"
                                + " (generations held: \(rotation.generations.map(String.init).joined(separator: ", ")))")
                    for removed in rotation.removedKeys {
                        Output.line("removed key \(removed.prefix(8)): add its password again with `amber key add`")
                    }
                    Output.line("run `amber key retire` to seal everything older under the new key and drop the old keys")
                }
                return Exit.ok
            }
        }
    }
}

/// `amber key rotate --json`.
struct KeyRotationJSON: Encodable {
    let id: String
    let generation: UInt16
    let generations: [UInt16]
    let removed: [String]

    init(_ rotation: KeyRotation) {
        id = rotation.keyName
        generation = rotation.generation
        generations = rotation.generations
        removed = rotation.removedKeys
    }
}
