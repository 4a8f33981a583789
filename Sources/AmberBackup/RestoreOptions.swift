/// How `amber restore` writes a target.
public struct RestoreOptions: Sendable {
    /// Replace an existing target, or apply an incremental restore without checking the target.
    public var force: Bool
    /// Read the target back afterwards and compare every document with the snapshot.
    public var verify: Bool
    /// Across engines: leave out structure with no equivalent in the target (with a warning each).
    public var skipUnmappable: Bool
    /// Into PostgreSQL: objects belong to the restoring user (`pg_restore --no-owner`).
    public var noOwner: Bool
    /// Into PostgreSQL: no `GRANT`/`REVOKE` (`pg_restore --no-acl`).
    public var noACL: Bool
    /// Into PostgreSQL: first recreate the roles and tablespaces the snapshot holds (`--globals`).
    public var globals = false

    public init(force: Bool = false, verify: Bool = false, skipUnmappable: Bool = false, noOwner: Bool = false,
                noACL: Bool = false) {
        self.force = force
        self.verify = verify
        self.skipUnmappable = skipUnmappable
        self.noOwner = noOwner
        self.noACL = noACL
    }
}
