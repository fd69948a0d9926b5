/* The shell's command lines: a command word, then its arguments. Pure:
 * tested on the host. */
#ifndef NONOS_USER_SHELL_PARSE_H
#define NONOS_USER_SHELL_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct shell_words {
    const char *command; /* the first word (not NUL-terminated) */
    size_t command_length;  /* 0: a blank line */
    const char *arguments;  /* the rest, blanks around it removed */
    size_t arguments_length;
};

/* Splits line[0..length) at the first blank (space or tab). */
struct shell_words shell_split(const char *line, size_t length);

/* Parses a process id argument: one decimal number, nothing else. */
bool shell_parse_id(const char *arguments, size_t length, uint64_t *id);

/* Checks a capsule name argument: one word of 1..64 bytes. */
bool shell_parse_name(const char *arguments, size_t length);

#endif
