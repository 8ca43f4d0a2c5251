import Foundation
import SQLKit

/// Every query that touches `public_profiles` and `public_files`. Writes that change what the public site shows
/// say so (`CommitSignal.siteChanged()`), so agents cached for the site are read again.
struct PublicProfileStore: Sendable {
    let database: any SQLDatabase

    func find(_ workspace: Workspace.ID) async throws -> PublicProfile? {
        try await self.database.select().column("*").from("public_profiles")
            .where("workspace_id", .equal, workspace.rawValue)
            .first()
            .map(PublicProfile.init(row:))
    }

    /// Stores the profile, creating its row the first time.
    func save(_ profile: PublicProfile) async throws {
        CommitSignal.siteChanged()
        try await self.database.insert(into: "public_profiles")
            .columns(
                "workspace_id", "display_name", "headline", "about", "email", "phone", "guide_title", "bots_caught",
                "updated_at"
            )
            .values(
                SQLBind(profile.workspaceID.rawValue), SQLBind.orNull(profile.displayName),
                SQLBind.orNull(profile.headline), SQLBind.orNull(profile.about), SQLBind.orNull(profile.email),
                SQLBind.orNull(profile.phone?.text), SQLBind.orNull(profile.guideTitle), SQLBind(profile.botsCaught),
                SQLBind(profile.updatedAt.millisecondsSince1970)
            )
            .onConflict(with: ["workspace_id"]) { update in
                update.set(excludedValueOf: "display_name").set(excludedValueOf: "headline")
                    .set(excludedValueOf: "about").set(excludedValueOf: "email").set(excludedValueOf: "phone")
                    .set(excludedValueOf: "guide_title").set(excludedValueOf: "updated_at")
            }
            .run()
    }

    /// Counts one caught bot submission, in one statement whatever runs beside it.
    func countBot(in workspace: Workspace.ID, at now: Date) async throws {
        try await self.database.raw(
            """
            INSERT INTO public_profiles (workspace_id, bots_caught, updated_at) VALUES (\(bind: workspace.rawValue), 1, \
            \(bind: now.millisecondsSince1970))
            ON CONFLICT (workspace_id) DO UPDATE SET bots_caught = public_profiles.bots_caught + 1
            """
        ).run()
    }

    /// The file's name, type and size, without its bytes.
    func fileInfo(_ kind: PublicFile.Kind, of workspace: Workspace.ID) async throws -> PublicFileInfo? {
        try await self.database.select().columns("kind", "content_type", "file_name", "size", "uploaded_at")
            .from("public_files")
            .where("workspace_id", .equal, workspace.rawValue).where("kind", .equal, kind.rawValue)
            .first()
            .map(PublicFileInfo.init(row:))
    }

    func file(_ kind: PublicFile.Kind, of workspace: Workspace.ID) async throws -> PublicFile? {
        try await self.database.select().column("*").from("public_files")
            .where("workspace_id", .equal, workspace.rawValue).where("kind", .equal, kind.rawValue)
            .first()
            .map { try PublicFile(kind, row: $0) }
    }

    func put(_ file: PublicFile, in workspace: Workspace.ID) async throws {
        CommitSignal.siteChanged()
        try await self.database.delete(from: "public_files")
            .where("workspace_id", .equal, workspace.rawValue).where("kind", .equal, file.kind.rawValue)
            .run()
        try await self.database.insert(into: "public_files")
            .columns("workspace_id", "kind", "content_type", "file_name", "size", "content", "uploaded_at")
            .values(
                SQLBind(workspace.rawValue), SQLBind(file.kind.rawValue), SQLBind(file.contentType),
                SQLBind(file.fileName), SQLBind(file.content.count), SQLBind(file.content),
                SQLBind(file.uploadedAt.millisecondsSince1970)
            )
            .run()
    }

    func remove(_ kind: PublicFile.Kind, of workspace: Workspace.ID) async throws {
        CommitSignal.siteChanged()
        try await self.database.delete(from: "public_files")
            .where("workspace_id", .equal, workspace.rawValue).where("kind", .equal, kind.rawValue)
            .run()
    }
}

/// A stored file's description (its bytes stay in the database until it is served).
package struct PublicFileInfo: Sendable, Equatable {
    package var contentType: String
    package var fileName: String
    package var size: Int
    package var uploadedAt: Date
}

extension PublicFileInfo {
    /// From a row holding `content_type`, `file_name`, `size` and `uploaded_at`.
    init(row: any SQLRow) throws {
        self.init(
            contentType: try row.decode(column: "content_type", as: String.self),
            fileName: try row.decode(column: "file_name", as: String.self),
            size: try row.decode(column: "size", as: Int.self),
            uploadedAt: Date(millisecondsSince1970: try row.decode(column: "uploaded_at", as: Int64.self)))
    }
}

extension PublicFile {
    /// From a row holding `content_type`, `file_name`, `content` and `uploaded_at` (an agent's file or a listing's
    /// photo).
    init(_ kind: Kind, row: any SQLRow) throws {
        self.init(
            kind: kind, contentType: try row.decode(column: "content_type", as: String.self),
            fileName: try row.decode(column: "file_name", as: String.self),
            content: try row.decode(column: "content", as: Data.self),
            uploadedAt: Date(millisecondsSince1970: try row.decode(column: "uploaded_at", as: Int64.self)))
    }
}

extension PublicProfile {
    init(row: any SQLRow) throws {
        self.init(
            workspaceID: Workspace.ID(rawValue: try row.decode(column: "workspace_id", as: String.self)),
            displayName: try row.decodeIfPresent(column: "display_name", as: String.self),
            headline: try row.decodeIfPresent(column: "headline", as: String.self),
            about: try row.decodeIfPresent(column: "about", as: String.self),
            email: try row.decodeIfPresent(column: "email", as: String.self),
            phone: try row.decodeIfPresent(column: "phone", as: String.self).flatMap {
                try? PhoneNumber(validating: $0)
            },
            guideTitle: try row.decodeIfPresent(column: "guide_title", as: String.self),
            botsCaught: try row.decode(column: "bots_caught", as: Int.self),
            updatedAt: Date(millisecondsSince1970: try row.decode(column: "updated_at", as: Int64.self)))
    }
}
