#ifndef AMBER_COPENSSL_SHIM_H
#define AMBER_COPENSSL_SHIM_H
/* Only the OpenSSL 3 API: deprecated functions are a compile error. */
#define OPENSSL_API_COMPAT 30000
#define OPENSSL_NO_DEPRECATED 1
#include <openssl/crypto.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

/*
 * OSSL_PARAM arrays keep pointers to their key strings, so they are built here, where the
 * OSSL_*_PARAM_* macros are static string literals, rather than from Swift strings.
 */

/* Starts an HMAC-SHA256 context with `key`, or restarts it with the same key when `key` is NULL. */
static inline int amber_hmac_sha256_init(EVP_MAC_CTX *ctx, const unsigned char *key, size_t keylen) {
    OSSL_PARAM params[2];
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0);
    params[1] = OSSL_PARAM_construct_end();
    return EVP_MAC_init(ctx, key, keylen, key == NULL ? NULL : params);
}

/* Re-keys an HMAC context initialised by amber_hmac_sha256_init, keeping its digest: no
   parameters to parse (their lookup by name showed as strcmp in profiles). */
static inline int amber_hmac_sha256_rekey(EVP_MAC_CTX *ctx, const unsigned char *key, size_t keylen) {
    return EVP_MAC_init(ctx, key, keylen, NULL);
}

/* RFC 5869 HKDF-SHA256 (extract then expand) into `out`. */
static inline int amber_hkdf_sha256(EVP_KDF_CTX *ctx,
                                    const unsigned char *key, size_t keylen,
                                    const unsigned char *salt, size_t saltlen,
                                    const unsigned char *info, size_t infolen,
                                    unsigned char *out, size_t outlen) {
    OSSL_PARAM params[5];
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0);
    params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)key, keylen);
    params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, saltlen);
    params[3] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info, infolen);
    params[4] = OSSL_PARAM_construct_end();
    return EVP_KDF_derive(ctx, out, outlen, params);
}

#endif
