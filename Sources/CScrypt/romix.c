// scrypt's ROMix over BlockMix-Salsa20/8 (RFC 7914, sections 3 to 5), one lane at a time, so that
// the p lanes of a derivation can run on p threads (libsodium runs them one after another).
//
// Each 64-byte Salsa20 block is kept in "diagonal" order: word i of the kept block is word
// (5 · i) mod 16 of the RFC's, so that the four 32-bit lanes of each SSE2 register hold the four
// quarter-rounds of a column round, and a lane rotation of three registers lines them up for the
// row round. BlockMix's XORs work in any word order; only the conversion from and to the RFC's
// little-endian bytes and the word ROMix's index comes from (word 0, which stays in place) depend
// on it. The portable path keeps the same order, so both write the same memory.
#include "amber_scrypt.h"
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
typedef __m128i row_t;
#define ADD(a, b) _mm_add_epi32((a), (b))
#define XOR(a, b) _mm_xor_si128((a), (b))
#define ROTL(v, n) _mm_or_si128(_mm_slli_epi32((v), (n)), _mm_srli_epi32((v), 32 - (n)))
#define SHUFFLE(v, m) _mm_shuffle_epi32((v), (m))
#else
typedef struct { uint32_t w[4]; } row_t;
static inline row_t row_add(row_t a, row_t b) { for (int i = 0; i < 4; i++) a.w[i] += b.w[i]; return a; }
static inline row_t row_xor(row_t a, row_t b) { for (int i = 0; i < 4; i++) a.w[i] ^= b.w[i]; return a; }
static inline row_t row_rotl(row_t a, int n) { for (int i = 0; i < 4; i++) a.w[i] = (a.w[i] << n) | (a.w[i] >> (32 - n)); return a; }
// Lane i of the result is lane ((m >> 2i) & 3) of v, as _mm_shuffle_epi32.
static inline row_t row_shuffle(row_t v, int m) { row_t r; for (int i = 0; i < 4; i++) r.w[i] = v.w[(m >> (2 * i)) & 3]; return r; }
#define ADD(a, b) row_add((a), (b))
#define XOR(a, b) row_xor((a), (b))
#define ROTL(v, n) row_rotl((v), (n))
#define SHUFFLE(v, m) row_shuffle((v), (m))
#endif

// Four quarter-rounds at once, one a lane: b ^= (a + d) <<< 7, c ^= (b + a) <<< 9,
// d ^= (c + b) <<< 13, a ^= (d + c) <<< 18.
#define QUARTER_ROUNDS(a, b, c, d) do { \
    b = XOR(b, ROTL(ADD(a, d), 7));      \
    c = XOR(c, ROTL(ADD(b, a), 9));      \
    d = XOR(d, ROTL(ADD(c, b), 13));     \
    a = XOR(a, ROTL(ADD(d, c), 18));     \
} while (0)

// B = Salsa20/8(B ^ T), on diagonal-order blocks of four rows.
static inline void salsa8_xor(row_t b[4], const row_t t[4]) {
    row_t x0 = XOR(b[0], t[0]), x1 = XOR(b[1], t[1]), x2 = XOR(b[2], t[2]), x3 = XOR(b[3], t[3]);
    b[0] = x0; b[1] = x1; b[2] = x2; b[3] = x3;
    for (int round = 0; round < 8; round += 2) {
        // Column round: x0 = (y0, y5, y10, y15), x1 = (y4, y9, y14, y3), x2 = (y8, y13, y2, y7),
        // x3 = (y12, y1, y6, y11).
        QUARTER_ROUNDS(x0, x1, x2, x3);
        // Row round: x3 -> (y1, y6, y11, y12), x2 -> (y2, y7, y8, y13), x1 -> (y3, y4, y9, y14).
        x1 = SHUFFLE(x1, 0x93);
        x2 = SHUFFLE(x2, 0x4E);
        x3 = SHUFFLE(x3, 0x39);
        QUARTER_ROUNDS(x0, x3, x2, x1);
        x1 = SHUFFLE(x1, 0x39);
        x2 = SHUFFLE(x2, 0x4E);
        x3 = SHUFFLE(x3, 0x93);
    }
    b[0] = ADD(b[0], x0); b[1] = ADD(b[1], x1); b[2] = ADD(b[2], x2); b[3] = ADD(b[3], x3);
}

