/* rec_header: the recording's header object, and its redaction. */
#include "rec_header.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "redact.h"
#include "tracecast/utf8.h"

json_t *rec_header_new(const rec_header_opts_t *o)
{
	json_t *h = json_object(), *env = json_object(), *tc = json_object();
	char *vars = o->env_vars ? strdup(o->env_vars) : NULL, *save = NULL;

	if (!h || !env || !tc) {
		json_decref(h);
		json_decref(env);
		json_decref(tc);
		free(vars);
		return NULL;
	}
	json_object_set_new(h, "version", json_integer(2));
	json_object_set_new(h, "width", json_integer(o->cols));
	json_object_set_new(h, "height", json_integer(o->rows));
	json_object_set_new(h, "timestamp", json_integer(o->start_unix_ns / 1000000000));
	if (o->has_idle)
		json_object_set_new(h, "idle_time_limit", json_real(o->idle_time_limit));
	if (o->title)
		json_object_set_new(h, "title", json_string(o->title));
	if (o->command)
		json_object_set_new(h, "command", json_string(o->command));
	for (char *v = vars ? strtok_r(vars, ",", &save) : NULL; v; v = strtok_r(NULL, ",", &save)) {
		const char *val = getenv(v);
		if (val && utf8_valid(val, strlen(val)))
			json_object_set_new(env, v, json_string(val));
	}
	free(vars);
	json_object_set_new(h, "env", env);
	json_object_set_new(tc, "version", json_integer(1));
	json_object_set_new(tc, "start_unix_ns", json_integer(o->start_unix_ns));
	json_object_set_new(tc, "clock", json_string("monotonic"));
	if (o->sources)
		json_object_set(tc, "sources", o->sources);
	/* an "s" event is stamped when its call ended (FORMAT.md) */
	json_object_set_new(tc, "s_time", json_string("end"));
	/* Unknown until the end where the header cannot be patched. */
	json_object_set_new(tc, "redactions",
			    o->redactions_unknown ? json_null() : json_integer(0));
	json_object_set_new(h, "tracecast", tc);
	return h;
}

/* Redact every string inside j (object values, array items) in place. */
static int rec_header_redact_json(redact_t *rd, json_t *j)
{
	const char *key;
	json_t *v;
	size_t i;

	if (json_is_string(j)) {
		size_t n;
		char *red = redact_apply(rd, json_string_value(j), json_string_length(j), &n);
		if (!red)
			return -ENOMEM;
		/* a match that cut a character leaves nothing of the string */
		int ret = json_string_setn(j, utf8_valid(red, n) ? red : REDACT_TEXT,
					   utf8_valid(red, n) ? n : strlen(REDACT_TEXT));
		free(red);
		return ret < 0 ? -ENOMEM : 0;
	}
	if (json_is_object(j)) {
		json_object_foreach(j, key, v)
			if (rec_header_redact_json(rd, v) < 0)
				return -ENOMEM;
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			if (rec_header_redact_json(rd, v) < 0)
				return -ENOMEM;
	}
	return 0;
}

int rec_header_redact(json_t *h, redact_t *rd)
{
	static const char *const keys[] = { "title", "command", "env" };
	int ret = 0;

	for (size_t k = 0; k < sizeof keys / sizeof keys[0] && ret == 0; k++) {
		json_t *v = json_object_get(h, keys[k]);
		if (v)
			ret = rec_header_redact_json(rd, v);
	}
	json_t *src = json_object_get(json_object_get(h, "tracecast"), "sources");
	if (src && ret == 0)
		ret = rec_header_redact_json(rd, src);
	return ret;
}
