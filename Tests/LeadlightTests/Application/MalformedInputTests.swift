import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Leadlight

/// Bad bodies get a clear 4xx and change nothing (DESIGN.md, Errors).
@Suite struct MalformedInputTests {
    /// Sends `body` to PATCH /api/v1/workspace and checks the answer and that the workspace is untouched.
    private func expectRejected(
        _ database: TestDatabase,
        body: Data,
        contentType: String? = "application/json",
        configure: (inout LeadlightConfiguration) -> Void = { _ in },
        status: HTTPResponse.Status,
        code: String,
        field: String? = nil
    ) async throws {
        try await withTestApp(database, configure: configure) { app, seed in
            let workspace = try await seed.workspace()
            try await app.test(.router) { client in
                let response = try await client.send(
                    .patch, "/api/v1/workspace", body: body, key: workspace.apiKey.value, contentType: contentType
                )
                #expect(response.status == status)
                let error = try response.error
                #expect(error.error.code == code)
                if let field { #expect(error.error.fields?.map(\.field) == [field]) }
                let stored = try await WorkspaceStore(database: seed.database.sql).find(workspace.workspace.id)
                #expect(stored == workspace.workspace)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func malformedJSONAnswers400(on database: TestDatabase) async throws {
        try await self.expectRejected(
            database, body: Data(#"{"name": "New name""#.utf8), status: .badRequest, code: "invalid_json")
    }

    @Test(arguments: TestDatabase.available)
    func aFieldOfTheWrongTypeAnswers400NamingIt(on database: TestDatabase) async throws {
        try await self.expectRejected(
            database, body: Data(#"{"name": "Fine", "timeZone": 42}"#.utf8), status: .badRequest,
            code: "validation_failed", field: "timeZone"
        )
    }

    @Test(arguments: TestDatabase.available)
    func invalidFieldValuesAnswer400NamingEveryOne(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let workspace = try await seed.workspace()
            try await app.test(.router) { client in
                let response = try await client.send(
                    .patch, "/api/v1/workspace", json: ["name": "  ", "currency": "XXX", "timeZone": "Mars/Olympus"],
                    key: workspace.apiKey.value
                )
                #expect(response.status == .badRequest)
                #expect(try response.error.error.fields?.map(\.field) == ["name", "currency", "timeZone"])
                #expect(
                    try await WorkspaceStore(database: seed.database.sql).find(workspace.workspace.id)
                        == workspace.workspace)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aBodyThatIsNotAnObjectAnswers400(on database: TestDatabase) async throws {
        try await self.expectRejected(database, body: Data("[1, 2]".utf8), status: .badRequest, code: "invalid_json")
    }

    @Test(arguments: TestDatabase.available)
    func anEmptyBodyAnswers400(on database: TestDatabase) async throws {
        try await self.expectRejected(database, body: Data(), status: .badRequest, code: "invalid_json")
    }

    @Test(arguments: TestDatabase.available)
    func invalidUTF8Answers400(on database: TestDatabase) async throws {
        var body = Data(#"{"name": "Caf"#.utf8)
        body.append(contentsOf: [0xC3, 0x28])  // a broken two-byte sequence
        body.append(contentsOf: Data(#""}"#.utf8))
        try await self.expectRejected(database, body: body, status: .badRequest, code: "invalid_encoding")
    }

    @Test(arguments: TestDatabase.available)
    func aBodyThatIsNotJSONAnswers415(on database: TestDatabase) async throws {
        try await self.expectRejected(
            database, body: Data("name=New".utf8), contentType: "application/x-www-form-urlencoded",
            status: .unsupportedMediaType, code: "unsupported_media_type"
        )
        try await self.expectRejected(
            database, body: Data(#"{"name": "New"}"#.utf8), contentType: nil, status: .unsupportedMediaType,
            code: "unsupported_media_type"
        )
    }

    @Test(arguments: TestDatabase.available)
    func anOversizedBodyAnswers413(on database: TestDatabase) async throws {
        let big = Data(("{\"name\": \"" + String(repeating: "x", count: 4096) + "\"}").utf8)
        try await self.expectRejected(
            database, body: big, configure: { $0.maxRequestBodyBytes = 1024 }, status: .contentTooLarge,
            code: "payload_too_large"
        )
    }

    @Test func anOversizedBodyWithoutContentLengthAnswers413Too() async throws {
        try await withTestApp(.sqlite, configure: { $0.maxRequestBodyBytes = 1024 }) { app, seed in
            let workspace = try await seed.workspace()
            try await app.test(.live) { client in
                // A streamed body: the limit is enforced while reading, not only from Content-Length.
                let big = ByteBuffer(string: "{\"name\": \"" + String(repeating: "x", count: 8192) + "\"}")
                let response = try await client.execute(
                    uri: "/api/v1/workspace", method: .patch,
                    headers: [
                        .authorization: "Bearer \(workspace.apiKey.value)", .contentType: "application/json",
                        .transferEncoding: "chunked",
                    ],
                    body: big
                )
                #expect(response.status == .contentTooLarge)
                #expect(
                    try await WorkspaceStore(database: seed.database.sql).find(workspace.workspace.id)
                        == workspace.workspace)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aValidPatchChangesTheWorkspace(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let workspace = try await seed.workspace()
            try await app.test(.router) { client in
                let response = try await client.send(
                    .patch, "/api/v1/workspace",
                    json: ["name": "Sarah's Homes", "currency": "eur", "timeZone": "Europe/Paris"],
                    key: workspace.apiKey.value
                )
                #expect(response.status == .ok)
                let body = try response.decode(WorkspacesAPI.WorkspaceBody.self)
                #expect(body.name == "Sarah's Homes" && body.currency == "EUR" && body.timeZone == "Europe/Paris")
                let again = try await client.get("/api/v1/workspace", key: workspace.apiKey.value)
                #expect(try again.decode(WorkspacesAPI.WorkspaceBody.self).currency == "EUR")
                let agentChange = try await client.send(
                    .patch, "/api/v1/workspace", json: ["agentId": "someone-else"], key: workspace.apiKey.value
                )
                #expect(agentChange.status == .badRequest)
                #expect(try agentChange.error.error.fields?.first?.field == "agentId")
            }
        }
    }
}
