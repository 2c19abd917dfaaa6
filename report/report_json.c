/* SPDX-License-Identifier: ISC */
/*
 * report_json.c: --dry-run and --dump as one JSON object (the schema is in
 * privrun(1)).  Strings are escaped per RFC 8259; bytes outside printable
 * ASCII are written as \u00XX, so the output is valid JSON whatever bytes a
 * path or a user name holds.  Like report.c it only reads and prints.
 */
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

#include "caps.h"
#include "compat.h"
#include "die.h"
#include "privs.h"
#include "report.h"

extern char **environ;

static void json_str(const char *s)
{
	putchar('"');
	for (; s != NULL && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c > 0x7e)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void json_key(const char *key, bool first)
{
	printf("%s", first ? "" : ",");
	json_str(key);
	putchar(':');
}

/* ["cap_a","cap_b"] of a mask, or null. */
static void json_caps(uint64_t mask, bool known)
{
	char names[1024], *p, *save = NULL;
	bool first = true;

	if (!known) {
		fputs("null", stdout);
		return;
	}
	caps_format(mask, names, sizeof(names));
	putchar('[');
	for (p = strtok_r(names, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		printf("%s", first ? "" : ",");
		json_str(p);
		first = false;
	}
	putchar(']');
}

static void plan_identity(const struct run_plan *p)
{
	size_t i;

	json_key("start", true);
	json_str(privs_start_name(privs_start_mode()));
	json_key("user", false);
	json_str(p->id->name);
	printf(",\"uid\":%u,\"gid\":%u,\"groups\":[", (unsigned)p->id->uid,
	    (unsigned)p->id->gid);
	for (i = 0; i < p->id->ngroups; i++)
		printf("%s%u", i ? "," : "", (unsigned)p->id->groups[i]);
	putchar(']');
}

static void plan_privileges(const struct run_plan *p)
{
	bool none = privs_start_mode() == PRIVS_START_NONE;
	static const char *const sets[] = { "effective", "permitted",
	    "inheritable", "ambient" };
	size_t i;

	json_key("mode", false);
	json_str(p->o->monitor ? "monitor" : p->keep ? "keep-caps" : "revoke");
	fputs(",\"monitor_allow\":[", stdout);
	for (i = 0; i < p->o->nallow; i++) {
		printf("%s{\"kind\":\"%s\",\"spec\":", i ? "," : "",
		    p->o->allow[i].kind == SPEC_BIND ? "bind" : "open");
		json_str(p->o->allow[i].arg);
		putchar('}');
	}
	putchar(']');
	json_key("capabilities", false);
	putchar('{');
	for (i = 0; i < 4; i++) {
		json_key(sets[i], i == 0);
		json_caps(p->keep, true);
	}
	json_key("bounding", false);
	json_caps(p->keep, !none);
	putchar('}');
	if (none)
		fputs(",\"securebits\":null", stdout);
	else
		printf(",\"securebits\":%d", PRIVRUN_SECUREBITS);
	printf(",\"no_new_privs\":%s,\"tty_guard\":%s",
	    p->o->allow_new_privs ? "false" : "true",
	    p->guard ? "true" : "false");
}

static void plan_process(const struct process_plan *pp)
{
	size_t i;

	fputs(",\"rlimits\":[", stdout);
	for (i = 0; i < pp->nrl; i++) {
		printf("%s{\"name\":", i ? "," : "");
		json_str(pp->rl[i].name);
		printf(",\"soft\":%llu,\"hard\":%llu}",
		    (unsigned long long)pp->rl[i].lim.rlim_cur,
		    (unsigned long long)pp->rl[i].lim.rlim_max);
	}
	putchar(']');
	if (pp->has_umask)
		printf(",\"umask\":\"%04o\"", (unsigned)pp->umask);
	else
		fputs(",\"umask\":null", stdout);
	json_key("chroot", false);
	if (pp->chroot_dir) json_str(pp->chroot_dir); else fputs("null", stdout);
	json_key("chdir", false);
	if (pp->chdir_dir) json_str(pp->chdir_dir); else fputs("null", stdout);
	printf(",\"new_session\":%s", pp->new_session ? "true" : "false");
}

static void plan_resources(const struct resources *r)
{
	size_t i;

	fputs(",\"resources\":[", stdout);
	for (i = 0; i < r->inherited; i++) {
		printf("%s{\"fd\":%zu,\"name\":", i ? "," : "", 3 + i);
		json_str(r->inherited_names[i]);
		fputs(",\"kind\":\"inherited\",\"spec\":null}", stdout);
	}
	for (i = 0; i < r->n; i++) {
		printf("%s{\"fd\":%zu,\"name\":", i + r->inherited ? "," : "",
		    3 + r->inherited + i);
		json_str(r->res[i].spec.name);
		printf(",\"kind\":\"%s\",\"spec\":",
		    r->res[i].spec.kind == SPEC_BIND ? "bind" : "open");
		json_str(r->res[i].spec.text);
		putchar('}');
	}
	putchar(']');
}

static void plan_environment(const struct env_plan *env)
{
	size_t i;
	bool first = true;

	fputs(",\"environment\":[", stdout);
	if (env->clear) {
		fputs("{\"op\":\"clear\"}", stdout);
		first = false;
	}
	for (i = 0; i < env->n; i++, first = false) {
		printf("%s{\"op\":\"%s\",\"name\":", first ? "" : ",",
		    env->change[i].value ? "set" : "unset");
		json_str(env->change[i].name);
		if (env->change[i].value) {
			fputs(",\"value\":", stdout);
			json_str(env->change[i].value);
		}
		putchar('}');
	}
	putchar(']');
}

void report_plan_json(const struct run_plan *p)
{
	int i;

	putchar('{');
	plan_identity(p);
	plan_privileges(p);
	plan_process(p->proc);
	plan_resources(p->res);
	plan_environment(p->env);
	fputs(",\"program\":[", stdout);
	for (i = 0; i < p->o->argc; i++) {
		printf("%s", i ? "," : "");
		json_str(p->o->argv[i]);
	}
	fputs("]}\n", stdout);
}

/* The fields of a /proc/self/status line, as a JSON array or value. */
static void status_field(const char *key, const char *json_key_name,
    bool array, bool first)
{
	char line[512];
	FILE *f = fopen("/proc/self/status", "re");
	size_t klen = strlen(key);

	if (f == NULL)
		die_errno("dump", "/proc/self/status");
	json_key(json_key_name, first);
	while (fgets(line, sizeof(line), f) != NULL) {
		char *p, *save = NULL;
		bool one = true;
		if (strncmp(line, key, klen) != 0)
			continue;
		if (!array) {
			line[strcspn(line, "\n")] = '\0';
			json_str(line + klen + strspn(line + klen, " \t"));
			fclose(f);
			return;
		}
		putchar('[');
		for (p = strtok_r(line + klen, " \t\n", &save); p;
		    p = strtok_r(NULL, " \t\n", &save), one = false)
			printf("%s%s", one ? "" : ",", p);
		putchar(']');
		fclose(f);
		return;
	}
	fclose(f);
	fputs("null", stdout);
}

static void json_fd(int fd, const char *target, const char *address,
    void *arg)
{
	bool *first = arg;

	printf("%s{\"fd\":%d,\"target\":", *first ? "" : ",", fd);
	json_str(target);
	fputs(",\"address\":", stdout);
	if (address) json_str(address); else fputs("null", stdout);
	putchar('}');
	*first = false;
}

void report_state_json(void)
{
	static const char *const caps[][2] = { { "CapInh:", "inheritable" },
	    { "CapPrm:", "permitted" }, { "CapEff:", "effective" },
	    { "CapBnd:", "bounding" }, { "CapAmb:", "ambient" } };
	bool first = true;
	char **e;
	size_t i;

	putchar('{');
	status_field("Uid:", "uid", true, true);
	status_field("Gid:", "gid", true, false);
	status_field("Groups:", "groups", true, false);
	fputs(",\"capabilities\":{", stdout);
	for (i = 0; i < 5; i++)
		status_field(caps[i][0], caps[i][1], false, i == 0);
	putchar('}');
	printf(",\"no_new_privs\":%s",
	    prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ? "true" : "false");
	/* PR_GET_SECCOMP: 0 none, 2 filter (the ioctl is allowed by ours). */
	printf(",\"seccomp\":%d,\"securebits\":%d,\"fds\":[",
	    prctl(PR_GET_SECCOMP, 0, 0, 0, 0),
	    prctl(PR_GET_SECUREBITS, 0, 0, 0, 0));
	report_each_fd(json_fd, &first);
	fputs("],\"environment\":{", stdout);
	first = true;
	for (e = environ; *e != NULL; e++) {
		char name[256];
		size_t n = strcspn(*e, "=");
		if (strncmp(*e, "LISTEN_", 7) != 0 &&
		    strncmp(*e, "PRIVRUN_", 8) != 0)
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)n, *e);
		json_key(name, first);
		json_str((*e)[n] ? *e + n + 1 : "");
		first = false;
	}
	fputs("}}\n", stdout);
}
