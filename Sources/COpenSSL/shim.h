// OpenSSL for rcli, loaded with dlopen the first time TLS is used: linking libssl and libcrypto
// would cost every start (plain runs included) about two milliseconds of dynamic loading. The
// headers give the types and constants; each function used is a pointer filled by
// rcli_openssl_load() and called through an rcli_-prefixed wrapper (Swift cannot call macros or
// function pointers held in C globals). Used by RedisNet/TLSStream.swift only.
#ifndef RCLI_COPENSSL_SHIM_H
#define RCLI_COPENSSL_SHIM_H

#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/pem.h>
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#define RCLI_OPENSSL_FUNCTIONS(X) \
    X(const SSL_METHOD *, TLS_client_method, (void), ()) \
    X(SSL_CTX *, SSL_CTX_new, (const SSL_METHOD *m), (m)) \
    X(void, SSL_CTX_free, (SSL_CTX *c), (c)) \
    X(long, SSL_CTX_ctrl, (SSL_CTX *c, int cmd, long l, void *p), (c, cmd, l, p)) \
    X(void, SSL_CTX_set_verify, (SSL_CTX *c, int mode, SSL_verify_cb cb), (c, mode, cb)) \
    X(int, SSL_CTX_load_verify_locations, (SSL_CTX *c, const char *f, const char *d), (c, f, d)) \
    X(int, SSL_CTX_set_default_verify_paths, (SSL_CTX *c), (c)) \
    X(int, SSL_CTX_use_certificate_chain_file, (SSL_CTX *c, const char *f), (c, f)) \
    X(int, SSL_CTX_use_PrivateKey, (SSL_CTX *c, EVP_PKEY *k), (c, k)) \
    X(int, SSL_CTX_check_private_key, (const SSL_CTX *c), (c)) \
    X(int, SSL_CTX_set_cipher_list, (SSL_CTX *c, const char *s), (c, s)) \
    X(int, SSL_CTX_set_ciphersuites, (SSL_CTX *c, const char *s), (c, s)) \
    X(EVP_PKEY *, PEM_read_PrivateKey, (FILE *f, EVP_PKEY **x, pem_password_cb *cb, void *u), (f, x, cb, u)) \
    X(void, EVP_PKEY_free, (EVP_PKEY *k), (k)) \
    X(void, ERR_clear_error, (void), ()) \
    X(unsigned long, ERR_get_error, (void), ()) \
    X(unsigned long, ERR_peek_error, (void), ()) \
    X(const char *, ERR_reason_error_string, (unsigned long e), (e)) \
    X(SSL *, SSL_new, (SSL_CTX *c), (c)) \
    X(void, SSL_free, (SSL *s), (s)) \
    X(long, SSL_ctrl, (SSL *s, int cmd, long l, void *p), (s, cmd, l, p)) \
    X(int, SSL_set_fd, (SSL *s, int fd), (s, fd)) \
    X(void, SSL_set_connect_state, (SSL *s), (s)) \
    X(int, SSL_connect, (SSL *s), (s)) \
    X(int, SSL_get_error, (const SSL *s, int r), (s, r)) \
    X(long, SSL_get_verify_result, (const SSL *s), (s)) \
    X(const char *, X509_verify_cert_error_string, (long n), (n)) \
    X(X509 *, SSL_get1_peer_certificate, (const SSL *s), (s)) \
    X(int, SSL_pending, (const SSL *s), (s)) \
    X(int, SSL_read, (SSL *s, void *b, int n), (s, b, n)) \
    X(int, SSL_write, (SSL *s, const void *b, int n), (s, b, n)) \
    X(int, SSL_peek, (SSL *s, void *b, int n), (s, b, n)) \
    X(int, X509_check_ip_asc, (X509 *x, const char *a, unsigned int f), (x, a, f)) \
    X(int, X509_check_host, (X509 *x, const char *n, size_t l, unsigned int f, char **p), (x, n, l, f, p)) \
    X(void, X509_free, (X509 *x), (x)) \
    X(void *, X509_get_ext_d2i, (const X509 *x, int nid, int *crit, int *idx), (x, nid, crit, idx)) \
    X(X509_NAME *, X509_get_subject_name, (const X509 *x), (x)) \
    X(int, X509_NAME_get_text_by_NID, (const X509_NAME *n, int nid, char *b, int l), (n, nid, b, l)) \
    X(int, OPENSSL_sk_num, (const OPENSSL_STACK *s), (s)) \
    X(void *, OPENSSL_sk_value, (const OPENSSL_STACK *s, int i), (s, i)) \
    X(const unsigned char *, ASN1_STRING_get0_data, (const ASN1_STRING *a), (a)) \
    X(int, ASN1_STRING_length, (const ASN1_STRING *a), (a)) \
    X(void, GENERAL_NAMES_free, (GENERAL_NAMES *g), (g)) \
    X(const char *, OpenSSL_version, (int t), (t))

#define RCLI_FIELD(ret, name, params, args) ret (*name) params;
struct rcli_openssl_table { RCLI_OPENSSL_FUNCTIONS(RCLI_FIELD) };
#undef RCLI_FIELD

/// The loaded functions (a function-local static: Swift's importer emits those, not file-scope ones).
static inline struct rcli_openssl_table *rcli_openssl(void) {
    static struct rcli_openssl_table table;
    return &table;
}

#define RCLI_WRAP(ret, name, params, args) \
    static inline ret rcli_##name params { return rcli_openssl()->name args; }
RCLI_OPENSSL_FUNCTIONS(RCLI_WRAP)
#undef RCLI_WRAP

