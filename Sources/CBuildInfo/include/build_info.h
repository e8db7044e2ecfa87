// What rcli was built from. The commit comes from the RCLI_GIT_COMMIT environment variable at
// build time (the Makefile sets it; Package.swift turns it into a define for this target only),
// so a plain `swift build` needs no generated file and says "unknown".
#ifndef RCLI_BUILD_INFO_H
#define RCLI_BUILD_INFO_H

/// The git commit the binary was built from (abbreviated, "-dirty" when the tree had
/// uncommitted changes), or "unknown".
const char *rcli_git_commit(void);

#endif