// y = BlockMix(b ^ v) for the 2r blocks of b (v NULL: of b alone). Even blocks go to y's first
// half, odd ones to its second (RFC 7914, section 4).
static inline void blockmix(const row_t *b, const row_t *v, row_t *y, size_t r) {
    row_t x[4], t[4];
    const size_t last = (2 * r - 1) * 4;
    for (int k = 0; k < 4; k++) x[k] = v ? XOR(b[last + k], v[last + k]) : b[last + k];
    for (size_t i = 0; i < 2 * r; i++) {
        for (int k = 0; k < 4; k++) t[k] = v ? XOR(b[i * 4 + k], v[i * 4 + k]) : b[i * 4 + k];
        salsa8_xor(x, t);
        row_t *out = y + ((i & 1) * r + i / 2) * 4;
        for (int k = 0; k < 4; k++) out[k] = x[k];
    }
}

static inline uint32_t load_le32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void store_le32(uint8_t *p, uint32_t w) {
    p[0] = (uint8_t)w; p[1] = (uint8_t)(w >> 8); p[2] = (uint8_t)(w >> 16); p[3] = (uint8_t)(w >> 24);
}

// Integerify(X) mod N: the little-endian u64 of words 0 and 1 of X's last 64-byte block
// (kept at 0 and 13 in diagonal order).
static inline uint64_t integerify(const row_t *x, size_t r, uint64_t n) {
    const uint32_t *last = (const uint32_t *)(x + (2 * r - 1) * 4);
    return ((uint64_t)last[13] << 32 | last[0]) & (n - 1);
}

size_t amber_scrypt_romix_memory(uint32_t r, uint64_t n) {
    if (r == 0 || n == 0) return 0;
    size_t lane = (size_t)128 * r;
    if (lane / 128 != r || n > SIZE_MAX / lane) return 0;
    size_t v = lane * (size_t)n;
    if (v > SIZE_MAX - 2 * lane) return 0;
    return v + 2 * lane;
}

void amber_scrypt_romix(uint8_t *block, uint32_t r, uint64_t n, void *work) {
    const size_t rows = (size_t)8 * r;  // 16-byte rows per 128 · r bytes
    row_t *v = (row_t *)work;
    row_t *x = v + rows * n, *y = x + rows;
    uint32_t *xw = (uint32_t *)x;
    for (size_t b = 0; b < 2 * r; b++)
        for (int i = 0; i < 16; i++) xw[16 * b + i] = load_le32(block + 64 * b + 4 * ((5 * i) & 15));
    // V_i = X; X = BlockMix(X), two steps a turn so that X and Y swap back.
    for (uint64_t i = 0; i < n; i += 2) {
        memcpy(v + i * rows, x, rows * sizeof(row_t));
        blockmix(x, NULL, y, r);
        memcpy(v + (i + 1) * rows, y, rows * sizeof(row_t));
        blockmix(y, NULL, x, r);
    }
    // j = Integerify(X) mod N; X = BlockMix(X ^ V_j).
    for (uint64_t i = 0; i < n; i += 2) {
        blockmix(x, v + integerify(x, r, n) * rows, y, r);
        blockmix(y, v + integerify(y, r, n) * rows, x, r);
    }
    for (size_t b = 0; b < 2 * r; b++)
        for (int i = 0; i < 16; i++) store_le32(block + 64 * b + 4 * ((5 * i) & 15), xw[16 * b + i]);
}
