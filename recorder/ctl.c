/* ctl: the control socket, a rec_source_t that turns JSON lines from
 * programs inside the session into "m" and "p" events.
 *
 * One epoll fd gathers the listening socket and its clients, so the
 * recorder's loop polls a single fd for the whole source. */
#include "ctl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "tracecast/fdio.h"
#include "tracecast/jstr.h"
#include "tracecast/tc_clock.h"
#include "tracecast/tc_tmpdir.h"

typedef struct ctl_client {
	int fd;
	char *line;
	size_t len;
	bool overlong;  /* dropping the rest of a line past CTL_LINE_MAX */
	bool batch;     /* sends stamped lines: read on the batch grid */
} ctl_client_t;

typedef struct ctl {
	char dir[108];  /* sizeof sun_path: the socket's path fits */
	char path[108];
	int lfd;        /* listening socket */
	int efd;        /* epoll over lfd and the clients */
	ctl_client_t cl[CTL_CLIENTS];
	bool batching;      /* stamped clients go to batch mode */
	size_t n_batch;     /* clients in batch mode */
	int64_t next_batch; /* when they are read next */
	char *scratch;      /* CTL_LINE_MAX + 1: a sample's unescaped data */
	unsigned long accepted, dropped;
	unsigned long limited;  /* lines over the rate limit, dropped */
	double tokens;          /* the rate limit's buckets: lines */
	double btokens;         /* and bytes */
	int64_t tokens_at;      /* when it was last filled */
	ctl_tid_fn on_tid;      /* {"sampler_tid":N} lines go here */
	void *tid_user;
	ctl_client_t *first;    /* read first at the next wake-up */
} ctl_t;

/* The rate limit: buckets of CTL_RATE_BURST lines and CTL_RATE_BYTES
 * bytes, filled at CTL_RATE lines and CTL_RATE_BYTES bytes a second. A
 * line that finds either too low is dropped and counted. */
static bool ctl_take_token(ctl_t *c, int64_t now, size_t len)
{
	if (now > c->tokens_at) {
		double dt = (double)(now - c->tokens_at) / 1e9;
		c->tokens += dt * CTL_RATE;
		if (c->tokens > CTL_RATE_BURST)
			c->tokens = CTL_RATE_BURST;
		c->btokens += dt * CTL_RATE_BYTES;
		if (c->btokens > CTL_RATE_BYTES)
			c->btokens = CTL_RATE_BYTES;
		c->tokens_at = now;
	}
	if (c->tokens < 1 || c->btokens < (double)len) {
		c->limited++;
		return false;
	}
	c->tokens -= 1;
	c->btokens -= (double)len;
	return true;
}

/* The samplers' lines, exactly as tracecast_sampler.py and pysampler.c
 * write them: {"code":"p","data":"...","time":N}. Read without jansson
 * (a tenth of the recorder's work under --profile=python): the data
 * string is unescaped by jstr_unescape, which accepts exactly what jansson
 * accepts; N must be 1 to 18 digits, no leading zero. Anything else, even
 * valid JSON in another form, goes to jansson. Returns the time, or 0 with
 * nothing emitted. */
static int64_t ctl_sample_line(ctl_t *c, const char *s, size_t len, int64_t now,
			       const rec_emit_t *out)
{
	static const char head[] = "{\"code\":\"p\",\"data\":\"", mid[] = "\",\"time\":";
	const size_t hl = sizeof head - 1, ml = sizeof mid - 1;
	const char *end = s + len, *q, *d;
	int64_t t = 0;

	if (len < hl + ml + 2 || memcmp(s, head, hl) != 0 || s[len - 1] != '}')
		return 0;
	for (q = s + hl; q < end && *q != '"'; q += *q == '\\' ? 2 : 1)
		;
	if (q >= end || (size_t)(end - q) < ml + 2 || memcmp(q, mid, ml) != 0)
		return 0;
	d = q + ml;
	if (*d < '1' || *d > '9' || end - 1 - d > 18)
		return 0;
	for (; d < end - 1; d++) {
		if (*d < '0' || *d > '9')
			return 0;
		t = t * 10 + (*d - '0');
	}
	long n = jstr_unescape(c->scratch, s + hl, (size_t)(q - (s + hl)), NULL);
	if (n < 0)
		return 0; /* jansson says why: dropped there */
	out->emit(out->user, t > now ? now : t, "p", c->scratch, (size_t)n);
	c->accepted++;
	return t;
}

