import Foundation
import Mustache
import Testing

@testable import Leadlight

/// `HTML`, the rows and cards written in Swift: text put into it is escaped as every template escapes, and the
/// inbox's rows and the board's cards are, for any text, the very HTML their templates wrote. On a thread of its
/// own: the fuzz tests compute for seconds without awaiting.
@Suite(.onAThreadOfItsOwn) struct HTMLTests {
    @Test func textIsEscapedMarkupAndNumbersAreNot() {
        let name = "<b>\"Tom\" & 'Jerry'</b>"
        let bold: HTML = "<b>bold</b>"
        let missing: String? = nil
        let html: HTML = "<p title=\"\(name)\">\(bold) \(42)\(missing)</p>"
        #expect(
            html.text == "<p title=\"&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;\"><b>bold</b> 42</p>")
        #expect(HTML(joining: [bold, "<br>", html]).text == "<b>bold</b><br>" + html.text)
        #expect(HTML(joining: []).text == "")
    }

    @Test func anyTextIsEscapedAsTheTemplatesEscapeIt() {
        var input = FuzzInput(stream: "html-interpolation")
        for _ in 0..<FuzzInput.iterations {
            let text = input.text(maxLength: 40)
            let html: HTML = "<td>\(text)</td>"
            #expect(html.text == "<td>" + HTMLEscaping().escapeText(text) + "</td>", "\(text.debugDescription)")
        }
    }

    /// The inbox's row as its template wrote it, before it was written in Swift.
    static let inboxRowTemplate = """
        {{#rows}}
              <tr>
                <td><input type="checkbox" name="ids" value="{{id}}" id="select-{{id}}" aria-label="Select {{name}}"></td>
                <td><a href="/leads/{{id}}">{{name}}</a></td>
                <td>{{email}}</td><td>{{phone}}</td><td>{{source}}</td>
                <td><span class="badge status-{{status}}">{{status}}</span></td>
                <td class="muted">{{received}}</td>
              </tr>
        {{/rows}}
        """

    /// The board's card as its template wrote it, before it was written in Swift.
    static let boardCardTemplate = """
        {{#cards}}
              <li class="client-card" id="client-{{id}}" draggable="true">
                <a href="/clients/{{id}}">{{name}}</a>
                <span class="muted">{{email}}</span>
                <span class="muted">in stage {{inStage}}</span>
                <form method="post" action="/clients/{{id}}/stage" class="stage-control">
                  <input type="hidden" name="_csrf" value="{{layout.csrfToken}}">
                  <label class="visually-hidden" for="stage-of-{{id}}">Stage of {{name}}</label>
                  <select id="stage-of-{{id}}" name="buyingStage">{{{stageOptions}}}</select>
                  <button type="submit">Move</button>
                </form>
              </li>
        {{/cards}}
        """

    /// A template as `DashboardPages` gives it, escaping with `HTMLEscaping`, its section on lines of their own
    /// inside a list as it stood in the page.
    static func template(_ text: String) throws -> MustacheTemplate {
        _ = try DashboardPages.load()  // registers the content type
        return try MustacheTemplate(string: "{{% CONTENT_TYPE: \(HTMLEscaping.name)}}<ul>\n" + text + "\n</ul>")
    }

    @Test func anInboxRowIsWhatItsTemplateWrote() throws {
        let template = try Self.template(Self.inboxRowTemplate)
        var input = FuzzInput(stream: "inbox-row")
        for _ in 0..<FuzzInput.iterations {
            let texts = (0..<4).map { _ in input.text(maxLength: 30) }
            let lead = Lead(
                id: .generate(), workspaceID: .generate(), name: texts[0], email: input.chance(0.3) ? nil : texts[1],
                phone: input.chance(0.3) ? nil : PhoneNumber(text: texts[2], digits: "5550100"),
                source: input.chance(0.3) ? nil : texts[3], propertyAddress: nil, notes: nil,
                status: input.pick(LeadStatus.allCases), clientID: nil,
                createdAt: Date(millisecondsSince1970: Int64(input.int(0...4_000_000_000_000))),
                updatedAt: Date(millisecondsSince1970: 0))
            let zone = input.pick([TimeZone.gmt, TimeZone(identifier: "America/New_York")!])
            var row: [String: String] = [
                "id": lead.id.rawValue, "name": lead.name, "status": lead.status.rawValue,
                "received": DashboardFormat.when(lead.createdAt, in: zone),
            ]
            row["email"] = lead.email
            row["phone"] = lead.phone?.text
            row["source"] = lead.source
            let written = template.render(["rows": [row]])
            #expect("<ul>\n" + LeadPages.InboxPage.row(lead, in: zone).text + "</ul>" == written, "\(texts)")
        }
    }

    @Test func aBoardCardIsWhatItsTemplateWrote() throws {
        let template = try Self.template(Self.boardCardTemplate)
        var input = FuzzInput(stream: "board-card")
        for _ in 0..<FuzzInput.iterations {
            let texts = (0..<4).map { _ in input.text(maxLength: 30) }
            let stage = input.pick(BuyingStage.allCases)
            let client = Client(
                id: .generate(), workspaceID: .generate(), name: texts[0], email: texts[1], phone: nil, notes: nil,
                buyingStage: stage, stageChangedAt: Date(millisecondsSince1970: 0),
                createdAt: Date(millisecondsSince1970: 0), updatedAt: Date(millisecondsSince1970: 0))
            // the options as the `options` template wrote them
            let options = try MustacheTemplate(
                string: "{{% CONTENT_TYPE: \(HTMLEscaping.name)}}"
                    + #"{{#options}}<option value="{{value}}"{{selectedAttribute}}>{{text}}</option>{{/options}}"#
            ).render([
                "options": BuyingStage.allCases.map {
                    ["value": $0.rawValue, "text": $0.rawValue, "selectedAttribute": $0 == stage ? " selected" : ""]
                }
            ])
            let written = template.render([
                "cards": [["id": client.id.rawValue, "name": client.name, "email": client.email, "inStage": texts[2]]],
                "layout": ["csrfToken": texts[3]], "stageOptions": options,
            ])
            let card = ClientPages.BoardPage.card(
                client, inStage: texts[2], csrfToken: texts[3],
                stageOptions: ClientPages.BoardPage.stageOptions(selected: stage))
            #expect("<ul>\n" + card.text + "</ul>" == written, "\(texts)")
        }
    }

    /// `<option>`s as `options.mustache` writes them, for fuzzed values and texts.
    @Test func optionsAreWhatTheirTemplateWrote() throws {
        _ = try DashboardPages.load()  // registers the content type
        let template = try MustacheTemplate(
            string: "{{% CONTENT_TYPE: \(HTMLEscaping.name)}}"
                + #"{{#options}}<option value="{{value}}"{{selectedAttribute}}>{{text}}</option>{{/options}}"#)
        var input = FuzzInput(stream: "options")
        for _ in 0..<FuzzInput.iterations {
            let options = (0..<input.int(0...4)).map { _ in
                FormField.Option(
                    value: input.text(maxLength: 20), text: input.text(maxLength: 20), selected: input.chance(0.3))
            }
            let written = template.render([
                "options": options.map {
                    ["value": $0.value, "text": $0.text, "selectedAttribute": $0.selectedAttribute]
                }
            ])
            #expect(FormField.Option.html(options).text == written, "\(options.map(\.text))")
        }
    }

    /// The frame's navigation as the layout's section wrote it, for each section current.
    @Test func theNavigationIsWhatTheLayoutWrote() throws {
        _ = try DashboardPages.load()  // registers the content type
        let template = try MustacheTemplate(
            string: """
                {{% CONTENT_TYPE: \(HTMLEscaping.name)}}    <ul>
                    {{#navigation}}
                      <li><a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{text}}</a></li>
                    {{/navigation}}
                    </ul>
                """)
        for current in DashboardSection.allCases {
            let written = template.render([
                "navigation": DashboardSection.allCases.map {
                    ["text": $0.title, "href": $0.path, "current": $0 == current] as [String: Any]
                }
            ])
            #expect("    <ul>" + DashboardLayout.navigation(current: current).text + "\n    </ul>" == written)
        }
    }

    /// The board's columns as its template wrote them, before they were written in Swift.
    static let boardColumnTemplate = """
        <div class="board">
        {{#columns}}
          <section class="column" data-stage="{{stage}}" aria-labelledby="stage-{{slug}}">
            <h2 id="stage-{{slug}}">{{stage}} <span class="count" data-testid="count-{{slug}}">{{count}}</span></h2>
            <ul class="cards">
            {{! a card per client, written in Swift: ClientPages+BoardCard.swift }}
        {{{cards}}}
            </ul>
            {{#hasMore}}<p class="muted">and {{more}} more</p>{{/hasMore}}
          </section>
        {{/columns}}
        </div>
        """

    @Test func theBoardsColumnsAreWhatTheirTemplateWrote() throws {
        _ = try DashboardPages.load()  // registers the content type
        let template = try MustacheTemplate(
            string: "{{% CONTENT_TYPE: \(HTMLEscaping.name)}}" + Self.boardColumnTemplate)
        var input = FuzzInput(stream: "board-column")
        for _ in 0..<200 {
            var columns: [[String: Any]] = []
            var written: [HTML] = []
            for stage in BuyingStage.allCases {
                let cards = (0..<input.int(0...3)).map { _ -> HTML in "<li>\(input.text(maxLength: 10))</li>\n" }
                let count = cards.count + (input.chance(0.5) ? 0 : input.int(1...5000))
                columns.append([
                    "stage": stage.rawValue,
                    "slug": stage.rawValue.lowercased().replacingOccurrences(of: " ", with: "-"),
                    "count": count, "cards": HTML(joining: cards), "more": count - cards.count,
                    "hasMore": count > cards.count,
                ])
                written.append(ClientPages.BoardPage.column(stage, count: count, cards: cards))
            }
            #expect(
                "<div class=\"board\">\n" + HTML(joining: written).text + "</div>"
                    == template.render(["columns": columns]))
        }
    }
}
