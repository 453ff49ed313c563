/* strv: a growable NULL-terminated vector of heap strings (argv, envp). */
#ifndef TRACECAST_STRV_H
#define TRACECAST_STRV_H

#include <stddef.h>

typedef struct strv {
	char **v;     /* NULL-terminated; NULL when empty and never grown */
	size_t n;
	size_t cap;
} strv_t;

void strv_init(strv_t *s);
/* Append a copy of str. Returns 0 or -ENOMEM. */
int strv_push(strv_t *s, const char *str);
/* Insert a copy of str at position i (0..n). Returns 0 or -ENOMEM. */
int strv_insert(strv_t *s, size_t i, const char *str);
/* Set NAME=VALUE in an envp-like vector, replacing an existing NAME. */
int strv_setenv(strv_t *s, const char *name, const char *value);
/* The n strings of argv (NULL-terminated when n is (size_t)-1) joined
 * with sep, as one malloc'd string ("" for none). NULL on ENOMEM. */
char *strv_join(char *const *argv, size_t n, const char *sep);
/* Free the strings and the vector; s is left empty. */
void strv_cleanup(strv_t *s);

#endif
