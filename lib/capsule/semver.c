/* Version parsing, requirement ranges and their text forms (see semver.h).
 * Requirement meanings follow Cargo's documented rules for ^, ~, =, >, >=,
 * <, <= and partial versions. */
#include "capsule/semver.h"

/* A version written with `parts` components (1-3): the others are zero. */
struct partial {
    struct semver v;
    unsigned parts;
};

int semver_compare(struct semver a, struct semver b)
{
    if (a.major != b.major)
        return a.major < b.major ? -1 : 1;
    if (a.minor != b.minor)
        return a.minor < b.minor ? -1 : 1;
    if (a.patch != b.patch)
        return a.patch < b.patch ? -1 : 1;
    return 0;
}

bool semver_valid(struct semver v)
{
    return v.major <= SEMVER_COMPONENT_MAX && v.minor <= SEMVER_COMPONENT_MAX &&
           v.patch <= SEMVER_COMPONENT_MAX;
}

static bool parse_component(const uint8_t *s, size_t len, size_t *i,
                            uint32_t *out)
{
    size_t start = *i;
    uint64_t value = 0;
    while (*i < len && s[*i] >= '0' && s[*i] <= '9') {
        value = value * 10 + (uint64_t)(s[*i] - '0');
        if (value > SEMVER_COMPONENT_MAX)
            return false;
        (*i)++;
    }
    if (*i == start || (s[start] == '0' && *i - start > 1))
        return false;
    *out = (uint32_t)value;
    return true;
}

static bool parse_partial(const uint8_t *s, size_t len, struct partial *out)
{
    uint32_t *fields[3] = { &out->v.major, &out->v.minor, &out->v.patch };
    size_t i = 0;
    out->v = (struct semver){ 0, 0, 0 };
    out->parts = 0;
    for (;;) {
        if (!parse_component(s, len, &i, fields[out->parts]))
            return false;
        out->parts++;
        if (i == len)
            return true;
        if (s[i] != '.' || out->parts == 3)
            return false;
        i++;
    }
}

bool semver_parse(const uint8_t *s, size_t len, struct semver *out)
{
    struct partial p;
    if (!parse_partial(s, len, &p) || p.parts != 3)
        return false;
    *out = p.v;
    return true;
}

/* The smallest version above every version that agrees with v in its first
 * `level` components (1 = major): increments that component and zeroes the
 * rest, carrying past SEMVER_COMPONENT_MAX. False when nothing is above. */
static bool bump(struct semver v, unsigned level, struct semver *out)
{
    uint32_t c[3] = { v.major, v.minor, v.patch };
    for (unsigned i = level; i < 3; i++)
        c[i] = 0;
    for (unsigned i = level; i-- > 0;) {
        if (c[i] < SEMVER_COMPONENT_MAX) {
            c[i]++;
            *out = (struct semver){ c[0], c[1], c[2] };
            return true;
        }
        c[i] = 0;
    }
    return false;
}

static void set_upper(struct semver_range *r, struct semver v, unsigned level)
{
    r->bounded = bump(v, level, &r->upper);
}

/* The range of one comparator: op followed by a partial version. */
static bool comparator_range(const uint8_t *op, size_t op_len,
                             struct partial p, struct semver_range *r)
{
    char o0 = op_len > 0 ? (char)op[0] : '\0';
    bool or_equal = op_len == 2;
    r->lower = (struct semver){ 0, 0, 0 };
    r->bounded = false;
    if (op_len == 0 || o0 == '=') {
        r->lower = p.v;
        set_upper(r, p.v, p.parts);
    } else if (o0 == '^') {
        unsigned level = (p.v.major > 0 || p.parts == 1) ? 1
                       : (p.v.minor > 0 || p.parts == 2) ? 2 : 3;
        r->lower = p.v;
        set_upper(r, p.v, level);
    } else if (o0 == '~') {
        r->lower = p.v;
        set_upper(r, p.v, p.parts == 1 ? 1 : 2);
    } else if (o0 == '>' && or_equal) {
        r->lower = p.v;
    } else if (o0 == '>') {
        if (!bump(p.v, p.parts, &r->lower))
            return false;
    } else if (or_equal) {
        set_upper(r, p.v, p.parts);
    } else {
        r->bounded = true;
        r->upper = p.v;
    }
    return !r->bounded || semver_compare(r->lower, r->upper) < 0;
}

