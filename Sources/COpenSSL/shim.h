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
#endif
