/* Versions (MAJOR.MINOR.PATCH, as in semver.org 2.0.0 without pre-release
 * and build metadata) and version requirements.
 *
 * A requirement is kept only as the half-open range it denotes,
 * lower <= v < upper (or no upper bound), because the canonical manifest
 * must have one byte string per meaning: "^1.0" and "^1.0.0" are the same
 * range and encode the same. Components are at most SEMVER_COMPONENT_MAX; a
 * bound that would need MAX + 1 carries into the next component (or drops
 * the upper bound), so every range has exactly one (lower, upper) form. */
#ifndef NONOS_CAPSULE_SEMVER_H
#define NONOS_CAPSULE_SEMVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SEMVER_COMPONENT_MAX 4294967294u
#define SEMVER_TEXT_MAX 32   /* "4294967294.4294967294.4294967294" + NUL */
#define SEMVER_RANGE_TEXT_MAX 72

struct semver {
    uint32_t major;
    uint32_t minor;
    uint32_t patch;
};

struct semver_range {
    struct semver lower; /* inclusive */
    bool bounded;
    struct semver upper; /* exclusive, only when bounded */
};

int semver_compare(struct semver a, struct semver b);
bool semver_valid(struct semver v);

/* Strict "MAJOR.MINOR.PATCH": decimal, no leading zeros, no signs. */
bool semver_parse(const uint8_t *s, size_t len, struct semver *out);

/* A requirement as in Cargo, with one difference: a bare version means
 * exactly that version. Comparators: "^V", "~V", "=V", "V", ">=V", ">V",
 * "<V", "<=V" (V may omit minor and patch), several joined by commas are
 * intersected. False for syntax errors and for an empty range. */
bool semver_requirement_parse(const uint8_t *s, size_t len,
                              struct semver_range *out);

bool semver_range_contains(const struct semver_range *range, struct semver v);

/* True when the range is in its one canonical form: valid components and,
 * when bounded, lower < upper. */
bool semver_range_canonical(const struct semver_range *range);

/* Text forms, NUL-terminated; return the length (truncated to cap - 1). */
size_t semver_format(struct semver v, char *out, size_t cap);
size_t semver_range_format(const struct semver_range *range, char *out,
                           size_t cap);

#endif
