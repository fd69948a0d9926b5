/* PS/2 keyboard, polled through the 8042 controller (ports 0x60/0x64),
 * scancode set 1 (the controller translates by default) to ASCII.
 *
 * Handles shift, caps lock and ctrl (ctrl+letter gives the control code,
 * e.g. ctrl+C = 0x03); extended (0xe0) keys and key releases other than the
 * modifiers produce nothing. keyboard_decode is pure state-machine code with
 * no port I/O so that host tests can feed it scancodes. */
#ifndef NONOS_CONSOLE_KEYBOARD_H
#define NONOS_CONSOLE_KEYBOARD_H

#include <stdbool.h>
#include <stdint.h>

struct keyboard_state {
    bool shift_left, shift_right, ctrl, caps_lock;
    bool extended; /* the previous byte was the 0xe0 prefix */
};

/* Feeds one scancode byte; returns the ASCII character it produces, or -1. */
int keyboard_decode(struct keyboard_state *state, uint8_t scancode);

void keyboard_init(void);

/* The next character typed on the PS/2 keyboard, or -1. Never blocks. */
int keyboard_read(void);

/* True when the controller holds a byte (which may decode to no
 * character: a key release, a mouse byte). */
bool keyboard_pending(void);

#endif
