import ArgumentParser

/// `leadlight`: the self-hosted CRM server for agents, and the tools to run it.
@main
struct LeadlightCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leadlight",
        abstract: "A self-hosted CRM server for agents.",
        subcommands: [
            ServeCommand.self, WorkerCommand.self, MigrateCommand.self, WorkspaceCommand.self, KeysCommand.self,
            WebhooksCommand.self, ProductsCommand.self, LeadsCommand.self, ClientsCommand.self, BackupCommand.self,
            MCPCommand.self,
        ],
        defaultSubcommand: nil
    )
}
