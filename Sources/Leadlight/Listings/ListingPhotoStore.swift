import Foundation
import SQLKit

/// Every query that touches `listing_photos`: one photo per listing, checked as the agent's own photo is
/// (`PublicFile.checked(.photo, …)`).
struct ListingPhotoStore: Sendable {
    let database: any SQLDatabase

    /// When each of `listings` that has a photo got it (a page of cards asks once, not once per card).
    func uploadTimes(of listings: [Listing.ID], in workspace: Workspace.ID) async throws -> [Listing.ID: Date] {
        guard !listings.isEmpty else { return [:] }
        let rows = try await self.database.select().columns("listing_id", "uploaded_at").from("listing_photos")
            .where("workspace_id", .equal, workspace.rawValue)
            .where("listing_id", .in, listings.map(\.rawValue))
            .all()
        var times: [Listing.ID: Date] = [:]
        for row in rows {
            times[Listing.ID(rawValue: try row.decode(column: "listing_id", as: String.self))] = Date(
                millisecondsSince1970: try row.decode(column: "uploaded_at", as: Int64.self))
        }
        return times
    }

    /// The photo's name, type and size, without its bytes.
    func info(of listing: Listing.ID, in workspace: Workspace.ID) async throws -> PublicFileInfo? {
        try await self.database.select().columns("content_type", "file_name", "size", "uploaded_at")
            .from("listing_photos")
            .where("workspace_id", .equal, workspace.rawValue).where("listing_id", .equal, listing.rawValue)
            .first()
            .map(PublicFileInfo.init(row:))
    }

    func photo(of listing: Listing.ID, in workspace: Workspace.ID) async throws -> PublicFile? {
        try await self.database.select().columns("content_type", "file_name", "content", "uploaded_at")
            .from("listing_photos")
            .where("workspace_id", .equal, workspace.rawValue).where("listing_id", .equal, listing.rawValue)
            .first()
            .map { try PublicFile(.photo, row: $0) }
    }

    /// Stores `file` as the listing's photo, replacing the one it had.
    func put(_ file: PublicFile, for listing: Listing.ID, in workspace: Workspace.ID) async throws {
        try await self.remove(of: listing, in: workspace)
        try await self.database.insert(into: "listing_photos")
            .columns("listing_id", "workspace_id", "content_type", "file_name", "size", "content", "uploaded_at")
            .values(
                SQLBind(listing.rawValue), SQLBind(workspace.rawValue), SQLBind(file.contentType),
                SQLBind(file.fileName), SQLBind(file.content.count), SQLBind(file.content),
                SQLBind(file.uploadedAt.millisecondsSince1970)
            )
            .run()
    }

    func remove(of listing: Listing.ID, in workspace: Workspace.ID) async throws {
        try await self.database.delete(from: "listing_photos")
            .where("workspace_id", .equal, workspace.rawValue).where("listing_id", .equal, listing.rawValue)
            .run()
    }
}
