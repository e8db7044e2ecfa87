#include "build_info.h"

#ifndef RCLI_GIT_COMMIT
#define RCLI_GIT_COMMIT "unknown"
#endif

const char *rcli_git_commit(void) { return RCLI_GIT_COMMIT; }
