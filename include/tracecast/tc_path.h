/* tc_path: find a command in PATH as execvp(3) does.
 *
 * A name holding a '/' is taken as is. Otherwise each PATH entry is tried
 * in order; an empty entry (leading, trailing or doubled ':') means the
 * current folder, as in execvp and POSIX sh. PATH unset means
 * "/bin:/usr/bin" (glibc's execvp default). */
#ifndef TRACECAST_TC_PATH_H
#define TRACECAST_TC_PATH_H

/* 0 when path names a file we may execute, else -errno as execve would
 * give it (-ENOENT, -EACCES for a folder or a file without x). */
int tc_path_exec_ok(const char *path);

/* Search name in path_env (NULL: the default above). On success *found
 * (if not NULL) gets a malloc'd path. Returns 0, -ENOENT (nowhere),
 * -EACCES (only non-executable matches: execvp's errno then) or -ENOMEM. */
int tc_path_search(const char *name, const char *path_env, char **found);

#endif
