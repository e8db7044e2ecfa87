// Declarations only (fuzzer.h); libFuzzer itself comes from -sanitize=fuzzer.
