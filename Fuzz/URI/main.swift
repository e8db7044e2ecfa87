import FuzzSupport

runFuzzer(fuzzURI)
