/* python_source: put the sampler's sitecustomize on the child's
 * PYTHONPATH; the samples themselves arrive through the ctl source. */
#include "python_source.h"

#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct python_source {
	unsigned hz;
	char dir[PATH_MAX];
	char native[PATH_MAX]; /* folder of _tracecast_sampler*.so, or "" */
} python_source_t;

/* Is dir a sampler folder (has our sitecustomize.py and sampler)? */
static int py_dir_ok(const char *dir)
{
	char p[PATH_MAX + 32];
	snprintf(p, sizeof(p), "%s/tracecast_sampler.py", dir);
	if (access(p, R_OK) != 0)
		return 0;
	snprintf(p, sizeof(p), "%s/sitecustomize.py", dir);
	return access(p, R_OK) == 0;
}

/* The first folder DIR/rel[i] (DIR: the executable's folder) that ok()
 * accepts, made absolute into buf. Returns 0 or -ENOENT. */
static int py_near_exe(const char *const *rel, size_t n_rel, int (*ok)(const char *),
		       char *buf, size_t size)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return -ENOENT;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (!slash)
		return -ENOENT;
	*slash = '\0';
	for (size_t i = 0; i < n_rel; i++) {
		char cand[PATH_MAX + 64], real[PATH_MAX];
		snprintf(cand, sizeof(cand), "%s%s", exe, rel[i]);
		if (ok(cand) && realpath(cand, real) && strlen(real) < size) {
			snprintf(buf, size, "%s", real);
			return 0;
		}
	}
	return -ENOENT;
}

int python_source_find_dir(char *buf, size_t size)
{
	static const char *const rel[] = {
		"/recorder/python", "/../recorder/python", "/../share/tracecast/python",
	};
	const char *env = getenv("TRACECAST_PYTHONPATH");
	if (env && *env) {
		if (!py_dir_ok(env) || strlen(env) >= size)
			return -ENOENT;
		snprintf(buf, size, "%s", env);
		return 0;
	}
	return py_near_exe(rel, sizeof(rel) / sizeof(rel[0]), py_dir_ok, buf, size);
}

/* Does dir hold a build of the native module (for some Python)? */
static int py_native_ok(const char *dir)
{
	char pat[PATH_MAX + 128];
	glob_t g;
	if (strlen(dir) >= PATH_MAX)
		return 0;
	snprintf(pat, sizeof(pat), "%s/_tracecast_sampler*.so", dir);
	int ok = glob(pat, GLOB_NOSORT, NULL, &g) == 0;
	if (ok)
		globfree(&g);
	return ok;
}

int python_source_find_native(const char *pydir, char *buf, size_t size)
{
	/* beside the binary (the build tree), or installed: PREFIX/lib (an
	 * architecture's file, not in share/) */
	static const char *const rel[] = { "/python", "/build/python", "/../lib/tracecast/python" };

	if (py_near_exe(rel, sizeof(rel) / sizeof(rel[0]), py_native_ok, buf, size) == 0)
		return 0;
	if (py_native_ok(pydir) && strlen(pydir) < size) { /* installed */
		snprintf(buf, size, "%s", pydir);
		return 0;
	}
	return -ENOENT;
}

/* The value of NAME in an envp-like vector, or NULL. */
static const char *py_getenv(const strv_t *env, const char *name)
{
	size_t nl = strlen(name);
	for (size_t i = 0; i < env->n; i++)
		if (strncmp(env->v[i], name, nl) == 0 && env->v[i][nl] == '=')
			return env->v[i] + nl + 1;
	return NULL;
}

static int src_prepare(void *self, rec_spawn_t *spawn)
{
	python_source_t *py = self;
	const char *old = py_getenv(&spawn->env, "PYTHONPATH");
	size_t len = strlen(py->dir) + (old ? strlen(old) : 0) + 2;
	char *val = malloc(len);
	char hz[16];
	int r = -ENOMEM;
	if (!val)
		return -ENOMEM;
	/* ours first so Python finds our sitecustomize; it chains theirs */
	if (old && *old)
		snprintf(val, len, "%s:%s", py->dir, old);
	else
		snprintf(val, len, "%s", py->dir);
	snprintf(hz, sizeof(hz), "%u", py->hz);
	if (strv_setenv(&spawn->env, "PYTHONPATH", val) < 0 ||
	    strv_setenv(&spawn->env, "TRACECAST_PY_HZ", hz) < 0)
		goto out;
	/* set already (empty: the pure-Python sampler): the user's choice */
	if (py->native[0] && !py_getenv(&spawn->env, "TRACECAST_PY_NATIVE") &&
	    strv_setenv(&spawn->env, "TRACECAST_PY_NATIVE", py->native) < 0)
		goto out;
	if (spawn->sources) {
		json_t *prof = json_object_get(spawn->sources, "profile");
		if (!prof) {
			prof = json_object();
			if (!prof || json_object_set_new(spawn->sources, "profile", prof) < 0)
				goto out;
		}
		if (json_object_set_new(prof, "python_hz", json_integer(py->hz)) < 0 ||
		    json_object_set_new(prof, "python_sampler", json_string("inside")) < 0)
			goto out;
	}
	r = 0;
out:
	free(val);
	return r;
}

static void src_free(void *self)
{
	free(self);
}

int python_source_new(rec_source_t *src, unsigned hz, rec_notes_t *notes)
{
	if (hz < 1 || hz > 10000)
		return -EINVAL;
	python_source_t *py = calloc(1, sizeof(*py));
	if (!py)
		return -ENOMEM;
	py->hz = hz;
	const char *env = getenv("TRACECAST_PYTHONPATH");
	if (python_source_find_dir(py->dir, sizeof(py->dir)) < 0 && env && *env) {
		rec_note(notes, "tracecast: --profile=python: TRACECAST_PYTHONPATH=%s does not "
			 "hold sitecustomize.py and tracecast_sampler.py; point it at "
			 "recorder/python of the source tree (or unset it)", env);
		free(py);
		return -ENOENT;
	} else if (!py->dir[0]) {
		rec_note(notes, "tracecast: --profile=python: the Python sampler folder "
			 "(sitecustomize.py, tracecast_sampler.py) was not found next to the "
			 "tracecast binary nor in ../share/tracecast/python; reinstall, or set "
			 "TRACECAST_PYTHONPATH to the folder (recorder/python in the source tree)");
		free(py);
		return -ENOENT;
	}
	if (python_source_find_native(py->dir, py->native, sizeof(py->native)) < 0)
		py->native[0] = '\0'; /* not built: the pure-Python sampler runs */
	memset(src, 0, sizeof(*src));
	src->name = "python";
	src->late = true;
	src->self = py;
	src->prepare = src_prepare;
	src->free = src_free;
	return 0;
}
