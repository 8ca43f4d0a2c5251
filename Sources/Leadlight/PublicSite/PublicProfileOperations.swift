import Foundation

/// Changes to what the public site shows (Settings → Public site): the profile and, in the same transaction,
/// a new photo or guide; or a file taken down.
package struct PublicProfileOperations: Sendable {
    let database: LeadlightDatabase
    let clock: WallClock

    package init(database: LeadlightDatabase, clock: WallClock) {
        self.database = database
        self.clock = clock
    }

    /// The profile as stored, or an empty one before the agent first saves it.
    package func profile(of workspace: Workspace.ID) async throws -> PublicProfile {
        try await PublicProfileStore(database: self.database.sql).find(workspace)
            ?? .empty(workspace, at: self.clock.now)
    }

    package func fileInfo(_ kind: PublicFile.Kind, of workspace: Workspace.ID) async throws -> PublicFileInfo? {
        try await PublicProfileStore(database: self.database.sql).fileInfo(kind, of: workspace)
    }

    /// Checks every field and file (a bad one names its field) before anything is written. A guide needs a
    /// title, so that the site can offer it.
    package func update(
        _ changes: PublicProfileChanges, photo: (fileName: String, content: Data)? = nil,
        guide: (fileName: String, content: Data)? = nil, in workspace: Workspace.ID
    ) async throws -> PublicProfile {
        let now = self.clock.now
        let stored = try await self.profile(of: workspace)
        var errors = FieldErrorCollector()
        let profile = errors.check { try changes.applied(to: stored, at: now) }
        let photoFile = photo.flatMap { upload in
            errors.check { try PublicFile.checked(.photo, fileName: upload.fileName, content: upload.content, at: now) }
        }
        let guideFile = guide.flatMap { upload in
            errors.check { try PublicFile.checked(.guide, fileName: upload.fileName, content: upload.content, at: now) }
        }
        let hasGuide = try await self.fileInfo(.guide, of: workspace) != nil || guideFile != nil
        if hasGuide, profile != nil, profile?.guideTitle == nil {
            errors.add("guideTitle", "is needed for the guide, so the site can offer it")
        }
        try errors.throwIfAny()
        guard let profile else { throw ValidationFailure(errors.errors) }
        return try await self.database.transaction { tx in
            let store = PublicProfileStore(database: tx)
            try await store.save(profile)
            if let photoFile { try await store.put(photoFile, in: workspace) }
            if let guideFile { try await store.put(guideFile, in: workspace) }
            return profile
        }
    }

    /// Takes the photo or the guide off the site.
    package func remove(_ kind: PublicFile.Kind, in workspace: Workspace.ID) async throws {
        try await self.database.transaction { tx in
            try await PublicProfileStore(database: tx).remove(kind, of: workspace)
        }
    }
}
