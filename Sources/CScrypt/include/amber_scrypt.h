#ifndef AMBER_SCRYPT_H
#define AMBER_SCRYPT_H
#include <stddef.h>
#include <stdint.h>

/// The bytes of work memory amber_scrypt_romix needs for block size `r` and cost `n`
/// (128 · r · n for V, 256 · r for X and Y), or 0 if that overflows size_t.
size_t amber_scrypt_romix_memory(uint32_t r, uint64_t n);

/// scrypt's ROMix (RFC 7914, section 5) with BlockMix over Salsa20/8, in place on one lane:
/// `block` holds 128 · r bytes, B_i of the derivation, and receives ROMix(B_i).
///
/// `work` is amber_scrypt_romix_memory(r, n) bytes aligned to 64 bytes, the caller's: lanes
/// computed at once on different threads each need their own. `n` must be a power of two above 1
/// and `r` positive. Uses SSE2 where the compiler targets it, else portable C; both give
/// RFC 7914's bytes.
void amber_scrypt_romix(uint8_t *block, uint32_t r, uint64_t n, void *work);

#endif
