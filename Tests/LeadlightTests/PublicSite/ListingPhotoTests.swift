import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Leadlight

/// A listing's photo (issue 11, "photo where set"): uploaded on the listing's dashboard page, checked by its
/// bytes, shown on the public listings page and the listing's own page, and served only while the listing is
/// one of the agent's active ones.
@Suite struct ListingPhotoTests {
    @Test(arguments: TestDatabase.available)
    func aPhotoUploadedInTheDashboardIsShownOnTheSiteWhileTheListingIsActive(on database: TestDatabase)
        async throws
    {
        try await PublicSiteFixture.run(database) { site, client in
            let listing = try await client.create(
                "/api/v1/listings", ["address": "12 Harbour Rd", "price": 750_000, "bedrooms": 3], idKey: "listingId",
                key: site.key)
            var visitor = VisitorClient(client)
            let photoPath = "\(site.path)/listings/\(listing)/photo"
            #expect(!(try await visitor.get("\(site.path)/listings")).text.contains("listing-photo"))
            #expect(try await visitor.get(photoPath).status == .notFound, "no photo yet")

            var agent = DashboardClient(client)
            try await agent.signIn(site.workspace.owner.email)
            let page = try await agent.get("/listings/\(listing)")
            #expect(page.text.contains("No photo yet"))
            #expect(page.text.contains(#"enctype="multipart/form-data""#))

            // bad files name the field, keep the page and store nothing
            let notImage = try await agent.postMultipart(
                "/listings/\(listing)/photo", [:], files: [("photo", "house.jpg", Data("<html>".utf8))])
            #expect(notImage.status == .unprocessableContent)
            #expect(notImage.text.contains(#"id="e-photo">must be a JPEG, PNG or WebP image"#))
            let tooBig = try await agent.postMultipart(
                "/listings/\(listing)/photo", [:],
                files: [("photo", "house.jpg", Data([0xFF, 0xD8, 0xFF]) + Data(count: 2 * 1024 * 1024))])
            #expect(tooBig.text.contains(#"id="e-photo">must be at most 2 MB"#))
            let none = try await agent.postMultipart("/listings/\(listing)/photo", [:], files: [])
            #expect(none.status == .unprocessableContent)
            #expect(none.text.contains(#"id="e-photo">is required"#))
            #expect(try await visitor.get(photoPath).status == .notFound, "nothing was stored")

            let saved = try await agent.postMultipart(
                "/listings/\(listing)/photo", [:], files: [("photo", "front.png", PNG.onePixel)])
            #expect(saved.status == .seeOther)
            #expect(saved.headers[.location] == "/listings/\(listing)?photo=saved")
            let shown = try await agent.get("/listings/\(listing)?photo=saved")
            #expect(shown.text.contains("Photo saved"))
            #expect(shown.text.contains(#"<img src="/listings/\#(listing)/photo" alt="Photo of 12 Harbour Rd""#))
            let inDashboard = try await agent.get("/listings/\(listing)/photo")
            #expect(inDashboard.headers[.contentType] == "image/png")
            #expect(Data(buffer: inDashboard.body) == PNG.onePixel)

            // the site shows it on the card and the listing's page, at an address that changes with each upload
            let cards = try await visitor.get("\(site.path)/listings")
            let src = try #require(cards.text.firstMatch(of: /<img src="([^"]+)" alt="Photo of 12 Harbour Rd"/))
            #expect(src.output.1.hasPrefix(photoPath + "?v="))
            #expect((try await visitor.get(site.path)).text.contains(String(src.output.1)), "and on the agent's page")
            #expect((try await visitor.get("\(site.path)/listings/\(listing)")).text.contains(String(src.output.1)))
            let served = try await visitor.get(String(src.output.1))
            #expect(served.status == .ok)
            #expect(served.headers[.contentType] == "image/png")
            #expect(Data(buffer: served.body) == PNG.onePixel)
            #expect(try await site.events().map(\.type) == [.listingCreated], "a photo announces nothing")

            // a sold listing's photo is not served; active again, it is
            _ = try await client.send(.patch, "/api/v1/listings/\(listing)", json: ["status": "sold"], key: site.key)
            #expect(try await visitor.get(photoPath).status == .notFound)
            _ = try await client.send(.patch, "/api/v1/listings/\(listing)", json: ["status": "active"], key: site.key)
            #expect(try await visitor.get(photoPath).status == .ok)

            // removed, it is gone from the site and the dashboard
            _ = try await agent.get("/listings/\(listing)")
            let removed = try await agent.post("/listings/\(listing)/photo/remove", [:])
            #expect(removed.headers[.location] == "/listings/\(listing)?photo=removed")
            #expect(try await visitor.get(photoPath).status == .notFound)
            #expect(!(try await visitor.get("\(site.path)/listings")).text.contains("listing-photo"))
            #expect((try await agent.get("/listings/\(listing)")).text.contains("No photo yet"))
        }
    }

    @Test(arguments: TestDatabase.available)
    func anotherWorkspacesListingTakesNoPhotoAndShowsNone(on database: TestDatabase) async throws {
        try await PublicSiteFixture.run(database) { site, client in
            let other = try await site.seed.workspace()
            let theirs = try await client.create(
                "/api/v1/listings", ["address": "4 Elsewhere", "price": 1], idKey: "listingId", key: other.apiKey.value)
            var owner = DashboardClient(client)
            try await owner.signIn(other.owner.email)
            _ = try await owner.get("/listings/\(theirs)")
            #expect(
                try await owner.postMultipart(
                    "/listings/\(theirs)/photo", [:], files: [("photo", "a.png", PNG.onePixel)]
                ).status == .seeOther)

            var agent = DashboardClient(client)
            try await agent.signIn(site.workspace.owner.email)
            _ = try await agent.get("/listings")
            let upload = try await agent.postMultipart(
                "/listings/\(theirs)/photo", [:], files: [("photo", "b.png", PNG.onePixel)])
            #expect(upload.status == .notFound)
            #expect(try await agent.get("/listings/\(theirs)/photo").status == .notFound)
            #expect(try await agent.post("/listings/\(theirs)/photo/remove", [:]).status == .notFound)
            var visitor = VisitorClient(client)
            #expect(try await visitor.get("\(site.path)/listings/\(theirs)/photo").status == .notFound)
            let theirPath = "/a/\(other.workspace.agentID.rawValue)/listings/\(theirs)/photo"
            #expect(try await visitor.get(theirPath).status == .ok, "their photo stays theirs")
        }
    }
}
