// Typed wrappers for libedit's variadic calls (Swift cannot call C variadics), and accessors
// for the C stdio globals that Swift 6 will not touch directly.
#ifndef RCLI_CLIBEDIT_SHIM_H
#define RCLI_CLIBEDIT_SHIM_H
#include <stdio.h>
#include <histedit.h>
#include <langinfo.h>
#include <locale.h>
#include <string.h>

static inline FILE *rcli_stdin(void) { return stdin; }
static inline FILE *rcli_stdout(void) { return stdout; }
static inline FILE *rcli_stderr(void) { return stderr; }

// libedit converts between the terminal's bytes and wide characters with LC_CTYPE, which is "C"
// (ASCII only) until a program sets it: take the environment's, or C.UTF-8 when that is not UTF-8.
static inline void rcli_use_utf8_ctype(void) {
    const char *set = setlocale(LC_CTYPE, "");
    if (set != NULL && strcmp(nl_langinfo(CODESET), "UTF-8") == 0) return;
    setlocale(LC_CTYPE, "C.UTF-8");
}

// The editor's pseudo-terminal (FAKETTY_WITH_PROMPT; PseudoTerminal.swift): glibc declares these
// only for _XOPEN_SOURCE, which Swift's C library module lacks.
extern int posix_openpt(int flags);
extern int grantpt(int fd);
extern int unlockpt(int fd);
extern char *ptsname(int fd);
static inline int rcli_posix_openpt(int flags) { return posix_openpt(flags); }
static inline int rcli_grantpt(int fd) { return grantpt(fd); }
static inline int rcli_unlockpt(int fd) { return unlockpt(fd); }
static inline char *rcli_ptsname(int fd) { return ptsname(fd); }

// The columns a character takes on the terminal (wcwidth is hidden without _XOPEN_SOURCE).
extern int wcwidth(wchar_t c);
static inline int rcli_wcwidth(wchar_t c) { return wcwidth(c); }

typedef char *(*rcli_prompt_fn)(EditLine *);
typedef unsigned char (*rcli_key_fn)(EditLine *, int);

static inline int rcli_el_set_prompt(EditLine *el, rcli_prompt_fn f) { return el_set(el, EL_PROMPT_ESC, f, '\1'); }
static inline int rcli_el_set_editor(EditLine *el, const char *mode) { return el_set(el, EL_EDITOR, mode); }
static inline int rcli_el_set_history(EditLine *el, History *h) { return el_set(el, EL_HIST, history, h); }
static inline int rcli_el_set_clientdata(EditLine *el, void *data) { return el_set(el, EL_CLIENTDATA, data); }
static inline void *rcli_el_get_clientdata(EditLine *el) {
    void *data = NULL;
    el_get(el, EL_CLIENTDATA, &data);
    return data;
}
static inline int rcli_el_add_function(EditLine *el, const char *name, const char *help, rcli_key_fn f) {
    return el_set(el, EL_ADDFN, name, help, f);
}
static inline int rcli_el_bind(EditLine *el, const char *key, const char *function) {
    return el_set(el, EL_BIND, key, function, NULL);
}
static inline int rcli_el_set_getc(EditLine *el, el_rfunc_t f) { return el_set(el, EL_GETCFN, f); }
static inline int rcli_el_refresh(EditLine *el) { return el_set(el, EL_REFRESH); }
static inline int rcli_el_set_signal(EditLine *el, int on) { return el_set(el, EL_SIGNAL, on); }
static inline int rcli_el_set_terminal(EditLine *el, const char *type) { return el_set(el, EL_TERMINAL, type); }
static inline int rcli_el_set_output(EditLine *el, FILE *out) { return el_set(el, EL_SETFP, 1, out); }

static inline int rcli_history_set_size(History *h, int size) { HistEvent ev; return history(h, &ev, H_SETSIZE, size); }
static inline int rcli_history_set_unique(History *h, int on) { HistEvent ev; return history(h, &ev, H_SETUNIQUE, on); }
static inline int rcli_history_enter(History *h, const char *line) { HistEvent ev; return history(h, &ev, H_ENTER, line); }
// The newest entry (first != 0) or the one older than the last returned; NULL past the oldest.
static inline const char *rcli_history_walk(History *h, int first) {
    HistEvent ev;
    return history(h, &ev, first ? H_FIRST : H_NEXT) == -1 ? NULL : ev.str;
}

#endif
