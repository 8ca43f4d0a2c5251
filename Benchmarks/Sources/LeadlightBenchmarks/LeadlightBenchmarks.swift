import Foundation
import Leadlight
import Logging

/// `leadlight-bench`: measures a release build of `leadlight serve` against a ceiling measured in the same run.
///
///     leadlight-bench products [--postgres-url URL] [--batches 10] [--rounds 3]
///     leadlight-bench leads [--postgres-url URL] [--seconds 10]
///     leadlight-bench webhooks [--postgres-url URL]
///     leadlight-bench dashboard [--seconds 10]
///     leadlight-bench public-site [--seconds 10]
///     leadlight-bench core [--postgres-url URL] [--seconds 6] [--batches 10]
///     leadlight-bench mcp [--seconds 10]
///     leadlight-bench import [--postgres-url URL] [--rows 100000] [--big-rows 1000000]
///     leadlight-bench seed --database-url URL
///
/// `seed` fills a database as the core benchmark does (a workspace, 10,000 leads, 2,000 clients) and prints its
/// API key, for profiling a server by hand (docs/DEVELOPMENT.md).
///
/// Prints a Markdown report. `scripts/bench-products.sh` builds, starts PostgreSQL and runs it.
@main
struct LeadlightBenchmarks {
    static func main() async throws {
        var arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "webhooks" {
            let postgresURL = arguments.firstIndex(of: "--postgres-url").map { arguments[$0 + 1] }
            print(try await WebhooksBenchmark(postgresURL: postgresURL).run())
            return
        }
        if arguments.first == "core" {
            let postgresURL = arguments.firstIndex(of: "--postgres-url").map { arguments[$0 + 1] }
            let seconds = arguments.firstIndex(of: "--seconds").flatMap { Int(arguments[$0 + 1]) } ?? 6
            let batches = arguments.firstIndex(of: "--batches").flatMap { Int(arguments[$0 + 1]) } ?? 10
            print(try await CoreBenchmark(postgresURL: postgresURL, seconds: seconds, batches: batches).run())
            return
        }
        if arguments.first == "seed", let url = arguments.firstIndex(of: "--database-url").map({ arguments[$0 + 1] }) {
            let key = try LeadsBenchmark.createWorkspace(url)
            try await LeadsBenchmark.seedLeads(url)
            try await DashboardBenchmark.seedClients(url)
            print(key)
            return
        }
        if arguments.first == "import" {
            let postgresURL = arguments.firstIndex(of: "--postgres-url").map { arguments[$0 + 1] }
            let rows = arguments.firstIndex(of: "--rows").flatMap { Int(arguments[$0 + 1]) } ?? 100_000
            let bigRows = arguments.firstIndex(of: "--big-rows").flatMap { Int(arguments[$0 + 1]) } ?? 1_000_000
            print(try await ImportBenchmark(postgresURL: postgresURL, rows: rows, bigRows: bigRows).run())
            return
        }
        if arguments.first == "mcp" {
            let seconds = arguments.firstIndex(of: "--seconds").flatMap { Int(arguments[$0 + 1]) } ?? 10
            print(try await MCPBenchmark(seconds: seconds).run())
            return
        }
        if arguments.first == "public-site" {
            let seconds = arguments.firstIndex(of: "--seconds").flatMap { Int(arguments[$0 + 1]) } ?? 10
            print(try await PublicSiteBenchmark(seconds: seconds).run())
            return
        }
        if arguments.first == "dashboard" {
            let seconds = arguments.firstIndex(of: "--seconds").flatMap { Int(arguments[$0 + 1]) } ?? 10
            print(try await DashboardBenchmark(seconds: seconds).run())
            return
        }
        if arguments.first == "leads" {
            let postgresURL = arguments.firstIndex(of: "--postgres-url").map { arguments[$0 + 1] }
            let seconds = arguments.firstIndex(of: "--seconds").flatMap { Int(arguments[$0 + 1]) } ?? 10
            print(try await LeadsBenchmark(postgresURL: postgresURL, seconds: seconds).run())
            return
        }
        guard arguments.first == "products" else {
            FileHandle.standardError.write(
                Data(
                    "usage: leadlight-bench products|leads|webhooks|dashboard|public-site|core|mcp|import|seed [--postgres-url URL] [--batches N] [--rounds N] [--seconds N]\n"
                        .utf8))
            exit(2)
        }
        arguments.removeFirst()
        var postgresURL: String?
        var batches = 10
        var rounds = 3
        while !arguments.isEmpty {
            let flag = arguments.removeFirst()
            guard let value = arguments.first else { break }
            arguments.removeFirst()
            switch flag {
            case "--postgres-url": postgresURL = value
            case "--batches": batches = Int(value) ?? batches
            case "--rounds": rounds = Int(value) ?? rounds
            default: break
            }
        }
        var report = ProductsBenchmark.Report()
        try await ProductsBenchmark(database: .sqlite, batches: batches, rounds: rounds).run(into: &report)
        if let postgresURL {
            try await ProductsBenchmark(database: .postgres(adminURL: postgresURL), batches: batches, rounds: rounds)
                .run(into: &report)
        }
        print(report.markdown(batches: batches, rounds: rounds))
    }
}
