import Foundation

/// What the agent's public site shows of them (Settings → Public site): a name (the workspace's unless set),
/// a headline, a few words about them, how to reach them, and the title of the guide visitors can download.
/// Also how many bot submissions the site has caught.
package struct PublicProfile: Sendable, Equatable {
    package var workspaceID: Workspace.ID
    package var displayName: String?
    package var headline: String?
    package var about: String?
    package var email: String?
    package var phone: PhoneNumber?
    package var guideTitle: String?
    package var botsCaught: Int
    package var updatedAt: Date

    static func empty(_ workspace: Workspace.ID, at now: Date) -> PublicProfile {
        PublicProfile(
            workspaceID: workspace, displayName: nil, headline: nil, about: nil, email: nil, phone: nil,
            guideTitle: nil, botsCaught: 0, updatedAt: now)
    }

    static let maxDisplayNameLength = 120
    static let maxHeadlineLength = 200
    static let maxAboutLength = 3000
    static let maxGuideTitleLength = 200
}

/// The profile's fields as a form sent them: each checked, every bad field named at once. Empty clears a field.
package struct PublicProfileChanges: Sendable {
    package var displayName = ""
    package var headline = ""
    package var about = ""
    package var email = ""
    package var phone = ""
    package var guideTitle = ""

    package init(
        displayName: String = "", headline: String = "", about: String = "", email: String = "",
        phone: String = "", guideTitle: String = ""
    ) {
        (self.displayName, self.headline, self.about) = (displayName, headline, about)
        (self.email, self.phone, self.guideTitle) = (email, phone, guideTitle)
    }

    func applied(to stored: PublicProfile, at now: Date) throws -> PublicProfile {
        var errors = FieldErrorCollector()
        func text(_ value: String, _ field: String, _ maxLength: Int) -> String? {
            errors.check { try TextRules.optional(value, field: field, maxLength: maxLength) }.flatMap {
                $0.isEmpty ? nil : $0
            }
        }
        var profile = stored
        profile.displayName = text(self.displayName, "displayName", PublicProfile.maxDisplayNameLength)
        profile.headline = text(self.headline, "headline", PublicProfile.maxHeadlineLength)
        profile.about = text(self.about, "about", PublicProfile.maxAboutLength)
        profile.guideTitle = text(self.guideTitle, "guideTitle", PublicProfile.maxGuideTitleLength)
        let email = TextRules.trimmed(self.email)
        profile.email = email.isEmpty ? nil : errors.check { try TextRules.email(email) }
        let phone = TextRules.trimmed(self.phone)
        profile.phone = phone.isEmpty ? nil : errors.check { try PhoneNumber(validating: phone) }
        try errors.throwIfAny()
        profile.updatedAt = now
        return profile
    }
}

/// A file an agent uploads for the public site: their photo, or the guide visitors download.
package struct PublicFile: Sendable, Equatable {
    package enum Kind: String, Sendable, CaseIterable {
        case photo
        case guide

        /// The most a file of the kind may hold.
        var maximumBytes: Int {
            switch self {
            case .photo: 2 * 1024 * 1024
            case .guide: 8 * 1024 * 1024
            }
        }

        var field: String {
            switch self {
            case .photo: "photo"
            case .guide: "guide"
            }
        }
    }

    package var kind: Kind
    package var contentType: String
    package var fileName: String
    package var content: Data
    package var uploadedAt: Date

    /// Checks an upload by its bytes, not by the name or type the browser claimed: a photo must be a JPEG, PNG
    /// or WebP image and a guide a PDF, within the kind's size.
    static func checked(_ kind: Kind, fileName: String, content: Data, at now: Date) throws -> PublicFile {
        guard !content.isEmpty else { throw ValidationFailure(field: kind.field, message: "is an empty file") }
        guard content.count <= kind.maximumBytes else {
            throw ValidationFailure(
                field: kind.field, message: "must be at most \(kind.maximumBytes / (1024 * 1024)) MB")
        }
        let head = [UInt8](content.prefix(12))
        let type: String?
        switch kind {
        case .photo:
            if head.starts(with: [0xFF, 0xD8, 0xFF]) {
                type = "image/jpeg"
            } else if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
                type = "image/png"
            } else if head.count == 12, head.starts(with: Array("RIFF".utf8)), head[8...].elementsEqual("WEBP".utf8) {
                type = "image/webp"
            } else {
                type = nil
            }
        case .guide:
            type = head.starts(with: Array("%PDF-".utf8)) ? "application/pdf" : nil
        }
        guard let type else {
            throw ValidationFailure(
                field: kind.field,
                message: kind == .photo ? "must be a JPEG, PNG or WebP image" : "must be a PDF file")
        }
        return PublicFile(
            kind: kind, contentType: type, fileName: Self.safeName(fileName, kind: kind, type: type), content: content,
            uploadedAt: now)
    }

    /// A name fit for a `Content-Disposition` header: letters, digits, `-`, `_` and `.` only.
    static func safeName(_ name: String, kind: Kind, type: String) -> String {
        let base = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let kept = String(
            base.unicodeScalars.filter {
                $0.isASCII
                    && ($0.properties.isAlphabetic || ("0"..."9").contains($0)
                        || "-_.".unicodeScalars.contains($0))
            }.prefix(100).map(Character.init))
        if !kept.isEmpty, kept.contains(where: { $0 != "." }) { return kept }
        return kind == .guide ? "guide.pdf" : "photo." + (type.split(separator: "/").last.map(String.init) ?? "jpg")
    }
}
