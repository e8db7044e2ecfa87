import CBuildInfo
import RcliCore

// The commit comes from here, not RcliCore, so a new commit recompiles this file only.
System.exit(Rcli.main(Array(CommandLine.arguments.dropFirst()), commit: String(cString: rcli_git_commit())))
