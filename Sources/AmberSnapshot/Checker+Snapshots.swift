import AmberCore
import AmberManifest
import AmberRepository
import AmberStorage

extension Checker {
    /// Opens every snapshot and walks the trees it reaches (each tree once).
    func checkSnapshots() throws(RepositoryError) -> [(id: BlobID, root: BlobID)] {
        let names = try RepositoryError.catching { () throws(BackendError) in try repository.backend.list(.snapshots) }
        var roots = [(id: BlobID, root: BlobID)]()
        var visited = Set<BlobID>()
        for (name, _) in names.sorted(by: { $0.name < $1.name }) {
            guard let id = BlobID(hex: name) else { continue }
            let snapshot: Snapshot
            do {
                guard let loaded = try repository.loadListedSnapshot(id) else { continue }  // forgotten meanwhile
                snapshot = loaded
            } catch {
                self.error("snapshot \(id.shortHex): \(error.message)")
                continue
            }
            guard let root = snapshot.treeID else {
                self.error("snapshot \(id.shortHex): no valid root tree id")
                continue
            }
            roots.append((id, root))
            update { $0.snapshots += 1 }
            walk(root, path: "", snapshot: id, visited: &visited)
        }
        return roots
    }

    private func walk(_ tree: BlobID, path: String, snapshot: BlobID, visited: inout Set<BlobID>) {
        guard visited.insert(tree).inserted else { return }
        let where_ = "snapshot \(snapshot.shortHex) \(path.isEmpty ? "/" : path)"
        guard let location = repository.index.lookup(tree) else {
            self.error("\(where_): tree \(tree.shortHex) is in no index")
            update { $0.damagedBlobs.insert(tree) }
            return
        }
        guard location.entry.type == .tree else {
            self.error("\(where_): blob \(tree.shortHex) is indexed as a \(location.entry.type) blob, not a tree")
            update { $0.damagedBlobs.insert(tree) }
            return
        }
        let nodes: [Node]
        do {
            nodes = try repository.loadTree(tree).nodes
        } catch {
            self.error("\(where_): \(error.message)")
            update { $0.damagedBlobs.insert(tree) }
            return
        }
        update { $0.trees += 1 }
        for node in nodes {
            let child = path + "/" + node.displayName
            switch node.kind {
            case .directory:
                if let sub = node.subtree { walk(sub, path: child, snapshot: snapshot, visited: &visited) }
            case .database:
                if let set = node.subtree { checkCollections(set, path: child, snapshot: snapshot, visited: &visited) }
            case .file:
                for blob in node.content {
                    let type = repository.index.lookup(blob)?.entry.type
                    guard type != .data else { continue }
                    self.error("snapshot \(snapshot.shortHex) \(child): data blob \(blob.shortHex) is " + (type == nil ? "in no index" : "indexed as a tree blob"))
                    update { $0.damagedBlobs.insert(blob) }
                }
            default:
                break
            }
        }
    }

    /// The snapshot paths that use a damaged blob, each shared subtree examined once.
    func findAffected(_ damaged: Set<BlobID>, snapshots: [(id: BlobID, root: BlobID)]) -> [AffectedPath] {
        var memo = [BlobID: [String]]()
        var result = [AffectedPath]()
        for (id, root) in snapshots {
            for path in damagedPaths(root, damaged, &memo) {
                result.append(AffectedPath(snapshot: id, path: path.isEmpty ? "/" : path))
            }
        }
        return result
    }

    /// Paths (relative, starting with "/") under a tree that use damaged blobs.
    private func damagedPaths(_ tree: BlobID, _ damaged: Set<BlobID>, _ memo: inout [BlobID: [String]]) -> [String] {
        if let known = memo[tree] { return known }
        if damaged.contains(tree) {
            memo[tree] = [""]
            return [""]
        }
        var paths = [String]()
        if let nodes = try? repository.loadTree(tree).nodes {
            for node in nodes {
                let child = "/" + node.displayName
                switch node.kind {
                case .directory:
                    if let sub = node.subtree {
                        paths += damagedPaths(sub, damaged, &memo).map { $0.isEmpty ? child + "/" : child + $0 }
                    }
                case .database:
                    if let set = node.subtree { paths += damagedCollections(set, damaged).map { child + $0 } }
                case .file:
                    if node.content.contains(where: damaged.contains) { paths.append(child) }
                default:
                    break
                }
            }
        }
        memo[tree] = paths
        return paths
    }

    /// Checks a collection set and every manifest node and value chunk it reaches.
    private func checkCollections(_ set: BlobID, path: String, snapshot: BlobID, visited: inout Set<BlobID>) {
        guard visited.insert(set).inserted else { return }
        let where_ = "snapshot \(snapshot.shortHex) \(path)"
        guard repository.index.lookup(set)?.entry.type == .tree else {
            self.error("\(where_): collection set \(set.shortHex) is in no index")
            update { $0.damagedBlobs.insert(set) }
            return
        }
        let collections: [CollectionSet.Collection]
        do {
            collections = try repository.loadCollectionSet(set).collections
        } catch {
            self.error("\(where_): \(error.message)")
            update { $0.damagedBlobs.insert(set) }
            return
        }
        let loader = ManifestNodeLoader(repository: repository)
        for collection in collections {
            let at = "\(where_)/\(collection.displayName)"
            if !collection.manifest.isCompact { layered.withLock { if $0[collection.manifest] == nil { $0[collection.manifest] = at } } }
            loader.forEachBlob(collection.manifest, visit: { id, type in
                guard visited.insert(id).inserted else { return false }
                guard repository.index.lookup(id)?.entry.type == type else {
                    self.error("\(at): \(type) blob \(id.shortHex) is in no index")
                    update { $0.damagedBlobs.insert(id) }
                    return false
                }
                if type == .tree { update { $0.trees += 1 } }
                return true
            }, failed: { id, error in
                self.error("\(at): \(error.message)")
                update { $0.damagedBlobs.insert(id) }
            })
        }
    }

    /// The collections (`/name`) of a set whose manifests use a damaged blob.
    private func damagedCollections(_ set: BlobID, _ damaged: Set<BlobID>) -> [String] {
        if damaged.contains(set) { return ["/"] }
        guard let collections = try? repository.loadCollectionSet(set).collections else { return ["/"] }
        let loader = ManifestNodeLoader(repository: repository)
        var result = [String]()
        for collection in collections {
            var hit = false
            loader.forEachBlob(collection.manifest, visit: { id, _ in
                if damaged.contains(id) { hit = true }
                return !hit
            }, failed: { _, _ in hit = true })
            if hit { result.append("/" + collection.displayName) }
        }
        return result
    }

    /// With read-data: rebuilds the canonical root of every manifest kept as a base and runs
    /// (each distinct one once) and reports those whose layers do not give the recorded root.
    func verifyCanonicalRoots() {
        let manifests = layered.withLock { $0 }
        guard !manifests.isEmpty else { return }
        let loader = ManifestNodeLoader(repository: repository, cachedNodes: 1024)
        for (manifest, at) in manifests.sorted(by: { $0.value < $1.value }) {
            do {
                let root = try loader.canonicalRoot(of: manifest)
                if root != manifest.canonical {
                    self.error("\(at): its base and runs give the tree \(root.id.shortHex) (\(root.count) documents), not the recorded \(manifest.canonical.id.shortHex) (\(manifest.canonical.count) documents)")
                }
            } catch {
                self.error("\(at): \(error.message)")
            }
            update { $0.manifestsVerified += 1 }
        }
    }
}
