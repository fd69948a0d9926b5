/* File and path helpers of the host tool. */
#define _DEFAULT_SOURCE /* readlink, getrandom */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tool.h"

bool file_read(const char *path, size_t max, uint8_t **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "nonos-capsule: cannot open %s: %s\n", path, strerror(errno));
        return false;
    }
    uint8_t *buf = malloc(max + 1);
    size_t n = buf != NULL ? fread(buf, 1, max + 1, f) : 0;
    bool ok = buf != NULL && !ferror(f) && n <= max;
    fclose(f);
    if (!ok) {
        fprintf(stderr, "nonos-capsule: cannot read %s (or larger than %zu bytes)\n",
                path, max);
        free(buf);
        return false;
    }
    *data = buf;
    *len = n;
    return true;
}

bool file_write(const char *path, const void *data, size_t len, int mode,
                bool exclusive)
{
    int flags = O_WRONLY | O_CREAT | (exclusive ? O_EXCL : O_TRUNC);
    int fd = open(path, flags, mode);
    if (fd < 0) {
        fprintf(stderr, "nonos-capsule: cannot create %s: %s\n", path,
                errno == EEXIST ? "it already exists (refusing to overwrite)"
                                : strerror(errno));
        return false;
    }
    const uint8_t *p = data;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w <= 0) {
            fprintf(stderr, "nonos-capsule: write %s: %s\n", path, strerror(errno));
            close(fd);
            return false;
        }
        p += w;
        len -= (size_t)w;
    }
    return close(fd) == 0;
}

bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

bool path_join(char *out, size_t cap, const char *a, const char *b)
{
    int n = snprintf(out, cap, "%s/%s", a, b);
    if (n < 0 || (size_t)n >= cap) {
        fprintf(stderr, "nonos-capsule: path too long: %s/%s\n", a, b);
        return false;
    }
    return true;
}

bool wants_help(int argc, char **argv, const char *usage)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage, stdout);
            return true;
        }
    }
    return false;
}
