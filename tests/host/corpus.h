/* Committed corpora of crypto inputs with the exact result each must give
 * (tests/corpus/NAME/), shared by the host tests of lib/crypto. A file is
 * named WHAT.RESULT; RESULT is the enum crypto_result the checked call must
 * return: ok, verify, encoding, weak-key, parameter, memory, or length (an
 * input the fuzz layout cannot turn into a call at all, which the caller
 * refuses: counted as CRYPTO_ERR_PARAMETER). The same files seed the
 * libFuzzer target, which reads them in its own input layout.
 *
 * corpus_check runs every file through a check function and fails when one
 * gives another result, when a name has no known RESULT, or when the
 * directory holds no file at all (a check that ran nothing must not pass).
 * corpus_write is for the corpus-make modes that generate the files. Test-only
 * code (uses libc). */
#ifndef NONOS_TESTS_HOST_CORPUS_H
#define NONOS_TESTS_HOST_CORPUS_H

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "tests/host/test.h"

#define CORPUS_MAX_FILE 65536

/* The check of one file: returns the result the code under test gave. */
typedef enum crypto_result (*corpus_check_fn)(const char *name, const uint8_t *bytes, size_t len);

static const struct {
    const char *suffix;
    enum crypto_result result;
} corpus_suffixes[] = {
    { ".ok", CRYPTO_OK },
    { ".verify", CRYPTO_ERR_VERIFY },
    { ".encoding", CRYPTO_ERR_ENCODING },
    { ".weak-key", CRYPTO_ERR_WEAK_KEY },
    { ".parameter", CRYPTO_ERR_PARAMETER },
    { ".memory", CRYPTO_ERR_MEMORY },
    { ".length", CRYPTO_ERR_PARAMETER },
};

/* The expected result named by the file's suffix; false for none. */
__attribute__((unused)) static bool corpus_expected(const char *name, enum crypto_result *result)
{
    const char *dot = strrchr(name, '.');
    if (dot == NULL)
        return false;
    for (size_t i = 0; i < sizeof corpus_suffixes / sizeof corpus_suffixes[0]; i++) {
        if (strcmp(dot, corpus_suffixes[i].suffix) == 0) {
            *result = corpus_suffixes[i].result;
            return true;
        }
    }
    return false;
}

/* Reads DIR/NAME into bytes; false when unreadable or too long. */
__attribute__((unused)) static bool corpus_read(const char *directory, const char *name,
                                                uint8_t *bytes, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", directory, name);
    FILE *file = fopen(path, "rb");
    if (file == NULL)
        return false;
    *len = fread(bytes, 1, CORPUS_MAX_FILE, file);
    bool complete = fgetc(file) == EOF && !ferror(file);
    fclose(file);
    return complete;
}

/* One file: true when it gives the result its name says (details on stderr). */
__attribute__((unused)) static bool corpus_check_file(const char *directory, const char *name,
                                                      corpus_check_fn check)
{
    static uint8_t bytes[CORPUS_MAX_FILE];
    enum crypto_result expected;
    size_t len = 0;
    if (!corpus_expected(name, &expected)) {
        fprintf(stderr, "corpus %s/%s: no expected result in the name\n", directory, name);
        return false;
    }
    if (!corpus_read(directory, name, bytes, &len)) {
        fprintf(stderr, "corpus %s/%s: unreadable or over %d bytes\n", directory, name,
                CORPUS_MAX_FILE);
        return false;
    }
    enum crypto_result got = check(name, bytes, len);
    if (got != expected)
        fprintf(stderr, "corpus %s/%s: got %s, expected %s\n", directory, name,
                crypto_result_message(got), crypto_result_message(expected));
    return got == expected;
}

/* Every file of the directory through check; one PASS or FAIL line.
 * Returns the number of files read, for the caller's own checks over them. */
__attribute__((unused)) static unsigned corpus_check(const char *label, const char *directory,
                                                     corpus_check_fn check)
{
    unsigned files = 0, failed = 0;
    DIR *dir = opendir(directory);
    if (dir == NULL) {
        test_check(false, "%s: cannot open %s", label, directory);
        return 0;
    }
    for (struct dirent *entry; (entry = readdir(dir)) != NULL;) {
        if (entry->d_name[0] == '.')
            continue;
        files++;
        failed += !corpus_check_file(directory, entry->d_name, check);
    }
    closedir(dir);
    test_check(files > 0 && failed == 0, "%s: %u files in %s give their exact result, %u differ",
               label, files - failed, directory, failed);
    return files;
}

/* Writes DIR/NAME; a failure ends the program (corpus-make modes only). */
__attribute__((unused)) static void corpus_write(const char *directory, const char *name,
                                                 const uint8_t *bytes, size_t len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", directory, name);
    FILE *file = fopen(path, "wb");
    if (file == NULL || fwrite(bytes, 1, len, file) != len || fclose(file) != 0) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(2);
    }
}

#endif
