import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Leadlight

/// The offering catalog in the dashboard, over HTTP (issue 10).
@Suite struct OfferingPagesTests {
    static let product = [
        "type": "PRODUCT", "name": "Staging kit", "price": "19.99", "currency": "USD", "active": "1",
        "sku": "KIT-1", "stockQty": "12", "reorderLevel": "3", "unit": "box", "description": "", "externalId": "",
        "billingPeriod": "", "termMonths": "",
    ]

    @Test(arguments: TestDatabase.available)
    func addOfferingStoresExactlyWhatWasTypedAndRefusesATakenSku(on database: TestDatabase) async throws {
        try await withTestApp(database) { app, seed in
            let workspace = try await seed.workspace()
            let key = workspace.apiKey.value
            try await app.test(.router) { client in
                var browser = DashboardClient(client)
                try await browser.signIn(workspace.owner.email)
                let form = try await browser.get("/offerings/new")
                #expect(form.text.contains(#"name="sku""#))
                #expect(form.text.contains(#"value="USD""#), "the workspace's currency is the default")

                let bad = try await browser.post(
                    "/offerings", Self.product.merging(["price": "19.99999", "name": "", "stockQty": "many"]) { $1 })
                #expect(bad.status == .unprocessableContent)
                for field in ["price", "name", "stockQty"] {
                    #expect(bad.text.contains(#"id="e-\#(field)""#), "\(field)")
                }
                #expect(bad.text.contains(#"value="19.99999""#))
                #expect(bad.text.contains(#"value="KIT-1""#))

                let added = try await browser.post("/offerings", Self.product)
                #expect(added.status == .seeOther)
                let id = String(
                    try #require(added.headers[.location]).dropFirst("/offerings/".count).prefix { $0 != "?" })
                let api = try await client.send(.get, "/api/v1/products/\(id)", json: [:], key: key)
                #expect(api.text.contains(#""price":19.99"#))
                #expect(try api.json["sku"] as? String == "KIT-1")
                #expect(try api.json["unit"] as? String == "box")

                // a second "Add" with the same sku is a new offering the catalog cannot take, not an update
                let again = try await browser.post("/offerings", Self.product.merging(["name": "Other"]) { $1 })
                #expect(again.status == .unprocessableContent)
                #expect(again.text.contains("KIT-1 is another offering"))
                #expect(
                    try await client.send(.get, "/api/v1/products/\(id)", json: [:], key: key).json["name"] as? String
                        == "Staging kit")

                // a service with neither sku nor externalId; the product fields the no-script form shows are left out
                let service = try await browser.post(
                    "/offerings",
                    Self.product.merging(["type": "SERVICE", "name": "Home staging", "price": "250"]) { $1 })
                #expect(service.status == .seeOther)
                let list = try await browser.get("/offerings")
                #expect(list.text.contains("Home staging"))
                #expect(list.text.contains("USD 19.99"))
                let services = try await browser.get("/offerings?type=SERVICE")
                #expect(services.text.contains("Home staging"))
                #expect(!services.text.contains("Staging kit"))
                #expect(try await browser.get("/offerings?q=kit-1").text.contains("Staging kit"))
                #expect(!(try await browser.get("/offerings?active=false").text.contains("Staging kit")))

                let subscription = try await browser.post(
                    "/offerings",
                    Self.product.merging(["type": "SUBSCRIPTION", "name": "Listing boost", "sku": ""]) { $1 })
                #expect(subscription.status == .unprocessableContent)
                #expect(subscription.text.contains(#"id="e-billingPeriod""#))
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func anOfferingIsEditedDeletedOnlyWhenConfirmedAndHiddenFromOtherWorkspaces(on database: TestDatabase)
        async throws
    {
        try await withTestApp(database) { app, seed in
            let workspace = try await seed.workspace()
            let other = try await seed.workspace()
            let key = workspace.apiKey.value
            try await app.test(.router) { client in
                let id = try await client.create(
                    "/api/v1/products", ["name": "Kit", "sku": "K-1", "price": "5"], idKey: "id", key: key)
                _ = try await client.create(
                    "/api/v1/products", ["name": "Sign", "sku": "S-1", "price": "5"], idKey: "id", key: key)
                let theirs = try await client.create(
                    "/api/v1/products", ["name": "Theirs", "sku": "T-1"], idKey: "id", key: other.apiKey.value)
                var browser = DashboardClient(client)
                try await browser.signIn(workspace.owner.email)
                #expect(try await browser.get("/offerings/\(id)").text.contains(#"value="K-1""#))

                let edited = try await browser.post(
                    "/offerings/\(id)",
                    Self.product.merging(["name": "Kit v2", "sku": "K-1", "price": "7.5", "active": ""]) {
                        $1
                    }.filter { $0.key != "active" })
                #expect(edited.headers[.location] == "/offerings/\(id)?saved=1")
                let api = try await client.send(.get, "/api/v1/products/\(id)", json: [:], key: key).json
                #expect(api["name"] as? String == "Kit v2")
                #expect(api["active"] as? Bool == false)
                #expect("\(api["price"] ?? "")" == "7.5")

                let taken = try await browser.post("/offerings/\(id)", Self.product.merging(["sku": "S-1"]) { $1 })
                #expect(taken.status == .unprocessableContent)
                #expect(taken.text.contains("S-1 is another offering"))

                let unconfirmed = try await browser.post("/offerings/\(id)/delete", [:])
                #expect(unconfirmed.status == .unprocessableContent)
                #expect(try await client.send(.get, "/api/v1/products/\(id)", json: [:], key: key).status == .ok)
                let deleted = try await browser.post("/offerings/\(id)/delete", ["confirm": "1"])
                #expect(deleted.headers[.location] == "/offerings?deleted=1")
                #expect(try await client.send(.get, "/api/v1/products/\(id)", json: [:], key: key).status == .notFound)

                #expect(try await browser.get("/offerings/\(theirs)").status == .notFound)
                #expect(try await browser.post("/offerings/\(theirs)", Self.product).status == .notFound)
                #expect(try await browser.post("/offerings/\(theirs)/delete", ["confirm": "1"]).status == .notFound)
                #expect(!(try await browser.get("/offerings").text.contains("Theirs")))
            }
        }
    }
}
