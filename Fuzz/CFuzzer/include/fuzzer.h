// libFuzzer's entry point for a program with its own main (SwiftPM names every executable's
// entry point itself, so libFuzzer's main cannot be used).
#ifndef RCLI_FUZZER_H
#define RCLI_FUZZER_H
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));

#endif