static size_t operator_length(const uint8_t *s, size_t len)
{
    if (len >= 2 && (s[0] == '>' || s[0] == '<') && s[1] == '=')
        return 2;
    if (len >= 1 && (s[0] == '^' || s[0] == '~' || s[0] == '=' ||
                     s[0] == '>' || s[0] == '<'))
        return 1;
    return 0;
}

static bool parse_comparator(const uint8_t *s, size_t len,
                             struct semver_range *r)
{
    while (len > 0 && s[0] == ' ') {
        s++;
        len--;
    }
    while (len > 0 && s[len - 1] == ' ')
        len--;
    size_t op_len = operator_length(s, len);
    size_t i = op_len;
    while (i < len && s[i] == ' ')
        i++;
    struct partial p;
    if (!parse_partial(s + i, len - i, &p))
        return false;
    return comparator_range(s, op_len, p, r);
}

static void intersect(struct semver_range *acc, const struct semver_range *r)
{
    if (semver_compare(r->lower, acc->lower) > 0)
        acc->lower = r->lower;
    if (r->bounded && (!acc->bounded || semver_compare(r->upper, acc->upper) < 0)) {
        acc->bounded = true;
        acc->upper = r->upper;
    }
}

bool semver_requirement_parse(const uint8_t *s, size_t len,
                              struct semver_range *out)
{
    struct semver_range acc = { { 0, 0, 0 }, false, { 0, 0, 0 } };
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] != ',')
            continue;
        struct semver_range r;
        if (!parse_comparator(s + start, i - start, &r))
            return false;
        intersect(&acc, &r);
        start = i + 1;
    }
    if (!semver_range_canonical(&acc))
        return false;
    *out = acc;
    return true;
}

bool semver_range_contains(const struct semver_range *range, struct semver v)
{
    return semver_compare(v, range->lower) >= 0 &&
           (!range->bounded || semver_compare(v, range->upper) < 0);
}

bool semver_range_canonical(const struct semver_range *range)
{
    if (!semver_valid(range->lower))
        return false;
    if (!range->bounded)
        return true;
    return semver_valid(range->upper) &&
           semver_compare(range->lower, range->upper) < 0;
}

static void put_text(char *out, size_t cap, size_t *len, const char *s)
{
    for (; *s != '\0'; s++) {
        if (*len + 1 < cap)
            out[*len] = *s;
        (*len)++;
    }
}

static void put_number(char *out, size_t cap, size_t *len, uint32_t v)
{
    char digits[11];
    size_t n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (n > 0) {
        char one[2] = { digits[--n], '\0' };
        put_text(out, cap, len, one);
    }
}

static void put_version(char *out, size_t cap, size_t *len, struct semver v)
{
    put_number(out, cap, len, v.major);
    put_text(out, cap, len, ".");
    put_number(out, cap, len, v.minor);
    put_text(out, cap, len, ".");
    put_number(out, cap, len, v.patch);
}

static size_t finish_text(char *out, size_t cap, size_t len)
{
    if (cap == 0)
        return 0;
    size_t end = len < cap ? len : cap - 1;
    out[end] = '\0';
    return end;
}

size_t semver_format(struct semver v, char *out, size_t cap)
{
    size_t len = 0;
    put_version(out, cap, &len, v);
    return finish_text(out, cap, len);
}

size_t semver_range_format(const struct semver_range *range, char *out,
                           size_t cap)
{
    size_t len = 0;
    put_text(out, cap, &len, ">=");
    put_version(out, cap, &len, range->lower);
    if (range->bounded) {
        put_text(out, cap, &len, ", <");
        put_version(out, cap, &len, range->upper);
    }
    return finish_text(out, cap, len);
}
