import FuzzSupport

runFuzzer(fuzzReplication)
