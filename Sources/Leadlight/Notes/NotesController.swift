import Foundation
import Hummingbird

/// `/api/v1/leads/{id}/notes`, `/api/v1/leads/{id}/timeline` and the same under `/api/v1/clients/{id}`: one
/// controller for both, told how to read the record's id from the path.
struct NotesController {
    let database: LeadlightDatabase
    let clock: WallClock
    /// The lead or client the path names.
    let subject: @Sendable (APIContext) throws -> NoteSubject
    var notes: NoteOperations { NoteOperations(database: self.database, clock: self.clock) }

    /// Adds the routes under a record's path (`{id}` is the record's id).
    func add(to routes: RouteCollection<APIContext>) -> RouteCollection<APIContext> {
        routes
            .post("{id}/notes", use: self.create)
            .get("{id}/notes", use: self.list)
            .get("{id}/timeline", use: self.timeline)
    }

    /// Answers `{"success": true, "noteId": "…"}` with 201; safe to retry with an `Idempotency-Key`.
    func create(_ request: Request, context: APIContext) async throws -> Response {
        let body = try await request.jsonBody(context: context)
        let text = try Request.decodeJSON(as: NotesAPI.NewNote.self, from: body).requiredText()
        let subject = try self.subject(context)
        let workspace = try context.workspaceID
        return try await IdempotentCreation(database: self.database, clock: self.clock).respond(
            to: request, body: body, context: context
        ) { tx in
            let note = try await self.notes.add(text, on: subject, in: workspace, within: tx)
            return (.created, try IdempotentCreation.json(NotesAPI.Created(noteId: note.id)))
        }
    }

    func list(_ request: Request, context: APIContext) async throws -> NotesAPI.NoteList {
        let (limit, offset) = try Self.page(request)
        let subject = try self.subject(context)
        let workspace = try context.workspaceID
        try await subject.requireExists(in: workspace, on: self.database.sql)
        let (notes, total) = try await NoteStore(database: self.database.sql).list(
            on: subject.id, in: workspace, limit: limit, offset: offset)
        return NotesAPI.NoteList(notes: notes.map(NotesAPI.NoteBody.init), total: total)
    }

    func timeline(_ request: Request, context: APIContext) async throws -> Response {
        let (limit, offset) = try Self.page(request)
        let subject = try self.subject(context)
        let workspace = try context.workspaceID
        try await subject.requireExists(in: workspace, on: self.database.sql)
        let (entries, total) = try await Timeline(database: self.database.sql).page(
            of: subject.id, in: workspace, limit: limit, offset: offset)
        return .json(NotesAPI.timelineJSON(entries, total: total))
    }

    /// `limit` (1–200) and `offset` (at most 10,000 here); any other parameter is a 400.
    private static func page(_ request: Request) throws -> (limit: Int, offset: Int) {
        let parameters = request.uri.queryParameters
        var errors = FieldErrorCollector()
        QueryRules.rejectUnknown(parameters.map { String($0.key) }, allowed: ["limit", "offset"], &errors)
        let limit = QueryRules.integer(parameters.get("limit"), field: "limit", default: 50, in: 1...200, &errors)
        let offset = QueryRules.integer(
            parameters.get("offset"), field: "offset", default: 0, in: 0...Timeline.maxOffset, &errors)
        try errors.throwIfAny()
        return (limit, offset)
    }
}
