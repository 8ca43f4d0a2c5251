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

        func run() async throws { try await self.options.run(.offerings) }
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
