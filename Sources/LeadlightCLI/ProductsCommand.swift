import ArgumentParser

/// `leadlight products …`: the offering catalog brought in from outside.
struct ProductsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "products",
        abstract: "Bring offerings in from outside.",
        subcommands: [Import.self]
    )

    /// `leadlight products import FILE.csv --agent-id SLUG`: `POST /api/v1/products/import`, from the command line.
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import offerings from a CSV file, as POST /api/v1/products/import does.",
            discussion: ImportCommandHelp.offerings)

        @OptionGroup var options: ImportOptions
        @Option(help: "hubspot: pull the products of a HubSpot account instead of reading a file.") var from: String?
        @Option(
            name: .customLong("hubspot-token"),
            help: "The HubSpot private app's token (better in LEADLIGHT_HUBSPOT_TOKEN, out of the shell's history).")
        var hubspotToken: String?

        func run() async throws {
            switch self.from?.lowercased() {
            case nil: try await self.options.run(.offerings)
            case "hubspot":
                guard self.options.file == nil else { throw ValidationError("--from hubspot reads no file") }
                try await HubSpotPullCommand(options: self.options, token: self.hubspotToken).run()
            case let other?: throw ValidationError("--from \(other): the one source is hubspot")
            }
        }
    }
}

/// `leadlight clients …`: clients brought in from outside.
struct ClientsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clients",
        abstract: "Bring clients in from outside.",
        subcommands: [Import.self]
    )

    /// `leadlight clients import FILE.csv --agent-id SLUG`: `POST /api/v1/clients/import`, from the command line.
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a client list from a CSV file, as POST /api/v1/clients/import does.",
            discussion: ImportCommandHelp.contacts("client"))

        @OptionGroup var options: ImportOptions

        func run() async throws { try await self.options.run(.clients) }
    }
}

/// What `--help` says of the import commands.
enum ImportCommandHelp {
    static let offerings = """
        The first line names the columns: name, type, sku, externalId, description, price, currency, active, \
        stockQty, reorderLevel, unit, billingPeriod, termMonths (or common names for them, like Product Name, SKU, \
        Unit Price); other columns are left out. Rows are matched by sku, else externalId: importing a file again \
        changes nothing. Exit 0 when no row failed, 1 when some did.
        """

    static func contacts(_ what: String) -> String {
        """
        The first line names the columns (name, email, phone, …, or common names like Full Name, Email Address); \
        other columns are left out. Each row finds its \(what) by email, else by phone: importing a list again \
        makes no \(what) twice. Exit 0 when no row failed, 1 when some did.
        """
    }
}
