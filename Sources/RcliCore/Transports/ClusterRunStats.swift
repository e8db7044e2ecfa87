/// What a `-c` run went through, for `--verbose` and the end-of-run summary on stderr.
struct ClusterRunStats {
    /// MOVED/ASK followed and replica fallbacks.
    var redirects = 0
    /// Retries after a wait (TRYAGAIN, CLUSTERDOWN, an unreachable node ...).
    var retries = 0
    /// Commands failed at once because their shard was given up on.
    var failedAtOnce = 0
    /// Commands whose connection was lost after they were written, sent again: reads always,
    /// writes with `--retry-writes`.
    var resentReads = 0
    var resentWrites = 0

    /// The summary line printed at the end of a run, nil when nothing worth saying happened.
    var summary: String? {
        var parts: [String] = []
        if resentReads + resentWrites > 0 {
            parts.append(
                "re-sent after a lost connection: \(resentReads + resentWrites) "
                    + "(reads \(resentReads), writes \(resentWrites))")
        }
        if failedAtOnce > 0 { parts.append("failed at once (shard down): \(failedAtOnce)") }
        return parts.isEmpty ? nil : "rcli: -c: " + parts.joined(separator: "; ")
    }
}
