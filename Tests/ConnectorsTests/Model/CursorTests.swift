@testable import Connectors
import Testing

@Suite("Cursor")
struct CursorTests {
    @Test("fields set one by one in any order make the cursor a dictionary of them makes")
    func orderOfSetting() {
        // given
        var forwards = Cursor(capacity: 4)
        var backwards = Cursor()
        // when
        for (key, value) in [("a", "1"), ("pd", "2"), ("p", "3"), ("z", "4")] { forwards[key] = value }
        for (key, value) in [("z", "4"), ("p", "3"), ("pd", "2"), ("a", "1")] { backwards[key] = value }
        // then
        let built = Cursor(["p": "3", "z": "4", "a": "1", "pd": "2"])
        #expect(forwards == built)
        #expect(backwards == built)
        #expect(built.fields.map(\.key) == ["a", "p", "pd", "z"])
        #expect(built.state == ["a": "1", "p": "3", "pd": "2", "z": "4"])
    }

    @Test("setting a field again replaces its value, setting nil or removing it takes it out")
    func replaceAndRemove() {
        // given
        var cursor = Cursor(["s": "20", "k": "list", "f": "all"])
        // when
        cursor["s"] = "40"
        cursor["k"] = nil
        let removed = cursor.removeValue(forKey: "f")
        let absent = cursor.removeValue(forKey: "f")
        cursor["missing"] = nil
        // then
        #expect(removed == "all")
        #expect(absent == nil)
        #expect(cursor == Cursor(["s": "40"]))
        #expect(cursor["s"] == "40")
        #expect(cursor["k"] == nil)
    }

    @Test("a serialized cursor naming a field twice is not a cursor")
    func repeatedField() {
        #expect(CursorCodec.deserialize(Array("a=1&b=2".utf8)) == Cursor(["a": "1", "b": "2"]))
        #expect(CursorCodec.deserialize(Array("a=1&b=2&a=3".utf8)) == nil)
        #expect(CursorCodec.deserialize([]) == Cursor([:]))
    }
}
