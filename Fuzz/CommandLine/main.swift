import FuzzSupport

runFuzzer(fuzzCommandLine)
