#ifndef AMBER_CSODIUM_SHIM_H
#define AMBER_CSODIUM_SHIM_H

/* libsodium, for scrypt only: its implementation uses SSE2 where the CPU has it, about a third
 * faster than OpenSSL's portable one (0.26 s against 0.39 s for N=2^17, r=8, p=1 here), with the
 * same output (RFC 7914). Wrapped by AmberCrypto's Scrypt; no other module sees it. */
#include <sodium.h>

#endif
