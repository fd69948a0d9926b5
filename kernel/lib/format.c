/* ksnprintf: bounded formatting, portable (kernel and Linux host tests).
 *
 * Invariant: `struct output` never writes at or past buf[size - 1]; the byte
 * after the last stored character is always set to NUL at the end (when
 * size > 0). `len` counts every character the full output would have, so it
 * can exceed size; it saturates instead of wrapping. */
#include "kernel/lib/print.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

/* Widths and precisions are clamped here so that a huge '*' argument cannot
 * make one conversion spin for billions of characters. */
#define FORMAT_MAX_FIELD 4096

struct output {
    char *buf;
    size_t size;
    size_t len; /* characters produced so far, stored or not */
};

/* How one conversion was written: flags, width and precision. */
struct spec {
    bool left;      /* '-': pad on the right */
    bool zero;      /* '0': pad numbers with zeros */
    int width;      /* minimum field width, 0 if none */
    int precision;  /* -1 if none */
    int length;     /* 0 int, 1 long, 2 long long, 3 size_t, -1 short, -2 char */
};

static void output_char(struct output *out, char c)
{
    if (out->size > 0 && out->len < out->size - 1)
        out->buf[out->len] = c;
    if (out->len < SIZE_MAX)
        out->len++;
}

static void output_repeat(struct output *out, char c, int count)
{
    for (int i = 0; i < count; i++)
        output_char(out, c);
}

/* Writes `len` bytes of `text` padded to the spec's width. */
static void output_padded(struct output *out, const struct spec *spec, const char *text,
                          size_t len)
{
    int pad = 0;
    if (spec->width > 0 && (size_t)spec->width > len)
        pad = spec->width - (int)len;
    if (!spec->left)
        output_repeat(out, ' ', pad);
    for (size_t i = 0; i < len; i++)
        output_char(out, text[i]);
    if (spec->left)
        output_repeat(out, ' ', pad);
}

/* Number formatting: digits are produced into a small local buffer, then the
 * sign, zero padding and space padding are laid out around them. */
static void output_number(struct output *out, const struct spec *spec, uint64_t value,
                          bool negative, unsigned base, bool upper, const char *prefix)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24]; /* 2^64 needs 20 decimal or 16 hex digits */
    int count = 0;
    /* C prints no digits for zero at precision 0 ("%.0d"). */
    if (value != 0 || spec->precision != 0) {
        do {
            tmp[count++] = digits[value % base];
            value /= base;
        } while (value != 0);
    }

    int prefix_len = 0;
    while (prefix[prefix_len] != '\0')
        prefix_len++;
    int body = count + prefix_len + (negative ? 1 : 0);
    int zeros = 0;
    if (spec->precision > count) /* %s may need any precision; numbers may not */
        zeros = (spec->precision > FORMAT_MAX_FIELD ? FORMAT_MAX_FIELD : spec->precision) - count;
    else if (spec->zero && !spec->left && spec->precision < 0 && spec->width > body)
        zeros = spec->width - body;
    int pad = spec->width > body + zeros ? spec->width - body - zeros : 0;

    if (!spec->left)
        output_repeat(out, ' ', pad);
    if (negative)
        output_char(out, '-');
    for (int i = 0; i < prefix_len; i++)
        output_char(out, prefix[i]);
    output_repeat(out, '0', zeros);
    while (count > 0)
        output_char(out, tmp[--count]);
    if (spec->left)
        output_repeat(out, ' ', pad);
}

/* Reads a decimal number or '*' from the format; returns the new position. */
static const char *parse_count(const char *fmt, va_list *args, int *value)
{
    if (*fmt == '*') {
        *value = va_arg(*args, int);
        return fmt + 1;
    }
    int v = 0;
    while (*fmt >= '0' && *fmt <= '9') {
        if (v < 100000) /* widths beyond this are nonsense; stop growing */
            v = v * 10 + (*fmt - '0');
        fmt++;
    }
    *value = v;
    return fmt;
}

