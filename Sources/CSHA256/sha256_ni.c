// The SHA-256 compression function (FIPS 180-4, section 6.2.2) with the x86 SHA extensions:
// SHA256RNDS2 does two rounds on the state held as (A, B, E, F) and (C, D, G, H);
// SHA256MSG1 and SHA256MSG2 compute the message schedule four words at a time.
#include "amber_sha256.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>

int amber_sha256_ni_available(void) {
    unsigned int a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    int ssse3 = (c >> 9) & 1, sse41 = (c >> 19) & 1;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    int sha = (b >> 29) & 1;
    return ssse3 && sse41 && sha;
}

static const uint32_t round_constants[64] __attribute__((aligned(16))) = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

__attribute__((target("sha,sse4.1,ssse3")))
void amber_sha256_ni_blocks(uint32_t state[8], const uint8_t *data, size_t blocks) {
    // Big-endian message words into 32-bit lanes.
    const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    // (a, b, c, d), (e, f, g, h) -> (f, e, b, a) and (h, g, d, c): lanes 3..0 = A, B, E, F and C, D, G, H.
    __m128i abcd = _mm_loadu_si128((const __m128i *)&state[0]);
    __m128i efgh = _mm_loadu_si128((const __m128i *)&state[4]);
    __m128i badc = _mm_shuffle_epi32(abcd, 0xB1);
    __m128i hgfe = _mm_shuffle_epi32(efgh, 0x1B);
    __m128i abef = _mm_alignr_epi8(badc, hgfe, 8);
    __m128i cdgh = _mm_blend_epi16(hgfe, badc, 0xF0);

    for (; blocks > 0; blocks--, data += 64) {
        __m128i w[16];
        for (int j = 0; j < 4; j++) {
            w[j] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16 * j)), byte_swap);
        }
        // W[t] = sigma1(W[t-2]) + W[t-7] + sigma0(W[t-15]) + W[t-16], four words at a time:
        // MSG1 adds sigma0(W[t-15]) to W[t-16], ALIGNR picks W[t-7], MSG2 adds sigma1(W[t-2]).
        for (int j = 4; j < 16; j++) {
            __m128i sum = _mm_add_epi32(_mm_sha256msg1_epu32(w[j - 4], w[j - 3]), _mm_alignr_epi8(w[j - 1], w[j - 2], 4));
            w[j] = _mm_sha256msg2_epu32(sum, w[j - 1]);
        }
        const __m128i abef_before = abef, cdgh_before = cdgh;
        for (int j = 0; j < 16; j++) {
            __m128i wk = _mm_add_epi32(w[j], _mm_load_si128((const __m128i *)&round_constants[4 * j]));
            // Two rounds with W+K of rounds 4j, 4j+1 (low lanes), then two with 4j+2, 4j+3: after
            // two rounds the old (A, B, E, F) is the new (C, D, G, H), so the registers swap roles.
            cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
            abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0E));
        }
        abef = _mm_add_epi32(abef, abef_before);
        cdgh = _mm_add_epi32(cdgh, cdgh_before);
    }

    // Back to (a, b, c, d), (e, f, g, h).
    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    _mm_storeu_si128((__m128i *)&state[0], _mm_blend_epi16(feba, dchg, 0xF0));
    _mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(dchg, feba, 8));
}

#else
#include <stdlib.h>

int amber_sha256_ni_available(void) { return 0; }

void amber_sha256_ni_blocks(uint32_t state[8], const uint8_t *data, size_t blocks) {
    // Never called where amber_sha256_ni_available() is 0: a caller that does gets no wrong digest.
    (void)state;
    (void)data;
    (void)blocks;
    abort();
}

#endif
