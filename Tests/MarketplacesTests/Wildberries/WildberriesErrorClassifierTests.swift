@testable import Marketplaces
import Testing

@Suite("Wildberries error classifier")
struct WildberriesErrorClassifierTests {
    @Test("a 200 envelope saying error true is looked at closely, however its JSON is spaced", arguments: [
        #"{"data":null,"error":true,"errorText":"Ошибка"}"#, #"{"data":null,"error" : true}"#,
        "{\"error\":\n\ttrue,\"errorText\":\"x\"}", #"{"error":  true}"#,
    ])
    func errorFlag(body: String) {
        #expect(WildberriesErrorClassifier.mayCarryErrorFlag(Array(body.utf8)))
    }

    @Test("an envelope without the flag set is read as a success", arguments: [
        #"{"data":{},"error":false,"errorText":""}"#, #"{"errorText":"true"}"#, #"{"data":{"text":"\"error\": maybe"}}"#,
        #"{"error""#, "",
    ])
    func noErrorFlag(body: String) {
        #expect(!WildberriesErrorClassifier.mayCarryErrorFlag(Array(body.utf8)))
    }
}