static const char *parse_spec(const char *fmt, va_list *args, struct spec *spec)
{
    spec->left = false;
    spec->zero = false;
    spec->precision = -1;
    spec->length = 0;
    for (;; fmt++) {
        if (*fmt == '-')
            spec->left = true;
        else if (*fmt == '0')
            spec->zero = true;
        else
            break;
    }
    fmt = parse_count(fmt, args, &spec->width);
    if (spec->width < 0) { /* a negative '*' width means left-justified */
        spec->left = true;
        spec->width = spec->width == INT_MIN ? FORMAT_MAX_FIELD : -spec->width;
    }
    if (spec->width > FORMAT_MAX_FIELD)
        spec->width = FORMAT_MAX_FIELD;
    if (*fmt == '.') {
        fmt = parse_count(fmt + 1, args, &spec->precision);
        if (spec->precision < 0)
            spec->precision = -1;
    }
    if (fmt[0] == 'l' && fmt[1] == 'l') {
        spec->length = 2;
        fmt += 2;
    } else if (fmt[0] == 'l') {
        spec->length = 1;
        fmt++;
    } else if (fmt[0] == 'z') {
        spec->length = 3;
        fmt++;
    } else if (fmt[0] == 'h' && fmt[1] == 'h') {
        spec->length = -2;
        fmt += 2;
    } else if (fmt[0] == 'h') {
        spec->length = -1;
        fmt++;
    }
    return fmt;
}

static int64_t fetch_signed(va_list *args, int length)
{
    switch (length) {
    case 1: return va_arg(*args, long);
    case 2: return va_arg(*args, long long);
    case 3: return (int64_t)va_arg(*args, size_t);
    case -1: return (short)va_arg(*args, int);
    case -2: return (signed char)va_arg(*args, int);
    default: return va_arg(*args, int);
    }
}

static uint64_t fetch_unsigned(va_list *args, int length)
{
    switch (length) {
    case 1: return va_arg(*args, unsigned long);
    case 2: return va_arg(*args, unsigned long long);
    case 3: return va_arg(*args, size_t);
    case -1: return (unsigned short)va_arg(*args, unsigned int);
    case -2: return (unsigned char)va_arg(*args, unsigned int);
    default: return va_arg(*args, unsigned int);
    }
}

static void output_string(struct output *out, const struct spec *spec, const char *s)
{
    if (s == NULL)
        s = "(null)";
    size_t len = 0; /* never read past the precision: the buffer may not end in NUL */
    while ((spec->precision < 0 || len < (size_t)spec->precision) && s[len] != '\0')
        len++;
    output_padded(out, spec, s, len);
}

/* Formats one conversion `c`; returns false if `c` is not a known conversion. */
static bool output_conversion(struct output *out, const struct spec *spec, char c,
                              va_list *args)
{
    switch (c) {
    case 'd':
    case 'i': {
        int64_t v = fetch_signed(args, spec->length);
        uint64_t magnitude = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
        output_number(out, spec, magnitude, v < 0, 10, false, "");
        return true;
    }
    case 'u':
        output_number(out, spec, fetch_unsigned(args, spec->length), false, 10, false, "");
        return true;
    case 'x':
    case 'X':
        output_number(out, spec, fetch_unsigned(args, spec->length), false, 16, c == 'X', "");
        return true;
    case 'p':
        output_number(out, spec, (uintptr_t)va_arg(*args, void *), false, 16, false, "0x");
        return true;
    case 'c': {
        char ch = (char)va_arg(*args, int);
        output_padded(out, spec, &ch, 1);
        return true;
    }
    case 's':
        output_string(out, spec, va_arg(*args, const char *));
        return true;
    case '%':
        output_char(out, '%');
        return true;
    default:
        return false;
    }
}

size_t kvsnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
    struct output out = { buf, size, 0 };
    va_list ap;
    va_copy(ap, args);
    while (*fmt != '\0') {
        if (*fmt != '%') {
            output_char(&out, *fmt++);
            continue;
        }
        const char *start = fmt;
        struct spec spec;
        fmt = parse_spec(fmt + 1, &ap, &spec);
        if (*fmt != '\0' && output_conversion(&out, &spec, *fmt, &ap)) {
            fmt++;
            continue;
        }
        /* Unknown or truncated conversion: show it as written. */
        while (start < fmt)
            output_char(&out, *start++);
        if (*fmt != '\0')
            output_char(&out, *fmt++);
    }
    va_end(ap);
    if (size > 0)
        buf[out.len < size ? out.len : size - 1] = '\0';
    return out.len;
}

size_t ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    size_t len = kvsnprintf(buf, size, fmt, args);
    va_end(args);
    return len;
}
