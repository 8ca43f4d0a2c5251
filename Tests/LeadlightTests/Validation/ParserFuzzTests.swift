import Foundation
import Hummingbird
import HummingbirdCore
import NIOCore
import Testing

@testable import Leadlight

/// Every reader of client input, fed generated input (issue 16): each input either validates or is refused with
/// our own validation error, never traps and never fails another way; and what validates comes back the same
/// when it is read again. `swift test` tries `FuzzInput.iterations` inputs per parser from a fixed seed;
/// `scripts/fuzz.sh` runs many more from fresh seeds. A failure names the seed and the input to replay it.
@Suite(.onAThreadOfItsOwn) struct ParserFuzzTests {
    private static let workspace = Workspace.ID.generate()
    private static let now = Date(timeIntervalSince1970: 1_764_000_000)

    /// Runs `body` on each generated input, recording (not trapping on) any error that is not ours.
    private func fuzz(
        _ stream: String,
        generate: (inout FuzzInput) -> [UInt8],
        _ body: ([UInt8]) throws -> Void
    ) {
        var input = FuzzInput(stream: stream)
        var (accepted, refused) = (0, 0)
        defer {
            // Inputs both sides of the line, or the generator missed what it was written for.
            #expect(accepted * 100 >= FuzzInput.iterations, "\(stream): only \(accepted) inputs validated")
            #expect(refused * 100 >= FuzzInput.iterations, "\(stream): only \(refused) inputs were refused")
        }
        for iteration in 0..<FuzzInput.iterations {
            let bytes = generate(&input)
            do {
                try body(bytes)
                accepted += 1
            } catch is ValidationFailure, is APIError {
                refused += 1  // refused, as it should be
            } catch {
                Issue.record(
                    "\(stream) #\(iteration) (seed \(FuzzInput.seed)): \(error) for \(String(decoding: bytes, as: UTF8.self))"
                )
            }
        }
    }

    /// A body as JSON: a well-formed object over the real fields, or the same with bytes broken.
    private static func body(
        _ input: inout FuzzInput,
        fields: [String: FuzzInput.FieldKind],
        required: Set<String> = []
    ) -> [UInt8] {
        let object = input.jsonObject(fields: fields, required: required)
        switch input.int(0...9) {
        case 0: return input.mutated(object)
        case 1: return Array(input.jsonValue().utf8)
        default: return Array(object.utf8)
        }
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ bytes: [UInt8]) throws -> T {
        try Request.decodeJSON(as: T.self, from: ByteBuffer(bytes: bytes))
    }

    // MARK: Values

    @Test func moneyIsExactOrRefusedNamingTheField() {
        self.fuzz("money", generate: { Array($0.numberText().utf8) }) { bytes in
            let text = String(decoding: bytes, as: UTF8.self)
            do {
                let money = try Money(validating: text, field: "price")
                #expect(money.units >= 0 && money.units <= Money.maximumUnits)
                #expect(try Money(validating: money.description, field: "price") == money, "\(text)")
                #expect(try Money(validating: money.decimal, field: "price") == money, "\(text)")
                #expect(Decimal(string: text.trimmingCharacters(in: .whitespaces)) == money.decimal, "\(text)")
            } catch let failure as ValidationFailure {
                #expect(failure.fields.map(\.field) == ["price"])
                throw failure
            }
        }
    }

    /// Numbers reach `Money` through `Decimal`, as JSON numbers do.
    @Test func moneyFromAnyJSONNumberIsExactOrRefused() {
        self.fuzz("money-json", generate: { Array("[\($0.validJSONNumber())]".utf8) }) { bytes in
            guard let decimal = try? Self.decode([Decimal].self, bytes).first else { return }
            let money = try Money(validating: decimal, field: "price")
            #expect(money.decimal == decimal)
        }
    }

    @Test func phoneNumbersValidateOnceAndForAll() {
        self.fuzz("phone", generate: { Array(($0.chance(0.5) ? $0.phoneLike() : $0.text()).utf8) }) { bytes in
            let phone = try PhoneNumber(validating: String(decoding: bytes, as: UTF8.self))
            #expect(try PhoneNumber(validating: phone.text) == phone)
            #expect(phone.digits.allSatisfy(\.isASCII) && (4...20).contains(phone.digits.count))
        }
    }