/// Loads libssl (and with it libcrypto) once. Returns 1 when every function was found; else 0
/// with the reason in buf.
static inline int rcli_openssl_load(char *buf, size_t len) {
    static int loaded = 0;
    if (loaded) return 1;
    void *h = dlopen("libssl.so.3", RTLD_LAZY | RTLD_LOCAL);
    if (!h) h = dlopen("libssl.so", RTLD_LAZY | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        snprintf(buf, len, "%s", e ? e : "libssl.so.3 not found");
        return 0;
    }
#define RCLI_LOAD(ret, name, params, args) \
    if (!(*(void **)(&rcli_openssl()->name) = dlsym(h, #name))) { snprintf(buf, len, "libssl lacks %s", #name); return 0; }
    RCLI_OPENSSL_FUNCTIONS(RCLI_LOAD)
#undef RCLI_LOAD
    loaded = 1;
    return 1;
}

static inline long rcli_ssl_ctx_set_min_tls12(SSL_CTX *ctx) {
    return rcli_SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MIN_PROTO_VERSION, TLS1_2_VERSION, NULL);
}

static inline long rcli_ssl_set_sni(SSL *ssl, const char *name) {
    return rcli_SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, (void *)name);
}

static inline void rcli_ssl_ctx_set_verify_peer(SSL_CTX *ctx, int on) {
    rcli_SSL_CTX_set_verify(ctx, on ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, NULL);
}

static inline long rcli_ssl_ctx_auto_retry_off(SSL_CTX *ctx) {
    return rcli_SSL_CTX_ctrl(ctx, SSL_CTRL_CLEAR_MODE, SSL_MODE_AUTO_RETRY, NULL);
}

static inline long rcli_ssl_enable_partial_writes(SSL *ssl) {
    return rcli_SSL_ctrl(ssl, SSL_CTRL_MODE, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER, NULL);
}

/// True when the peer's certificate is for `name`: an IP literal is matched against IP SANs,
/// anything else as a DNS name (wildcards only as a whole left-most label).
static inline int rcli_peer_matches(SSL *ssl, const char *name, int is_ip) {
    X509 *cert = rcli_SSL_get1_peer_certificate(ssl);
    if (!cert) return 0;
    int ok = is_ip ? rcli_X509_check_ip_asc(cert, name, 0)
                   : rcli_X509_check_host(cert, name, 0, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, NULL);
    rcli_X509_free(cert);
    return ok == 1;
}

/// The names a certificate is for (DNS and IP subject alternative names, else the common
/// name), comma-separated into buf.
static inline void rcli_cert_names(X509 *cert, char *buf, size_t len) {
    buf[0] = 0;
    if (!cert || len == 0) return;
    size_t used = 0;
    GENERAL_NAMES *names = rcli_X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
    if (names) {
        int n = rcli_OPENSSL_sk_num((const OPENSSL_STACK *)names);
        for (int i = 0; i < n; i++) {
            const GENERAL_NAME *g = rcli_OPENSSL_sk_value((const OPENSSL_STACK *)names, i);
            char item[64];
            item[0] = 0;
            if (g->type == GEN_DNS) {
                const unsigned char *s = rcli_ASN1_STRING_get0_data(g->d.dNSName);
                int l = rcli_ASN1_STRING_length(g->d.dNSName);
                snprintf(item, sizeof item, "%.*s", l > 60 ? 60 : l, (const char *)s);
            } else if (g->type == GEN_IPADD) {
                const unsigned char *ip = rcli_ASN1_STRING_get0_data(g->d.iPAddress);
                int l = rcli_ASN1_STRING_length(g->d.iPAddress);
                if (l == 4) snprintf(item, sizeof item, "%d.%d.%d.%d", ip[0], ip[1], ip[2], ip[3]);
                else if (l == 16) snprintf(item, sizeof item, "IPv6 address");
            }
            if (item[0] && used + strlen(item) + 3 < len) {
                if (used) { memcpy(buf + used, ", ", 2); used += 2; }
                memcpy(buf + used, item, strlen(item));
                used += strlen(item);
                buf[used] = 0;
            }
        }
        rcli_GENERAL_NAMES_free(names);
    }
    if (used == 0) {
        rcli_X509_NAME_get_text_by_NID(rcli_X509_get_subject_name(cert), NID_commonName, buf, (int)len);
    }
}

/// The peer certificate's names (see rcli_cert_names); empty when there is none.
static inline void rcli_peer_names(SSL *ssl, char *buf, size_t len) {
    X509 *cert = rcli_SSL_get1_peer_certificate(ssl);
    rcli_cert_names(cert, buf, len);
    if (cert) rcli_X509_free(cert);
}

static inline int rcli_no_passphrase(char *buf, int size, int rwflag, void *u) {
    (void)buf; (void)size; (void)rwflag; (void)u;
    return 0;
}

/// A private key file's load result: 0 ok, 1 unreadable, 2 not a key, 3 does not match the certificate.
static inline int rcli_ssl_ctx_use_key(SSL_CTX *ctx, const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) return 1;
    EVP_PKEY *key = rcli_PEM_read_PrivateKey(f, NULL, rcli_no_passphrase, NULL);
    fclose(f);
    if (!key) return 2;
    int ok = rcli_SSL_CTX_use_PrivateKey(ctx, key);
    rcli_EVP_PKEY_free(key);
    if (ok != 1) return 3;
    return rcli_SSL_CTX_check_private_key(ctx) == 1 ? 0 : 3;
}

#endif
