/* SPDX-License-Identifier: ISC */
/*
 * resources.h: the sockets and files privrun opens while privileged and
 * passes to the program at fds 3, 4, ... (sd_listen_fds(3)).
 */
#ifndef PRIVRUN_RESOURCES_H
#define PRIVRUN_RESOURCES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "ids.h"
#include "opts.h"
#include "spec.h"

struct resource {
	struct spec spec;
	uid_t owner;		/* unix socket node owner */
	gid_t group;
	int fd;			/* final fd number, once placed */
	bool granted;		/* a policy rule grants it (policy.c) */
};

struct resources {
	struct resource *res;
	size_t res_bytes;	/* the mapping res lives in (plan.c) */
	size_t n;
	size_t inherited;	/* --pass-listen-fds: fds 3.. already there */
	char **inherited_names;
};

/* Parse every --bind/--open in command-line order; dies on a bad spec. */
void resources_parse(const struct options *o, const struct identity *id,
    struct resources *r);
/* Take the fds of systemd socket activation (--pass-listen-fds). */
void resources_take_inherited(struct resources *r);
/* Open and place every resource at its fd; dies (cleaning up) on error. */
void resources_open(struct resources *r);
/* One tcp/udp socket or file, close-on-exec, not placed: -1 and err on
 * failure.  For the monitor, which must not die on a failed request. */
int resources_open_single(const struct spec *s, char *err, size_t errlen);
/* Set LISTEN_FDS, LISTEN_PID, LISTEN_FDNAMES for what was placed. */
void resources_export(const struct resources *r);
/* The first fd number after the passed ones. */
int resources_end(const struct resources *r);
/* "bind" or "open": the step a failure of this kind of resource names. */
const char *resources_step(enum spec_kind kind);
void resources_free(struct resources *r);

#endif
