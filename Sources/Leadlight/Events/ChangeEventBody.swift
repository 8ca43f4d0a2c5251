/// The data of a `*.status_changed` or `*.stage_changed` event: the resource as the API shows it, plus the
/// value it changed from, under `previousKey` (`previousStatus`, `previousStage`).
struct ChangeEventBody<Resource: Encodable, Previous: Encodable>: Encodable {
    var resource: Resource
    var previousKey: String
    var previous: Previous

    func encode(to encoder: any Encoder) throws {
        try self.resource.encode(to: encoder)
        var container = encoder.container(keyedBy: DynamicCodingKey.self)
        try container.encode(self.previous, forKey: DynamicCodingKey(self.previousKey))
    }
}
