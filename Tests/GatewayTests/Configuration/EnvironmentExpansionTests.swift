import Gateway
import Testing

@Suite("${VAR} expansion in the configuration file")
struct EnvironmentExpansionTests {
    @Test("given references, when expanded, then each becomes its value and the rest is untouched")
    func expands() throws {
        let text = try EnvironmentExpansion.expand(#"{"a": "${A}-${B_2}", "cost": "$5", "b": "x$"}"#,
                                                   environment: ["A": "one", "B_2": "two"])
        #expect(text == #"{"a": "one-two", "cost": "$5", "b": "x$"}"#)
    }

    @Test("given $${, when expanded, then it is a literal ${ and no variable is looked up")
    func escaped() throws {
        #expect(try EnvironmentExpansion.expand("pa$${NOT_SET}ss", environment: [:]) == "pa${NOT_SET}ss")
    }

    @Test("given values with quotes, backslashes and control characters, when expanded, then they stay inside their JSON string")
    func escapesValues() throws {
        let text = try EnvironmentExpansion.expand(#"{"token": "${T}"}"#, environment: ["T": "a\"b\\c\nd"])
        #expect(text == #"{"token": "a\"b\\c\nd"}"#)
    }

    @Test("given an unset variable or a malformed reference, when expanded, then the error names it",
          arguments: [("${UNSET}", "UNSET is referenced on line 1 but not set"), ("${}", "not a valid variable reference"),
                      ("${A-B}", "not a valid variable reference"), ("${ A}", "not a valid variable reference")])
    func refuses(text: String, message: String) {
        #expect {
            try EnvironmentExpansion.expand(text, environment: ["A": "1"])
        } throws: { error in
            (error as? ConfigurationError)?.problem.contains(message) == true
        }
    }

    @Test("given a ${ typed inside a secret written into the file, when expanded, then the error quotes none of the secret; a conventional name is still named",
          arguments: [#"{"api_key": "Q9${kT3vX8pLm2}wZ"}"#, #"{"api_key": "Q9${kT3vX8p"}"#, #"{"api_key": "Q9${kT3vX8p-x}"}"#])
    func secretNotQuotedAsName(text: String) {
        #expect {
            _ = try EnvironmentExpansion.expand(text, environment: [:])
        } throws: { error in
            let problem = (error as? ConfigurationError)?.problem ?? ""
            return problem.contains("line 1") && !problem.contains("kT3v") && problem.contains("name not shown")
        }
        #expect {
            _ = try EnvironmentExpansion.expand(#"{"api_key": "${OZON_KEY_2}"}"#, environment: [:])
        } throws: { error in
            (error as? ConfigurationError)?.problem.contains("OZON_KEY_2 is referenced on line 1") == true
        }
    }

    @Test("given a reference outside quotes, when its variable is empty or holds no JSON number, then the error names the variable and its line",
          arguments: [("", "is empty"), ("08080", "holds no JSON number"), ("8080 ", "holds no JSON number"), ("1.", "holds no JSON number"),
                      ("abc", "holds no JSON number")])
    func bareValueRefused(value: String, message: String) {
        #expect {
            _ = try EnvironmentExpansion.expand("{\"a\": \"x\\\\\",\n \"port\": ${PORT_VAR}}", environment: ["PORT_VAR": value])
        } throws: { error in
            let problem = (error as? ConfigurationError)?.problem ?? ""
            return problem.contains("PORT_VAR, outside quotes on line 2, \(message)") && (value.isEmpty || !problem.contains(value))
        }
    }

    @Test("given a reference outside quotes holding a JSON number, true or false, or one inside quotes holding anything, then it is expanded",
          arguments: ["8080", "0", "-1", "1.5e3", "2E-2", "true", "false"])
    func bareValueTaken(value: String) throws {
        #expect(try EnvironmentExpansion.expand(#"{"n": ${V}, "s": "a\"${E}"}"#, environment: ["V": value, "E": ""]) == #"{"n": \#(value), "s": "a\""}"#)
    }

    @Test("given a ${ that never closes, then the error gives its line and quotes nothing after the name")
    func unterminatedQuotesNoSecret() {
        let text = "{\n \"client_id\": \"${OZ_ID\", \"api_key\": \"OZLIVESECRET9f8e\"}"
        #expect {
            _ = try EnvironmentExpansion.expand(text, environment: ["OZ_ID": "1"])
        } throws: { error in
            let problem = (error as? ConfigurationError)?.problem ?? ""
            return problem.contains("line 2") && problem.contains("${OZ_ID") && !problem.contains("SECRET")
        }
        // and with Windows line endings the line is the same
        #expect {
            _ = try EnvironmentExpansion.expand(text.replacingOccurrences(of: "\n", with: "\r\n"), environment: [:])
        } throws: { error in
            (error as? ConfigurationError)?.problem.contains("line 2") == true
        }
    }
}
