import Foundation
import Mustache

extension ClientPages.BoardPage {
    /// A stage's column: its name, how many clients it holds, the newest `cards`, and how many more there are.
    /// Written in Swift as the cards are, so the board's 200 KB is not copied through a template section per
    /// column.
    static func column(_ stage: BuyingStage, count: Int, cards: [HTML]) -> HTML {
        let slug = stage.rawValue.lowercased().replacingOccurrences(of: " ", with: "-")
        let more: HTML = count > cards.count ? "<p class=\"muted\">and \(count - cards.count) more</p>" : ""
        return """
              <section class="column" data-stage="\(stage.rawValue)" aria-labelledby="stage-\(slug)">
                <h2 id="stage-\(slug)">\(stage.rawValue) <span class="count" data-testid="count-\(slug)">\(count)</span></h2>
                <ul class="cards">
            \(HTML(joining: cards))
                </ul>
                \(more)
              </section>

            """
    }

    /// A client's card on the board, with its stage control (`stageOptions`, the column's stage chosen): written
    /// in Swift rather than in the template, as the board shows up to 210 and the template's lookups were two
    /// thirds of its time (`HTML`). Every value is escaped as the template escaped it.
    static func card(_ client: Client, inStage: String, csrfToken: String, stageOptions: HTML) -> HTML {
        let id = client.id.rawValue
        return """
                  <li class="client-card" id="client-\(id)" draggable="true">
                    <a href="/clients/\(id)">\(client.name)</a>
                    <span class="muted">\(client.email)</span>
                    <span class="muted">in stage \(inStage)</span>
                    <form method="post" action="/clients/\(id)/stage" class="stage-control">
                      <input type="hidden" name="_csrf" value="\(csrfToken)">
                      <label class="visually-hidden" for="stage-of-\(id)">Stage of \(client.name)</label>
                      <select id="stage-of-\(id)" name="buyingStage">\(stageOptions)</select>
                      <button type="submit">Move</button>
                    </form>
                  </li>

            """
    }

    /// The `<option>`s of a stage control, `selected` chosen.
    static func stageOptions(selected: BuyingStage) -> HTML {
        FormField.Option.html(
            BuyingStage.allCases.map { .init(value: $0.rawValue, text: $0.rawValue, selected: $0 == selected) })
    }
}

/// The board answers its template's lookups by name, as the frame does (`DashboardPages+Lookups.swift`).
extension ClientPages.BoardPage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "layout": self.layout
        case "q": self.q
        case "columns": self.columns
        case "total": self.total
        default: nil
        }
    }
}