/* Parse one line and emit it, or count it as dropped. Returns true if it
 * carried its own "time". */
static bool ctl_line(ctl_t *c, const char *s, size_t len, int64_t now,
		     const rec_emit_t *out)
{
	json_error_t jerr;
	json_t *o, *code, *data, *time;
	const char *cs;
	int64_t t = now;

	while (len && (s[len - 1] == '\r' || s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (!len)
		return false; /* blank lines are not errors */
	if (!ctl_take_token(c, now, len))
		return false;
	if (ctl_sample_line(c, s, len, now, out))
		return true;
	o = json_loadb(s, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
	if (!o || !json_is_object(o))
		goto bad;
	json_t *stid = json_object_get(o, "sampler_tid");
	if (stid && json_object_size(o) == 1) {
		/* a sampler thread of a program: its syscalls are not the
		 * program's (strace_source drops their lines) */
		if (!json_is_integer(stid) || json_integer_value(stid) <= 0)
			goto bad;
		if (c->on_tid)
			c->on_tid(c->tid_user, (long)json_integer_value(stid));
		c->accepted++;
		json_decref(o);
		return false;
	}
	code = json_object_get(o, "code");
	data = json_object_get(o, "data");
	time = json_object_get(o, "time");
	if (!json_is_string(code) || !json_is_string(data))
		goto bad;
	cs = json_string_value(code);
	if (strcmp(cs, "m") != 0 && strcmp(cs, "p") != 0)
		goto bad;
	if (time) {
		if (!json_is_integer(time) || json_integer_value(time) <= 0)
			goto bad;
		t = (int64_t)json_integer_value(time);
		if (t > now)
			t = now;
	}
	out->emit(out->user, t, cs, json_string_value(data), json_string_length(data));
	c->accepted++;
	json_decref(o);
	return time != NULL;
bad:
	c->dropped++;
	json_decref(o);
	return false;
}

static void ctl_close_client(ctl_t *c, ctl_client_t *cl)
{
	if (c->first == cl)
		c->first = NULL;
	if (cl->batch)
		c->n_batch--;
	else
		epoll_ctl(c->efd, EPOLL_CTL_DEL, cl->fd, NULL);
	close(cl->fd);
	free(cl->line);
	memset(cl, 0, sizeof *cl);
	cl->fd = -1;
}

/* Accept every pending connection. */
static void ctl_accept(ctl_t *c)
{
	for (;;) {
		int fd = accept4(c->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		ctl_client_t *cl = NULL;
		for (size_t i = 0; i < CTL_CLIENTS && !cl; i++)
			if (c->cl[i].fd < 0)
				cl = &c->cl[i];
		struct epoll_event ev = { .events = EPOLLIN };
		if (!cl || !(cl->line = malloc(CTL_LINE_MAX))) {
			close(fd);
			continue;
		}
		cl->fd = fd;
		ev.data.ptr = cl;
		if (epoll_ctl(c->efd, EPOLL_CTL_ADD, fd, &ev) < 0)
			ctl_close_client(c, cl);
	}
}

/* A client whose lines carry their own times (a sampler) has no need to
 * be read at once: it leaves the epoll set and is read on the batch grid,
 * with every other such client, so its sends never wake the recorder. */
static void ctl_to_batch(ctl_t *c, ctl_client_t *cl, int64_t now)
{
	if (!c->batching || cl->batch || epoll_ctl(c->efd, EPOLL_CTL_DEL, cl->fd, NULL) < 0)
		return;
	cl->batch = true;
	if (c->n_batch++ == 0)
		c->next_batch = rec_batch_next(now, REC_BATCH_NS);
}

/* Read what a client sent, up to budget bytes (the rest waits for the
 * next wake-up: the socket stays readable); complete lines are handled.
 * At EOF a last line without its newline counts too. */
static size_t ctl_read(ctl_t *c, ctl_client_t *cl, int64_t now, const rec_emit_t *out,
		       size_t budget)
{
	char buf[8192];
	bool timed = false;
	size_t got = 0;

	for (;;) {
		if (got >= budget) {
			if (timed)
				ctl_to_batch(c, cl, now);
			return got;
		}
		ssize_t n = read(cl->fd, buf, sizeof buf);
		/* A line's "time" is clamped to now, the loop's time of the
		 * wake-up. A batch read comes later in the wake-up than a poll's
		 * read: a sampler may have sent meanwhile, so take the time again
		 * (with a window on, as batching needs, order is kept anyway). */
		if (cl->batch)
			now = tc_clock_mono_ns();
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (timed)
				ctl_to_batch(c, cl, now);
			return got;
		}
		if (n <= 0) {
			if (cl->overlong)
				c->dropped++;
			else if (cl->len)
				ctl_line(c, cl->line, cl->len, now, out);
			ctl_close_client(c, cl);
			return got;
		}
		got += (size_t)n;
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n') {
				if (cl->overlong)
					c->dropped++;
				else if (ctl_line(c, cl->line, cl->len, now, out))
					timed = true;
				cl->len = 0;
				cl->overlong = false;
			} else if (cl->overlong) {
				continue;
			} else if (cl->len == CTL_LINE_MAX) {
				cl->overlong = true;
			} else {
				cl->line[cl->len++] = buf[i];
			}
		}
	}
}

static int ctl_prepare(void *self, rec_spawn_t *spawn)
{
	ctl_t *c = self;

	return strv_setenv(&spawn->env, "TRACECAST_CTL", c->path);
}

static int ctl_poll_fd(void *self)
{
	return ((ctl_t *)self)->efd;
}

static int ctl_readable(void *self, int64_t mono_ns, const rec_emit_t *out)
{
	ctl_t *c = self;
	struct epoll_event ev[CTL_CLIENTS + 1];
	int n = epoll_wait(c->efd, ev, CTL_CLIENTS + 1, 0), start = 0;
	size_t left = CTL_WAKE_BUDGET;

	/* In the order epoll gives; but when the last wake-up's budget ran out
	 * before a client was read, that client comes first this time. */
	for (int i = 0; i < n && c->first; i++)
		if (ev[i].data.ptr == c->first)
			start = i;
	c->first = NULL;
	for (int k = 0; k < n; k++) {
		struct epoll_event *e = &ev[(start + k) % n];
		if (e->data.ptr == NULL) {
			ctl_accept(c);
			continue;
		}
		if (!left) {
			c->first = e->data.ptr;
			break;
		}
		size_t b = left < CTL_READ_BUDGET ? left : CTL_READ_BUDGET;
		size_t got = ctl_read(c, e->data.ptr, mono_ns, out, b);
		left -= got < left ? got : left;
	}
	return 0;
}

static int64_t ctl_deadline(void *self)
{
	ctl_t *c = self;

	return c->n_batch ? c->next_batch : INT64_MAX;
}

static void ctl_tick(void *self, int64_t mono_ns, const rec_emit_t *out)
{
	ctl_t *c = self;

	for (size_t i = 0; i < CTL_CLIENTS; i++)
		if (c->cl[i].fd >= 0 && c->cl[i].batch)
			ctl_read(c, &c->cl[i], mono_ns, out, CTL_READ_BUDGET);
	c->next_batch = rec_batch_next(mono_ns, REC_BATCH_NS);
}

static void ctl_finish(void *self, int64_t mono_ns, const rec_emit_t *out)
{
	ctl_t *c = self;

	ctl_accept(c);
	/* what was queued before the end; a client still flooding does not
	 * hold the end up past its budget */
	for (size_t i = 0; i < CTL_CLIENTS; i++)
		if (c->cl[i].fd >= 0)
			ctl_read(c, &c->cl[i], mono_ns, out, CTL_FINISH_BUDGET);
}

static void ctl_free(void *self)
{
	ctl_t *c = self;

	if (!c)
		return;
	for (size_t i = 0; i < CTL_CLIENTS; i++)
		if (c->cl[i].fd >= 0)
			ctl_close_client(c, &c->cl[i]);
	if (c->lfd >= 0)
		close(c->lfd);
	if (c->efd >= 0)
		close(c->efd);
	if (c->path[0])
		unlink(c->path);
	if (c->dir[0])
		rmdir(c->dir);
	free(c->scratch);
	free(c);
}

int ctl_source_new(rec_source_t *src, rec_notes_t *notes)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };
	ctl_t *c = calloc(1, sizeof *c);
	int ret;

	memset(src, 0, sizeof *src);
	if (!c || !(c->scratch = malloc(CTL_LINE_MAX + 1))) {
		free(c);
		return -ENOMEM;
	}
	c->lfd = c->efd = -1;
	c->tokens = CTL_RATE_BURST;
	c->btokens = CTL_RATE_BYTES;
	c->tokens_at = tc_clock_mono_ns();
	for (size_t i = 0; i < CTL_CLIENTS; i++)
		c->cl[i].fd = -1;
	_Static_assert(sizeof c->dir == sizeof sa.sun_path, "the socket path fits sun_path");
	ret = tc_tmpdir_make("tracecast-ctl", strlen("/ctl.sock"), c->dir, sizeof c->dir);
	if (ret < 0) {
		rec_note(notes, "tracecast: cannot create a folder for the control socket "
			 "(in $TMPDIR or /tmp): %s", strerror(-ret));
		goto fail;
	}
	size_t dl = strlen(c->dir); /* tc_tmpdir left room for the name */
	memcpy(c->path, c->dir, dl);
	memcpy(c->path + dl, "/ctl.sock", sizeof "/ctl.sock");
	memcpy(sa.sun_path, c->path, strlen(c->path) + 1);
	c->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	c->efd = epoll_create1(EPOLL_CLOEXEC);
	if (c->lfd < 0 || c->efd < 0 || bind(c->lfd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
	    listen(c->lfd, 64) < 0 || epoll_ctl(c->efd, EPOLL_CTL_ADD, c->lfd, &ev) < 0) {
		ret = -errno;
		rec_note(notes, "tracecast: cannot open the control socket %s: %s",
			 c->path, strerror(errno));
		if (c->lfd >= 0)
			unlink(c->path);
		c->path[0] = '\0';
		goto fail;
	}
	src->name = "ctl";
	src->self = c;
	src->prepare = ctl_prepare;
	src->poll_fd = ctl_poll_fd;
	src->readable = ctl_readable;
	src->deadline = ctl_deadline;
	src->tick = ctl_tick;
	src->finish = ctl_finish;
	src->free = ctl_free;
	return 0;
fail:
	ctl_free(c);
	return ret;
}

