import Foundation
import Hummingbird

/// Bodies for `/api/v1/leads`, exactly as seeds/001 spells them. JSON keys are a contract; never rename one.
package enum LeadsAPI {
    /// `{"success": true, "leadId": "…"}`
    package struct Created: ResponseCodable, Equatable {
        package var success = true
        package var leadId: Lead.ID
    }

    /// A lead as the API shows it; every field is present, null when empty.
    package struct LeadBody: ResponseCodable, Equatable {
        package var id: Lead.ID
        package var name: String
        package var email: String?
        package var phone: String?
        package var source: String?
        package var propertyAddress: String?
        package var notes: String?
        package var status: LeadStatus
        /// The client the lead was converted into; null until then.
        package var clientId: Client.ID?
        package var createdAt: Date
        package var updatedAt: Date
        /// When it was archived; null while it is in use.
        package var archivedAt: Date?

        package init(_ lead: Lead) {
            self.id = lead.id
            self.name = lead.name
            self.email = lead.email
            self.phone = lead.phone?.text
            self.source = lead.source
            self.propertyAddress = lead.propertyAddress
            self.notes = lead.notes
            self.status = lead.status
            self.clientId = lead.clientID
            self.createdAt = lead.createdAt
            self.updatedAt = lead.updatedAt
            self.archivedAt = lead.archivedAt
        }

        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.id, forKey: .id)
            try container.encode(self.name, forKey: .name)
            try container.encode(self.email, forKey: .email)
            try container.encode(self.phone, forKey: .phone)
            try container.encode(self.source, forKey: .source)
            try container.encode(self.propertyAddress, forKey: .propertyAddress)
            try container.encode(self.notes, forKey: .notes)
            try container.encode(self.status, forKey: .status)
            try container.encode(self.clientId, forKey: .clientId)
            try container.encode(self.createdAt, forKey: .createdAt)
            try container.encode(self.updatedAt, forKey: .updatedAt)
            try container.encode(self.archivedAt, forKey: .archivedAt)
        }
    }

    /// The answer to converting a lead: the client it became.
    package struct Converted: ResponseCodable, Equatable {
        package var success = true
        package var leadId: Lead.ID
        package var clientId: Client.ID
    }

    /// `{"leads": [...], "total": N}`
    package struct LeadList: ResponseCodable {
        package var leads: [LeadBody]
        package var total: Int

        /// The same JSON `JSONEncoder` writes, several times faster: lists are the busiest answers.
        func jsonBytes() -> ByteBuffer {
            var json = JSONWriter(capacity: 64 + self.leads.count * 360)
            json.beginObject()
            json.beginArray("leads")
            for lead in self.leads {
                json.beginObject()
                json.write("id", lead.id.rawValue)
                json.write("name", lead.name)
                json.writeOrNull("email", lead.email)
                json.writeOrNull("phone", lead.phone)
                json.writeOrNull("source", lead.source)
                json.writeOrNull("propertyAddress", lead.propertyAddress)
                json.writeOrNull("notes", lead.notes)
                json.write("status", lead.status.rawValue)
                json.writeOrNull("clientId", lead.clientId?.rawValue)
                json.write("createdAt", lead.createdAt)
                json.write("updatedAt", lead.updatedAt)
                json.writeOrNull("archivedAt", lead.archivedAt)
                json.endObject()
            }
            json.endArray()
            json.write("total", self.total)
            json.endObject()
            return json.buffer
        }
    }
}

extension LeadsAPI.LeadBody: WritesEventJSON {
    /// The body of `lead.created` and the lead's other events, keys sorted as `Outbox.encoder` sorts them.
    func eventJSON() -> String {
        var json = JSONWriter(capacity: 400)
        json.beginObject()
        json.writeOrNull("archivedAt", self.archivedAt)
        json.writeOrNull("clientId", self.clientId?.rawValue)
        json.write("createdAt", self.createdAt)
        json.writeOrNull("email", self.email)
        json.write("id", self.id.rawValue)
        json.write("name", self.name)
        json.writeOrNull("notes", self.notes)
        json.writeOrNull("phone", self.phone)
        json.writeOrNull("propertyAddress", self.propertyAddress)
        json.writeOrNull("source", self.source)
        json.write("status", self.status.rawValue)
        json.write("updatedAt", self.updatedAt)
        json.endObject()
        return String(decoding: json.bytes, as: UTF8.self)
    }
}
