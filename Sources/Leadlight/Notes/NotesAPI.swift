import Foundation
import Hummingbird
import NIOCore

/// The wire shapes of notes and timelines (`/api/v1/leads/{id}/notes`, `…/timeline`, and the same for clients).
package enum NotesAPI {
    /// `{"text": "Called; a second viewing on Saturday."}`: the text is required, 1 to 5,000 characters.
    struct NewNote: Decodable, Sendable {
        var text: String?
        private var errors = FieldErrorCollector()

        init(from decoder: any Decoder) throws {
            var reader = JSONObjectReader(decoder, describing: "a note")
            var errors = FieldErrorCollector()
            for field in reader.fields {
                switch field {
                case "text":
                    switch reader.string(field) {
                    case .absent: break
                    case .null: errors.add("text", "must not be null")
                    case .value(let text): self.text = text
                    }
                default: reader.unknown(field, of: "a note")
                }
            }
            for error in reader.errors { errors.add(error.field, error.message) }
            self.errors = errors
        }

        /// The text as sent, or every problem with the body.
        func requiredText() throws -> String {
            var errors = self.errors
            if self.text == nil, !errors.errors.contains(where: { $0.field == "text" }) {
                errors.add("text", "is required")
            }
            try errors.throwIfAny()
            return self.text ?? ""
        }
    }

    package struct Created: ResponseCodable, Equatable {
        package var success = true
        package var noteId: Note.ID
    }

    package struct NoteBody: ResponseCodable, Equatable {
        package var id: Note.ID
        package var text: String
        package var createdAt: Date

        init(_ note: Note) {
            self.id = note.id
            self.text = note.text
            self.createdAt = note.createdAt
        }
    }

    /// `{"notes": [...], "total": N}`
    package struct NoteList: ResponseCodable {
        package var notes: [NoteBody]
        package var total: Int
    }

    /// `{"timeline": [{"kind": "note", …} | {"kind": "event", …}], "total": N}`: an event entry carries the event's
    /// type and its data exactly as its webhook delivery did.
    static func timelineJSON(_ entries: [Timeline.Entry], total: Int) -> ByteBuffer {
        var json = JSONWriter(capacity: 128 + entries.count * 400)
        json.beginObject()
        json.beginArray("timeline")
        for entry in entries {
            json.beginObject()
            switch entry {
            case .note(let note):
                json.write("kind", "note")
                json.write("id", note.id.rawValue)
                json.write("at", note.createdAt)
                json.write("text", note.text)
            case .event(let event):
                json.write("kind", "event")
                json.write("id", event.id.rawValue)
                json.write("at", event.occurredAt)
                json.write("type", event.type.rawValue)
                json.writeRaw("data", json: event.data)
            }
            json.endObject()
        }
        json.endArray()
        json.write("total", total)
        json.endObject()
        return json.buffer
    }
}