const char *ctl_source_path(const rec_source_t *src)
{
	return ((const ctl_t *)src->self)->path;
}

void ctl_source_on_sampler_tid(rec_source_t *src, ctl_tid_fn fn, void *user)
{
	ctl_t *c = src->self;

	c->on_tid = fn;
	c->tid_user = user;
}

void ctl_source_batch(rec_source_t *src, bool on)
{
	((ctl_t *)src->self)->batching = on;
}

unsigned long ctl_source_accepted(const rec_source_t *src)
{
	return ((const ctl_t *)src->self)->accepted;
}

unsigned long ctl_source_dropped(const rec_source_t *src)
{
	return ((const ctl_t *)src->self)->dropped;
}

unsigned long ctl_source_limited(const rec_source_t *src)
{
	return ((const ctl_t *)src->self)->limited;
}

int ctl_send(const char *path, const char *code, const char *data, int64_t time_ns)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	json_t *o;
	char *text;
	int fd, ret = 0;

	if (strlen(path) >= sizeof sa.sun_path)
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	o = json_pack("{s:s, s:s}", "code", code, "data", data ? data : "");
	if (!o)
		return -EINVAL;
	if (time_ns > 0)
		json_object_set_new(o, "time", json_integer(time_ns));
	text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!text)
		return -ENOMEM;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		ret = -errno;
		goto out;
	}
	size_t len = strlen(text);
	text[len++] = '\n'; /* json_dumps leaves room: replace the NUL */
	ret = fdio_write_all(fd, text, len);
out:
	if (fd >= 0)
		close(fd);
	free(text);
	return ret;
}
