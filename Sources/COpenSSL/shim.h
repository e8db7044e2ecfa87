// OpenSSL for rcli: typed wrappers for the function-like macros Swift cannot call, and small
// helpers that walk OpenSSL's stacks. Used by RedisNet/TLSStream.swift only.
#ifndef RCLI_COPENSSL_SHIM_H
#define RCLI_COPENSSL_SHIM_H

#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <string.h>

static inline long rcli_ssl_ctx_set_min_tls12(SSL_CTX *ctx) {
    return SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
}

static inline long rcli_ssl_set_sni(SSL *ssl, const char *name) {
    return SSL_set_tlsext_host_name(ssl, name);
}

static inline void rcli_ssl_ctx_set_verify_peer(SSL_CTX *ctx, int on) {
    SSL_CTX_set_verify(ctx, on ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, NULL);
}

static inline long rcli_ssl_ctx_auto_retry_off(SSL_CTX *ctx) {
    return SSL_CTX_clear_mode(ctx, SSL_MODE_AUTO_RETRY);
}

static inline long rcli_ssl_enable_partial_writes(SSL *ssl) {
    return SSL_set_mode(ssl, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
}

/// True when the peer's certificate is for `name`: an IP literal is matched against IP SANs,
/// anything else as a DNS name (wildcards only as a whole left-most label).
static inline int rcli_peer_matches(SSL *ssl, const char *name, int is_ip) {
    X509 *cert = SSL_get1_peer_certificate(ssl);
    if (!cert) return 0;
    int ok = is_ip ? X509_check_ip_asc(cert, name, 0)
                   : X509_check_host(cert, name, 0, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, NULL);
    X509_free(cert);
    return ok == 1;
}

/// The names a certificate is for (DNS and IP subject alternative names, else the common
/// name), comma-separated into buf.
static inline void rcli_cert_names(X509 *cert, char *buf, size_t len) {
    buf[0] = 0;
    if (!cert || len == 0) return;
    size_t used = 0;
    GENERAL_NAMES *names = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
    if (names) {
        int n = sk_GENERAL_NAME_num(names);
        for (int i = 0; i < n; i++) {
            const GENERAL_NAME *g = sk_GENERAL_NAME_value(names, i);
            char item[64];
            item[0] = 0;
            if (g->type == GEN_DNS) {
                const unsigned char *s = ASN1_STRING_get0_data(g->d.dNSName);
                int l = ASN1_STRING_length(g->d.dNSName);
                snprintf(item, sizeof item, "%.*s", l > 60 ? 60 : l, (const char *)s);
            } else if (g->type == GEN_IPADD) {
                const unsigned char *ip = ASN1_STRING_get0_data(g->d.iPAddress);
                int l = ASN1_STRING_length(g->d.iPAddress);
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
        GENERAL_NAMES_free(names);
    }
    if (used == 0) {
        X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, buf, (int)len);
    }
}

/// The peer certificate's names (see rcli_cert_names); empty when there is none.
static inline void rcli_peer_names(SSL *ssl, char *buf, size_t len) {
    X509 *cert = SSL_get1_peer_certificate(ssl);
    rcli_cert_names(cert, buf, len);
    if (cert) X509_free(cert);
}

static inline int rcli_no_passphrase(char *buf, int size, int rwflag, void *u) {
    (void)buf; (void)size; (void)rwflag; (void)u;
    return 0;
}

/// A private key file's load result: 0 ok, 1 unreadable, 2 not a key, 3 does not match the certificate.
static inline int rcli_ssl_ctx_use_key(SSL_CTX *ctx, const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) return 1;
    EVP_PKEY *key = PEM_read_PrivateKey(f, NULL, rcli_no_passphrase, NULL);
    fclose(f);
    if (!key) return 2;
    int ok = SSL_CTX_use_PrivateKey(ctx, key);
    EVP_PKEY_free(key);
    if (ok != 1) return 3;
    return SSL_CTX_check_private_key(ctx) == 1 ? 0 : 3;
}

#endif
