import ArgumentParser
import Foundation
import Leadlight

/// `leadlight webhooks …`: a workspace's webhook endpoints and their delivery log, as the API offers them.
struct WebhooksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhooks",
        abstract: "Register, change and remove webhook endpoints; read the delivery log; redeliver; send a test event.",
        subcommands: [
            Create.self, List.self, Update.self, Delete.self, RotateSecret.self, Test.self, Deliveries.self,
            Redeliver.self,
        ]
    )

    /// What every subcommand opens: the database and the workspace named by `--agent-id`.
    struct Context: ParsableArguments {
        @OptionGroup var workspace: KeysCommand.WorkspaceOption
        @Flag(help: "Print JSON, as the API answers.") var json = false
        @OptionGroup var database: DatabaseOptions

        func run<T: Sendable>(
            _ body: @escaping @Sendable (WebhookEndpoints, Workspace.ID) async throws -> T
        ) async throws -> T {
            let configuration = try self.database.configuration()
            let logger = CommandLineSupport.makeLogger(configuration)
            return try await CommandLineSupport.withDatabase(configuration, logger: logger) { database in
                let workspace = try await self.workspace.find(in: database).id
                let endpoints = WebhookEndpoints(
                    database: database, clock: configuration.clock,
                    policy: WebhookTargetPolicy(allowPrivate: configuration.webhooks.allowPrivateTargets)
                )
                return try await body(endpoints, workspace)
            }
        }

        func print(_ value: some Encodable, text: () -> String) throws {
            if self.json { try CommandLineSupport.printJSON(value) } else { CommandLineSupport.printLine(text()) }
        }
    }

    /// The fields of an endpoint given as options, read by the same rules as the API's JSON.
    static func changes(
        url: String?, events: String?, description: String?, enabled: Bool?
    ) throws -> WebhookEndpointChanges {
        var fields: [String: Any] = [:]
        if let url { fields["url"] = url }
        if let events {
            fields["events"] = events.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        if let description { fields["description"] = description }
        if let enabled { fields["enabled"] = enabled }
        let changes = try JSONDecoder().decode(
            WebhookEndpointChanges.self, from: JSONSerialization.data(withJSONObject: fields))
        return changes
    }

    static func line(_ endpoint: WebhooksAPI.EndpointBody) -> String {
        let state = endpoint.enabled ? "enabled" : "disabled: \(endpoint.disabledReason ?? "")"
        return "\(endpoint.id)\t\(endpoint.url)\t\(endpoint.events.joined(separator: ","))\t\(state)"
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register an endpoint; its secret is printed once.")

        @OptionGroup var context: Context
        @Option(help: "Where to POST events: an http(s) URL.") var url: String
        @Option(help: "Events, separated by commas, or * for all.") var events: String = "*"
        @Option(help: "A note to tell endpoints apart.") var description: String?

        func run() async throws {
            let changes = try WebhooksCommand.changes(
                url: self.url, events: self.events, description: self.description, enabled: nil)
            let endpoint = try await self.context.run { endpoints, workspace in
                try await endpoints.register(changes, in: workspace)
            }
            try self.context.print(WebhooksAPI.EndpointWithSecret(endpoint)) {
                "Registered webhook \(endpoint.id) for \(endpoint.url).\nSigning secret (shown only this once): "
                    + endpoint.secret.value
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the workspace's endpoints.")

        @OptionGroup var context: Context

        func run() async throws {
            let endpoints = try await self.context.run { endpoints, workspace in
                try await endpoints.list(in: workspace)
            }
            let bodies = endpoints.map(WebhooksAPI.EndpointBody.init)
            try self.context.print(WebhooksAPI.EndpointList(webhooks: bodies, total: bodies.count)) {
                (["ID\tURL\tEVENTS\tSTATE"] + bodies.map(WebhooksCommand.line)).joined(separator: "\n")
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change an endpoint's URL, events or state.")

        @OptionGroup var context: Context
        @Argument(help: "The endpoint's id.") var id: String
        @Option(help: "A new URL.") var url: String?
        @Option(help: "Events, separated by commas, or * for all.") var events: String?
        @Option(help: "A new note.") var description: String?
        @Flag(help: "Turn the endpoint on again; its waiting deliveries resume.") var enable = false
        @Flag(help: "Turn the endpoint off; events are not queued for it meanwhile.") var disable = false

        func validate() throws {
            if self.enable && self.disable { throw ValidationError("--enable and --disable cannot go together") }
        }

        func run() async throws {
            let enabled: Bool? = self.enable ? true : (self.disable ? false : nil)
            let changes = try WebhooksCommand.changes(
                url: self.url, events: self.events, description: self.description, enabled: enabled)
            let id = WebhookEndpoint.ID(rawValue: self.id)
            let endpoint = try await self.context.run { endpoints, workspace in
                try await endpoints.update(id, with: changes, in: workspace)
            }
            let body = WebhooksAPI.EndpointBody(endpoint)
            try self.context.print(body) { WebhooksCommand.line(body) }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove an endpoint with its pending deliveries and log.")

        @OptionGroup var context: Context
        @Argument(help: "The endpoint's id.") var id: String

        func run() async throws {
            let id = WebhookEndpoint.ID(rawValue: self.id)
            try await self.context.run { endpoints, workspace in try await endpoints.delete(id, in: workspace) }
            try self.context.print(WebhooksAPI.Deleted(id: id)) { "Deleted webhook \(id)." }
        }
    }

    struct RotateSecret: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-secret", abstract: "Give an endpoint a new secret; it is printed once.")

        @OptionGroup var context: Context
        @Argument(help: "The endpoint's id.") var id: String

        func run() async throws {
            let id = WebhookEndpoint.ID(rawValue: self.id)
            let endpoint = try await self.context.run { endpoints, workspace in
                try await endpoints.rotateSecret(id, in: workspace)
            }
            try self.context.print(WebhooksAPI.EndpointWithSecret(endpoint)) {
                "New signing secret for \(id) (shown only this once): \(endpoint.secret.value)"
            }
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send a webhook.test event to one endpoint.")

        @OptionGroup var context: Context
        @Argument(help: "The endpoint's id.") var id: String

        func run() async throws {
            let id = WebhookEndpoint.ID(rawValue: self.id)
            let queued = try await self.context.run { endpoints, workspace in
                try await endpoints.sendTest(id, in: workspace)
            }
            try self.context.print(queued) {
                "Queued test event \(queued.eventId) as delivery \(queued.deliveryId); a running worker sends it."
            }
        }
    }

    struct Deliveries: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The endpoint's delivery log, newest first.")

        @OptionGroup var context: Context
        @Argument(help: "The endpoint's id.") var id: String
        @Option(help: "Only deliveries in this state: pending, delivered or failed.") var state: String?
        @Option(help: "How many (1–200).") var limit: Int = 50

        func run() async throws {
            var parameters = ["limit": "\(self.limit)"]
            if let state { parameters["state"] = state }
            let query = try WebhookDeliveryQuery(validating: parameters)
            let id = WebhookEndpoint.ID(rawValue: self.id)
            let log = try await self.context.run { endpoints, workspace in
                try await endpoints.deliveries(of: id, in: workspace, query: query)
            }
            try self.context.print(log) {
                var lines = ["DELIVERY\tEVENT\tSTATE\tATTEMPTS\tLAST"]
                for delivery in log.deliveries {
                    let last = delivery.lastStatusCode.map(String.init) ?? delivery.lastError ?? "-"
                    lines.append(
                        "\(delivery.id)\t\(delivery.event) \(delivery.eventId)\t\(delivery.state.rawValue)\t"
                            + "\(delivery.attempts)\t\(last)")
                    for attempt in delivery.attemptLog {
                        let outcome = attempt.statusCode.map { "\($0)" } ?? attempt.error ?? ""
                        let retry = attempt.nextRetryAt.map { ", next retry \($0)" } ?? ""
                        lines.append(
                            "  #\(attempt.number) \(attempt.startedAt) \(outcome) in \(attempt.latencyMs) ms\(retry)")
                    }
                }
                return lines.joined(separator: "\n")
            }
        }
    }

    struct Redeliver: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send a delivery's event to its endpoint again.")

        @OptionGroup var context: Context
        @Argument(help: "The endpoint's id.") var id: String
        @Argument(help: "The delivery's id, from `webhooks deliveries`.") var deliveryID: String

        func run() async throws {
            let id = WebhookEndpoint.ID(rawValue: self.id)
            let delivery = WebhookDelivery.ID(rawValue: self.deliveryID)
            let queued = try await self.context.run { endpoints, workspace in
                try await endpoints.redeliver(delivery, of: id, in: workspace)
            }
            try self.context.print(queued) { "Queued event \(queued.eventId) again as delivery \(queued.deliveryId)." }
        }
    }
}
