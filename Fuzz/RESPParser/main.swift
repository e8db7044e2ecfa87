import FuzzSupport

runFuzzer(fuzzRESPParser)
