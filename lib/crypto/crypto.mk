# lib/crypto: the crypto core. The per-area fragments (hash.mk, stream.mk,
# curve.mk) append their sources to CRYPTO_SRCS.
CRYPTO_SRCS := lib/crypto/crypto.c
