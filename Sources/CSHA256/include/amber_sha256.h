#ifndef AMBER_SHA256_H
#define AMBER_SHA256_H
#include <stddef.h>
#include <stdint.h>

/// Whether this CPU has the SHA extensions (and SSSE3, SSE4.1) that
/// amber_sha256_ni_blocks needs: 1 or 0.
int amber_sha256_ni_available(void);

/// Runs the SHA-256 compression function over `blocks` 64-byte blocks at `data`, updating
/// `state` (a, b, ..., h). Call only when amber_sha256_ni_available() is 1.
void amber_sha256_ni_blocks(uint32_t state[8], const uint8_t *data, size_t blocks);

#endif
