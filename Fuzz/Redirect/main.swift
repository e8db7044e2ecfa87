import FuzzSupport

runFuzzer(fuzzRedirect)
