import RcliCore

System.exit(Rcli.main(Array(CommandLine.arguments.dropFirst())))
