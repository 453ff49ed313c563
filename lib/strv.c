/* strv: a growable NULL-terminated vector of heap strings (argv, envp). */
#include "tracecast/strv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void strv_init(strv_t *s)
{
	s->v = NULL;
	s->n = 0;
	s->cap = 0;
}

/* Make room for one more string and the NULL terminator. */
static int strv_grow(strv_t *s)
{
	size_t cap;
	char **v;

	if (s->n + 2 <= s->cap)
		return 0;
	cap = s->cap ? 2 * s->cap : 8;
	v = realloc(s->v, cap * sizeof *v);
	if (!v)
		return -ENOMEM;
	s->v = v;
	s->cap = cap;
	return 0;
}

int strv_insert(strv_t *s, size_t i, const char *str)
{
	char *copy;

	if (i > s->n)
		return -EINVAL;
	if (strv_grow(s) < 0)
		return -ENOMEM;
	copy = strdup(str);
	if (!copy)
		return -ENOMEM;
	memmove(s->v + i + 1, s->v + i, (s->n - i) * sizeof *s->v);
	s->v[i] = copy;
	s->n++;
	s->v[s->n] = NULL;
	return 0;
}

int strv_push(strv_t *s, const char *str)
{
	return strv_insert(s, s->n, str);
}

int strv_setenv(strv_t *s, const char *name, const char *value)
{
	size_t nlen = strlen(name), vlen = strlen(value);
	char *entry;

	if (!nlen || strchr(name, '='))
		return -EINVAL;
	if (strv_grow(s) < 0)
		return -ENOMEM;
	entry = malloc(nlen + vlen + 2);
	if (!entry)
		return -ENOMEM;
	memcpy(entry, name, nlen);
	entry[nlen] = '=';
	memcpy(entry + nlen + 1, value, vlen + 1);
	for (size_t i = 0; i < s->n; i++) {
		if (!strncmp(s->v[i], name, nlen) && s->v[i][nlen] == '=') {
			free(s->v[i]);
			s->v[i] = entry;
			return 0;
		}
	}
	s->v[s->n++] = entry;
	s->v[s->n] = NULL;
	return 0;
}

void strv_cleanup(strv_t *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	strv_init(s);
}

char *strv_join(char *const *argv, size_t n, const char *sep)
{
	size_t len = 1, slen = strlen(sep), k;
	char *s, *p;

	for (k = 0; k < n && argv[k]; k++)
		len += strlen(argv[k]) + slen;
	n = k;
	s = malloc(len);
	if (!s)
		return NULL;
	p = s;
	for (k = 0; k < n; k++) {
		size_t l = strlen(argv[k]);
		if (k) {
			memcpy(p, sep, slen);
			p += slen;
		}
		memcpy(p, argv[k], l);
		p += l;
	}
	*p = '\0';
	return s;
}
