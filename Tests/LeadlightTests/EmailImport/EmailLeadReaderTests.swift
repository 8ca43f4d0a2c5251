import Foundation
import Testing

@testable import Leadlight

/// Reading leads out of emails (issue 11, email import): each portal's lead notification, a web form's email,
/// a person writing, each email service's shape, and the mail that holds no lead, skipped with its reason.
@Suite struct EmailLeadReaderTests {
    private func lead(_ fixture: EmailFixture) throws -> EmailLead {
        let (body, contentType) = try fixture.posted
        let reading = EmailLeadReader.read(try InboundEmail(body: body, contentType: contentType).message)
        guard case .lead(let lead) = reading else {
            Issue.record("\(fixture.rawValue): \(reading)")
            throw CancellationError()
        }
        return lead
    }

    private func skipReason(_ fixture: EmailFixture) throws -> String? {
        guard case .skipped(let reason) = EmailLeadReader.read(try fixture.message) else { return nil }
        return reason
    }

    @Test func aZillowLeadIsThePersonInTheReplyToWithTheHomeAndItsListing() throws {
        let lead = try self.lead(.zillow)
        #expect(lead.source == "zillow")
        #expect(lead.name == "Maria González")
        #expect(lead.email == "maria.gonzalez@example.net")
        #expect(lead.phone == "(512) 555-0148")
        #expect(lead.propertyAddress == "1842 Larkspur Lane, Austin, TX 78704")
        #expect(
            lead.listingLink == "https://www.zillow.com/homedetails/1842-Larkspur-Ln-Austin-TX-78704/29384756_zpid/")
        #expect(lead.message == "Hi, I'd like to see this home this weekend. Is Saturday morning possible?")
    }

    @Test func aRealtorComLeadInLatin1WithFirstAndLastNameAndCommentsOnTheNextLine() throws {
        let lead = try self.lead(.realtor)
        #expect(lead.source == "realtor.com")
        #expect(lead.name == "Jürgen Okafor")
        #expect(lead.email == "jurgen.okafor@example.com")
        #expect(lead.phone == "737-555-0192")
        #expect(lead.propertyAddress == "77 Cedar Bend Dr, Round Rock, TX 78664")
        #expect(
            lead.listingLink
                == "https://www.realtor.com/realestateandhomes-detail/77-Cedar-Bend-Dr_Round-Rock_TX_78664_M70512-38811"
        )
        #expect(lead.message == "We are relocating in March and would like a tour.")
    }

    @Test func aHomesComLeadWrittenAsABase64HTMLTable() throws {
        let lead = try self.lead(.homes)
        #expect(lead.source == "homes.com")
        #expect(lead.name == "Priya & Sam Raman")
        #expect(lead.email == "priya.raman@example.org")
        #expect(lead.phone == "+1 (415) 555-0137")
        #expect(lead.propertyAddress == "410 Bayview Terrace #3, San Francisco, CA 94124")
        #expect(lead.listingLink?.hasPrefix("https://www.homes.com/property/410-bayview-ter") == true)
        #expect(lead.message == "Is the HOA fee included in the price? We'd love a showing.")
    }

    @Test func aWebFormsEmailIsAnEmailLeadOfTheFormsFieldsNotOfTheFormsSender() throws {
        let lead = try self.lead(.webform)
        #expect(lead.source == "email")
        #expect(lead.name == "Tom Becker")
        #expect(lead.email == "tom.becker@example.com")
        #expect(lead.phone == "555 201 8890")
        #expect(lead.message == "Looking for a 3 bedroom house near good schools, budget around 650k.")
        #expect(lead.propertyAddress == nil)
    }

    @Test func aPersonWritingInPlainWordsIsALeadFromTheirOwnAddressWithoutTheQuotedReply() throws {
        let lead = try self.lead(.person)
        #expect(lead.source == "email")
        #expect(lead.name == "Lena Fischer")
        #expect(lead.email == "lena.fischer@example.com")
        #expect(lead.phone == nil)
        let message = try #require(lead.message)
        #expect(message.contains("will you hold another open house on Elm Street?"))
        #expect(!message.contains("Thanks for your interest"), "the quoted reply is not the lead's message")
    }

    @Test func postmarksInboundJSONAndSendGridsParsedFieldsAreReadAsTheirMessages() throws {
        let grace = try self.lead(.postmark)
        #expect(grace.name == "Grace Ho")
        #expect(grace.email == "grace.ho@example.com")
        #expect(grace.phone == "206-555-0175")
        #expect(grace.propertyAddress == "5120 Fremont Ave N, Seattle, WA 98103")
        #expect(grace.message == "What could my house sell for this spring?")
        let postmark = try InboundEmail(body: try EmailFixture.postmark.bytes, contentType: "application/json")
        #expect(postmark.format == .postmark)
        #expect(postmark.message.messageID == "valuation-7781@sunrise-homes.example.com", "the Message-ID header")

        let andre = try self.lead(.sendgrid)
        #expect(andre.name == "André Silva", "the text field read in the charset SendGrid names")
        #expect(andre.email == "andre.silva@example.com")
        #expect(andre.phone == "555-010-4421")
        let sendgrid = try InboundEmail(
            body: try EmailFixture.sendgrid.bytes, contentType: try EmailFixture.sendgrid.posted.contentType)
        #expect(sendgrid.format == .sendgrid)
        #expect(sendgrid.message.messageID == "buy-3318@sunrise-homes.example.com")
        #expect(sendgrid.message.subject == "New submission from Buy With Us")
    }

    @Test func sendGridsRawMIMEShapeIsReadAsTheWholeMessage() throws {
        let (body, contentType) = try EmailFixture.sendGridRaw(.zillow)
        let email = try InboundEmail(body: body, contentType: contentType)
        #expect(email.format == .sendgrid)
        guard case .lead(let lead) = EmailLeadReader.read(email.message) else {
            Issue.record("no lead")
            return
        }
        #expect(lead.source == "zillow")
        #expect(lead.email == "maria.gonzalez@example.net")
        #expect(email.message.messageID == "20261201140209.7f3a2b@mail.zillow.com")
    }

    @Test func mailThatHoldsNoLeadIsSkippedWithAReasonTheAgentCanRead() throws {
        #expect(try self.skipReason(.autoreply) == "an automatic message (Auto-Submitted: auto-replied)")
        #expect(try self.skipReason(.newsletter) == "a newsletter or mailing-list message")
        let bounce = try EmailMessage(
            raw: Array(
                ("From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\r\nSubject: Undelivered Mail\r\n"
                    + "Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n"
                    + "--b\r\nContent-Type: text/plain\r\n\r\nCould not deliver.\r\n--b--\r\n").utf8)[...])
        guard case .skipped(let reason) = EmailLeadReader.read(bounce) else {
            Issue.record("a bounce is not a lead")
            return
        }
        #expect(reason.contains("delivery"))
        let empty = try EmailMessage(
            raw: Array("From: Zillow <no-reply@mail.zillow.com>\r\nSubject: New Contact\r\n\r\nNew Contact\r\n".utf8)[
                ...])
        #expect(
            EmailLeadReader.read(empty) == .skipped("no email address or phone number of a person in the message"),
            "a portal's own address is never the lead's")
    }

    @Test func aMessageWithoutAFromOrWithABrokenBodyIsRefusedNotGuessed() throws {
        #expect(throws: InboundEmailRejected.self) {
            try InboundEmail(body: Array("Subject: hi\r\n\r\nName: A\r\n".utf8), contentType: "message/rfc822")
        }
        #expect(throws: InboundEmailRejected.self) {
            try InboundEmail(body: Array(#"{"Subject": "no from"}"#.utf8), contentType: "application/json")
        }
        #expect(throws: InboundEmailRejected.self) {
            try InboundEmail(body: Array("{not json".utf8), contentType: "application/json")
        }
        #expect(throws: InboundEmailRejected.self) {
            try InboundEmail(body: try EmailFixture.sendgrid.bytes, contentType: "multipart/form-data")
        }
        #expect(throws: InboundEmailRejected.unsupportedType("text/plain")) {
            try InboundEmail(body: Array("hello".utf8), contentType: "text/plain")
        }
    }

    @Test func anEmailLeadMeetsTheAPIsRulesAndKeepsWhatItCouldNotUseInTheNotes() throws {
        let lead = EmailLead(
            name: "Sam", email: "not-an-address", phone: "555 010 9999", propertyAddress: nil,
            listingLink: "https://www.zillow.com/homedetails/1/", message: "Call me", source: "zillow")
        let changes = try EmailImportOperations.changes(for: lead, subject: "New Contact", format: .rfc822)
        #expect(changes.email.value == nil)
        #expect(changes.phone.value != nil)
        #expect(changes.source.value == "zillow")
        let notes = try #require(changes.notes.value)
        #expect(notes.contains("Call me"))
        #expect(notes.contains("Listing: https://www.zillow.com/homedetails/1/"))
        #expect(notes.contains("email as written: not-an-address"))
        #expect(notes.contains("the zillow lead email “New Contact”"))

        let unreachable = EmailLead(
            name: "Sam", email: "nope", phone: nil, propertyAddress: nil, listingLink: nil, message: nil,
            source: "email")
        #expect(throws: ValidationFailure.self) {
            try EmailImportOperations.changes(for: unreachable, subject: "x", format: .rfc822)
        }
    }
}
