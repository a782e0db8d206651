/// Whether a text Ozon shows is the one the gateway sent, when looking for a reply whose answer
/// was lost. A reply delivered must not be taken for one lost (the client would send it again),
/// and Ozon may give the text back changed: chat history as markdown, its punctuation escaped
/// and its lines split into entries; a comment or an answer with its spacing trimmed or its line
/// breaks rewritten. So the two are also compared with every run of white space as one space,
/// none at the ends, and for markdown without backslashes before ASCII punctuation.
enum OzonShownText {
    static func matches(_ shown: String, sent: String, markdown: Bool) -> Bool {
        shown == sent || plain(shown, unescaping: markdown) == plain(sent, unescaping: false)
    }

    private static func plain(_ text: String, unescaping: Bool) -> String {
        var result = "", pendingSpace = false, escaping = false
        for character in text {
            if escaping {
                escaping = false
                if !(character.isASCII && (character.isPunctuation || character.isSymbol)) { result.append("\\") }
            } else if unescaping, character == "\\" {
                escaping = true
                continue
            }
            if character.isWhitespace {
                pendingSpace = !result.isEmpty
                continue
            }
            if pendingSpace { result.append(" "); pendingSpace = false }
            result.append(character)
        }
        if escaping { result.append("\\") }
        return result
    }
}
