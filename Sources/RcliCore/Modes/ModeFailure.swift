/// A tool mode's failure: one line for stderr, exit status 1.
package struct ModeFailure: Error {
    /// The line, without a newline.
    package let message: String

    package init(_ message: String) {
        self.message = message
    }
}
