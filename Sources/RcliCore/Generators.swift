/// Placeholder-free generators land with the man page and completions.
package enum Generators {
    /// The requested file's text.
    package static func generate(_ what: String) -> String {
        ""
    }
}
