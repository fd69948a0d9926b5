# lib/crypto hash area: SHA-256, SHA-512, HMAC, HKDF, BLAKE2b, Argon2id.
# HASH_SRCS is the area's own list, so its tests link only what they test.
HASH_SRCS := lib/crypto/sha256.c lib/crypto/sha512.c lib/crypto/hmac.c lib/crypto/hkdf.c \
             lib/crypto/blake2b.c lib/crypto/argon2id.c
CRYPTO_SRCS += $(HASH_SRCS)
