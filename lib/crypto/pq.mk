# lib/crypto post-quantum area: SHAKE128/SHAKE256 (FIPS 202) and ML-DSA-65
# (FIPS 204). PQ_SRCS is the area's own list; it needs only crypto.c.
# keccak_x4_avx2.c and mldsa65_poly_avx2.c use AVX2 through their own
# target attributes (no per-file flags), chosen at run time (keccak_x4.h).
PQ_SRCS := lib/crypto/shake.c lib/crypto/keccak_x4.c lib/crypto/keccak_x4_avx2.c \
           lib/crypto/mldsa65_poly.c lib/crypto/mldsa65_poly_avx2.c lib/crypto/mldsa65_pack.c \
           lib/crypto/mldsa65.c
CRYPTO_SRCS += $(PQ_SRCS)
