# lib/crypto curve area: GF(2^255 - 19), edwards25519, scalars mod L, X25519,
# Ed25519. CURVE_SRCS is the area's own list, so its tests link only what they
# test (plus SHA-512 from the hash area for Ed25519).
CURVE_SRCS := lib/crypto/field25519.c lib/crypto/edwards25519.c \
              lib/crypto/edwards25519_scalarmult.c lib/crypto/scalar25519.c \
              lib/crypto/x25519.c lib/crypto/x25519_mulx.c \
              lib/crypto/ed25519.c
CRYPTO_SRCS += $(CURVE_SRCS)
