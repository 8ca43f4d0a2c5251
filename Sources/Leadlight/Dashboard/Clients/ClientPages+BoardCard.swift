import Foundation

extension ClientPages.BoardPage {
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