    @Test func emailAddressesValidateOnceAndForAll() {
        self.fuzz("email", generate: { Array(($0.chance(0.7) ? $0.emailLike() : $0.text()).utf8) }) { bytes in
            let email = try TextRules.email(String(decoding: bytes, as: UTF8.self))
            #expect(try TextRules.email(email) == email)
        }
    }

    @Test func requiredTextIsTrimmedAndBounded() {
        self.fuzz("text", generate: { Array($0.text(maxLength: 30).utf8) }) { bytes in
            let text = try TextRules.required(String(decoding: bytes, as: UTF8.self), field: "name", maxLength: 20)
            #expect(!text.isEmpty && text.count <= 20)
            // no control character but tab and line breaks: a NUL once cut stored text short
            #expect(
                !text.unicodeScalars.contains {
                    $0.properties.generalCategory == .control && !"\t\n\r".unicodeScalars.contains($0)
                })
            #expect(try TextRules.required(text, field: "name", maxLength: 20) == text)
        }
    }

    // MARK: Query parameters

    @Test func everyListsQueryParametersAreReadOrRefused() {
        let names = [
            "limit", "offset", "status", "minPrice", "maxPrice", "minBedrooms", "buyingStage", "type", "sku",
            "externalId", "active", "q", "archived", "updatedSince", "clientId", "listingId", "event", "after",
            "before", "x",
        ]
        self.fuzz(
            "query",
            generate: { input in
                let pairs = (0..<input.int(0...4)).map { _ in
                    let value =
                        input.chance(0.5)
                        ? input.numberText()
                        : input.chance(0.3)
                            ? input.text()
                            : input.pick([
                                "new", "Active", "true", "false", "Under Contract", "PRODUCT", "% _", "",
                                "lead.created", "Lead.Created, client.created", "lead.created,",
                                "evt_K4lZ7xC1vB5nM8qW2eRt",
                            ])
                    let escaped = value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                    return "\(input.pick(names))=\(input.chance(0.9) ? escaped : value)"
                }
                return Array(("/x?" + pairs.joined(separator: "&")).utf8)
            }
        ) { bytes in
            let parameters = URI(String(decoding: bytes, as: UTF8.self)).queryParameters
            _ = try? LeadQuery(validating: parameters)
            _ = try? ClientQuery(validating: parameters)
            _ = try? ShowingQuery(validating: parameters)
            _ = try? OfferingQuery(validating: parameters)
            _ = try? WebhookDeliveryQuery(validating: parameters)
            if let events = try? EventQuery(validating: parameters) {
                #expect((1...200).contains(events.limit))
                #expect(events.types.isEmpty || parameters.get("type") != nil)
            }
            if let search = (try? LeadQuery(validating: parameters))?.search {
                // what q looks for is never blank, and its LIKE pattern escapes every wildcard it holds
                #expect(!search.text.isEmpty && search.text.count <= 100)
                let inner = search.pattern.dropFirst().dropLast()
                #expect(
                    !inner.replacingOccurrences(of: "\\\\", with: "").replacingOccurrences(of: "\\%", with: "")
                        .replacingOccurrences(of: "\\_", with: "").contains { $0 == "%" || $0 == "_" })
            }
            let listings = try ListingQuery(validating: parameters)
            #expect((1...200).contains(listings.limit) && listings.offset >= 0)
        }
    }

    // MARK: Bodies

    @Test func noteBodiesValidateOrNameTheirBadFields() {
        self.fuzz("note", generate: { Self.body(&$0, fields: ["text": .text(maxLength: 5000)], required: ["text"]) }) {
            bytes in
            let text = try TextRules.required(
                try Self.decode(NotesAPI.NewNote.self, bytes).requiredText(), field: "text", maxLength: Note.maxLength)
            #expect(!text.isEmpty && text.count <= Note.maxLength)
        }
    }

    @Test func leadBodiesValidateOrNameTheirBadFields() {
        let fields: [String: FuzzInput.FieldKind] = [
            "name": .text(maxLength: 200), "email": .email, "phone": .phone, "source": .text(maxLength: 100),
            "propertyAddress": .text(maxLength: 500), "notes": .text(maxLength: 5000),
            "status": .oneOf(LeadStatus.allCases.map(\.rawValue)),
        ]
        self.fuzz("lead", generate: { Self.body(&$0, fields: fields, required: ["name"]) }) { bytes in
            let lead = try Self.decode(LeadChanges.self, bytes).makeLead(
                id: .generate(), in: Self.workspace, at: Self.now)
            // Sending back what was stored changes nothing.
            var sent: [String: Any] = ["name": lead.name, "status": lead.status.rawValue]
            sent["email"] = lead.email
            sent["phone"] = lead.phone?.text
            sent["source"] = lead.source
            sent["propertyAddress"] = lead.propertyAddress
            sent["notes"] = lead.notes
            let again = try Self.decode(LeadChanges.self, Array(try JSONSerialization.data(withJSONObject: sent)))
            #expect(try again.applied(to: lead) == lead)
        }
    }

    /// A visitor's form reaches `LeadChanges` as texts, not JSON: every body of strings must read the same both
    /// ways, the same lead or the same errors.
    @Test func leadTextsReadAsTheSameJSONBodyReads() {
        let fields: [String: FuzzInput.FieldKind] = [
            "name": .text(maxLength: 200), "email": .email, "phone": .phone, "source": .text(maxLength: 100),
            "propertyAddress": .text(maxLength: 500), "notes": .text(maxLength: 5000),
            "status": .oneOf(LeadStatus.allCases.map(\.rawValue)),
        ]
        self.fuzz("lead-texts", generate: { Self.body(&$0, fields: fields, required: ["name"]) }) { bytes in
            // only bodies of texts, each a lead's field, as a form sends them
            guard let object = try? JSONDecoder().decode([String: String].self, from: Data(bytes)),
                object.keys.allSatisfy(fields.keys.contains)
            else { throw ValidationFailure(field: "body", message: "is not a lead's texts") }
            let texts = object.map { (field: $0.key, text: $0.value) }
            let id = Lead.ID.generate()
            func outcome(_ changes: LeadChanges) -> Result<Lead, ValidationFailure> {
                Result { try changes.makeLead(id: id, in: Self.workspace, at: Self.now) }
                    .mapError { $0 as? ValidationFailure ?? ValidationFailure(field: "?", message: "\($0)") }
            }
            let fromJSON = outcome(try Self.decode(LeadChanges.self, bytes))
            let fromTexts = outcome(LeadChanges(texts: texts))
            switch (fromJSON, fromTexts) {
            case (.success(let json), .success(let text)): #expect(json == text)
            case (.failure(let json), .failure(let text)):
                let byField = { (failure: ValidationFailure) in failure.fields.sorted { $0.field < $1.field } }
                #expect(byField(json) == byField(text), "\(object)")
                throw json
            default: Issue.record("read differently: \(fromJSON) and \(fromTexts) for \(object)")
            }
        }
    }

    @Test func clientBodiesValidateOrNameTheirBadFields() {
        let fields: [String: FuzzInput.FieldKind] = [
            "name": .text(maxLength: 200), "email": .email, "phone": .phone, "notes": .text(maxLength: 5000),
            "buyingStage": .oneOf(BuyingStage.allCases.map(\.rawValue)),
        ]
        self.fuzz("client", generate: { Self.body(&$0, fields: fields, required: ["name", "email"]) }) { bytes in
            let changes = try Self.decode(ClientChanges.self, bytes)
            let client = try changes.makeClient(id: .generate(), in: Self.workspace, at: Self.now)
            #expect(try changes.applied(to: client, at: Self.now).name == client.name)
        }
    }

    @Test func listingBodiesValidateOrNameTheirBadFields() {
        let fields: [String: FuzzInput.FieldKind] = [
            "address": .text(maxLength: 500), "price": .number, "bedrooms": .number, "bathrooms": .number,
            "sqft": .number, "description": .text(maxLength: 5000),
            "status": .oneOf(ListingStatus.allCases.map(\.rawValue)),
        ]
        self.fuzz("listing", generate: { Self.body(&$0, fields: fields, required: ["address", "price"]) }) { bytes in
            let listing = try Self.decode(ListingChanges.self, bytes)
                .makeListing(id: .generate(), in: Self.workspace, at: Self.now)
            // The answer's body, sent back, is the same listing.
            let body = try LeadlightJSON.encoder().encode(ListingsAPI.ListingBody(listing))
            #expect(try Self.decode(ListingChanges.self, Array(body)).applied(to: listing) == listing)
        }
    }

    @Test func showingBodiesValidateOrNameTheirBadFields() {
        let fields: [String: FuzzInput.FieldKind] = [
            "clientId": .oneOf(["cli_1234567890abcdefghij", "x"]), "listingId": .oneOf(["lst_1234567890abcdefghij"]),
            "preferredTime": .time, "notes": .text(maxLength: 5000),
            "status": .oneOf(ShowingStatus.allCases.map(\.rawValue)),
        ]
        self.fuzz("showing", generate: { Self.body(&$0, fields: fields, required: ["clientId", "listingId"]) }) {
            bytes in
            _ = try Self.decode(ShowingChanges.self, bytes).makeShowing(
                id: .generate(), in: Self.workspace, at: Self.now)
        }
    }

    @Test func offeringRowsValidateOrNameTheirBadFields() {
        let fields: [String: FuzzInput.FieldKind] = [
            "name": .text(maxLength: 200), "type": .oneOf(OfferingType.allCases.map(\.rawValue)),
            "sku": .text(maxLength: 100), "externalId": .text(maxLength: 100), "description": .text(maxLength: 5000),
            "price": .number, "currency": .oneOf(["USD", "EUR", "usd", "XXX"]), "active": .boolean,
            "stockQty": .number, "reorderLevel": .number, "unit": .text(maxLength: 50),
            "billingPeriod": .oneOf(BillingPeriod.allCases.map(\.rawValue)), "termMonths": .number,
        ]
        self.fuzz(
            "offering",
            generate: { input in
                let rows = (0..<input.int(1...3)).map { _ in
                    String(decoding: Self.body(&input, fields: fields), as: UTF8.self)
                }
                return Array((input.chance(0.5) ? rows[0] : "{\"products\": [\(rows.joined(separator: ","))]}").utf8)
            }
        ) { bytes in
            let rows: [OfferingRow]
            switch try Self.decode(OfferingsAPI.UpsertRequest.self, bytes) {
            case .single(let row): rows = [row]
            case .batch(let batch): rows = batch
            }
            for row in rows {
                guard let changes = try? OfferingChanges(validating: row),
                    let offering = try? changes.makeOffering(
                        id: .generate(), in: Self.workspace, defaultCurrency: .usd, at: Self.now)
                else { continue }
                let body = try LeadlightJSON.encoder().encode(OfferingsAPI.OfferingBody(offering))
                let again = try OfferingChanges(validating: try Self.decode(OfferingRow.self, Array(body)))
                var reread = try again.applied(to: offering)
                reread.upsertFingerprint = offering.upsertFingerprint
                #expect(reread == offering)
            }
        }
    }

    @Test func webhookBodiesValidateOrNameTheirBadFields() {
        let fields: [String: FuzzInput.FieldKind] = [
            "url": .oneOf(["https://hooks.example.com/x", "http://127.0.0.1/", "ftp://x", "https://[::1]:99999/"]),
            "events": .strings(EventType.allCases.map(\.rawValue)), "description": .text(maxLength: 500),
            "enabled": .boolean,
        ]
        self.fuzz("webhook", generate: { Self.body(&$0, fields: fields, required: ["url", "events"]) }) { bytes in
            _ = try Self.decode(WebhookEndpointChanges.self, bytes)
                .makeEndpoint(id: .generate(), in: Self.workspace, at: Self.now)
        }
    }

    @Test func workspaceAndKeyBodiesAreReadOrRefused() {
        let fields: [String: FuzzInput.FieldKind] = [
            "name": .text(maxLength: 200), "currency": .oneOf(["USD", "eur", "XXX"]),
            "timeZone": .oneOf(["UTC", "Europe/Paris", "Mars/Olympus"]), "agentId": .text(maxLength: 40),
        ]
        self.fuzz("workspace", generate: { Self.body(&$0, fields: fields) }) { bytes in
            let body = try Self.decode(WorkspacesAPI.UpdateWorkspace.self, bytes)
            if let name = body.name { _ = try TextRules.required(name, field: "name", maxLength: 200) }
            if let currency = body.currency { _ = try CurrencyCode(validating: currency) }
            if let zone = body.timeZone { _ = try WorkspaceDraft.validTimeZone(zone) }
            if let agent = body.agentId { _ = try AgentID(validating: agent) }
            _ = try Self.decode(APIKeysAPI.CreateKey.self, bytes)
        }
    }
}
