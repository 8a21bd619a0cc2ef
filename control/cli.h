/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xlat64ctl's command table and the pieces its commands share.
 *
 *   xlat64ctl.c    main(): the options, then the command
 *   cli_table.c    the table: finding a command, checking its arguments,
 *                  its synopsis and help, running it
 *   cli_call.c     one request over the control socket, within --timeout
 *   cli_print.c    usage errors, replies, text tables and cells for the printers
 *   cli_basic.c    version, help, stats; raw
 *   cli_xlat.c     global, pool6, eamt, denylist4
 *   cli_nat64.c    pool4, bib, session
 *   cli_ports.c    ports, neighbors, routes
 *   cli_cgn.c      cgn (and `cgn who` answered from a file)
 *   cli_address.c  address (live port addresses)
 *   cli_sync.c     sync (HA session synchronisation)
 *   cli_config.c   config dump/reload, check
 *
 * One entry per command form (its words, its arguments with their types,
 * the request builder, the printer): `xlat64ctl --help`, the checks of the
 * command line and the bash completion (xlat64-gendoc completion) are all
 * made from the entries. Adding a command: an entry in its group's table
 * (or a new cli_GROUP.c and its line in cli_table.c's list), then
 * `xlat64-gendoc --update SRCDIR` for the completion, and its form in
 * doc/man/xlat64ctl.8.md (the man-page test compares it with --help).
 */
#ifndef XLAT_CLI_H
#define XLAT_CLI_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

enum { EXIT_OK = 0, EXIT_ERROR_REPLY = 1, EXIT_USAGE = 2 };

/* The options a command form goes with, besides its arguments (its synopsis shows them). */
enum { OPT_ALL = 1, OPT_PER_CORE = 2, OPT_XSTATS = 4, OPT_DRY_RUN = 8 };

struct cli_opts {
	const char *socket;
	bool json, all, per_core, xstats, dry_run;
	int timeout_ms;
};

/* What an argument is; the bash completion offers what fits. */
enum cli_arg_kind {
	ARG_ANY,    /* nothing to offer */
	ARG_PROTO,  /* tcp, udp, icmp */
	ARG_FILE,   /* a file name */
	ARG_OPTION, /* a global option's name (the daemon is asked) */
	ARG_PORT,   /* a port's name (the daemon is asked) */
	ARG_WORD,   /* the word itself: "[static]" */
};

struct cli_arg {
	const char *name; /* as the synopsis writes it: "PROTO", "[PORT-RANGE]", "[static]" */
	enum cli_arg_kind kind;
};

#define CLI_MAX_ARGS 6

/* flags of a command form */
#define CLI_DEFAULT 1u      /* the command without a subcommand is this form (and takes no arguments then) */
#define CLI_SHOW_DEFAULT 2u /* and its synopsis says so: "pool4 [list]" */
#define CLI_BARE_ARGS 4u    /* its arguments may follow the command alone: "bib [list] [PROTO]" */
#define CLI_REPEAT 8u       /* its arguments come in groups, repeated: "NAME VALUE [NAME VALUE]..." */
#define CLI_OFFLINE 16u     /* listed under "Offline": no daemon needed */

struct cli_cmd;

/* One run of a command form. */
struct cli_ctx {
	const struct cli_opts *o;
	const struct cli_cmd *cmd;
	bool bare;        /* the subcommand was left out */
	const char *file; /* config dump FILE: where the printer writes */
};

/* The request for the arguments; NULL after a usage message (die_usage). */
typedef json_t *(*cli_build_fn)(struct cli_ctx *c, int argc, char **argv);
/* The daemon's (successful) reply in words; returns the exit status. */
typedef int (*cli_print_fn)(struct cli_ctx *c, json_t *reply);
/* The whole command, for what is not one request and its reply; returns the exit status. */
typedef int (*cli_run_fn)(struct cli_ctx *c, int argc, char **argv);

struct cli_cmd {
	const char *cmd; /* "pool4" */
	const char *sub; /* "add"; NULL for a command without subcommands */
	unsigned flags;  /* CLI_* */
	struct cli_arg args[CLI_MAX_ARGS];
	int min_args, max_args; /* after the words; max -1: no limit */
	const char *usage;      /* the message when their number is wrong */
	const char *bad_sub;    /* CLI_DEFAULT form: the message for a word that is no subcommand ("%s": the word) */
	unsigned opts;          /* OPT_* */
	const char *help;       /* for --help; "\n" continues it on the next line */
	cli_build_fn build;
	cli_print_fn print; /* NULL: the reply as indented JSON */
	cli_run_fn run;     /* instead of build and print (check, cgn who FILE, raw) */
};

/* The groups' tables, each ended by an entry with cmd NULL (cli_table.c lists them in --help's order). */
extern const struct cli_cmd cli_basic_cmds[], cli_xlat_cmds[], cli_nat64_cmds[], cli_ports_cmds[], cli_cgn_cmds[], cli_address_cmds[], cli_sync_cmds[],
	cli_config_cmds[], cli_raw_cmds[];

/* ---- cli_table.c */

/* Calls fn for every command form, in --help's order. */
void cli_foreach(void (*fn)(const struct cli_cmd *e, void *arg), void *arg);
/* Does some form of cmd go with the option (OPT_*)? */
bool cli_takes_option(const char *cmd, unsigned opt);
/* The synopsis of e: "pool4 remove PREFIX [PROTO] [PORT-RANGE]" (cap >= 160). */
void cli_synopsis(const struct cli_cmd *e, char *out, size_t cap);
/* --help's list of commands (daemon's, then offline ones). */
void cli_help_commands(FILE *f);
/* Runs command cmd with its arguments; the exit status. */
int cli_dispatch(const struct cli_opts *o, const char *cmd, int argc, char **argv);
/* Sends req (consumed), prints the reply with c->cmd->print (or as JSON); the exit status. */
int cli_send(struct cli_ctx *c, json_t *req);
/* The requests of the forms that take no arguments: {"command": CMD}, {"command": CMD, "op": SUB}. */
json_t *cli_build_plain(struct cli_ctx *c, int argc, char **argv);
json_t *cli_build_op(struct cli_ctx *c, int argc, char **argv);

/* ---- cli_call.c */

/* One request, one reply (an object), within o->timeout_ms; NULL after a message on stderr. */
json_t *cli_call(const struct cli_opts *o, json_t *req);

/* ---- cli_print.c */

extern const char *prog; /* "xlat64ctl", the messages' prefix */
/* "xlat64ctl: MESSAGE\nTry 'xlat64ctl --help'." on stderr; returns EXIT_USAGE. fmt may lack the %s. */
int die_usage(const char *fmt, const char *arg);

void print_json_line(const json_t *j);
/* The daemon said no: its message on stderr; returns EXIT_ERROR_REPLY. */
int print_error_reply(const json_t *reply);
/* A JSON value as a table cell: strings bare, null "-", the rest compact JSON. */
char *cell(const json_t *v, char *buf, size_t cap);
/* o[key] as a string, "-" when it is none. */
const char *str(const json_t *o, const char *key);
/* o[key] as an integer (0 when it is none). */
long long num(const json_t *o, const char *key);
/* 1234567 -> "1.23M" */
const char *human(double v, char *buf, size_t cap);

#define TBL_COLS 12

/* A text table: columns as wide as their widest cell, some right-aligned. */
struct table {
	unsigned ncols, nrows, cap;
	char **cells; /* nrows x ncols, row 0 is the header */
	bool right[TBL_COLS];
};
void tbl_init(struct table *t, unsigned ncols, const char *const *header);
/* Appends a row of ncols strings (copied; NULL shows as "-"). */
void tbl_row(struct table *t, const char *const *vals);
/* Prints every line with indent first, then frees the table. */
void tbl_print(struct table *t, const char *indent);

/* A column of print_rows(): its header, the member it shows, and whether that may be other than a string. */
struct cli_col {
	const char *head, *key;
	bool any; /* a number or null shown as cell() does; else str() ("-" for what is not a string) */
};
/* list (an array of objects) as a table, a row per element; empty, its header commented out if comment_empty. */
void print_rows(const json_t *list, const struct cli_col *cols, unsigned ncols, bool comment_empty);
/* obj's members as a two-column table, name and value (right-aligned if right), each line after indent. */
void print_members(const json_t *obj, const char *name_head, const char *value_head, bool right, const char *indent);

/* ---- shared by the groups */

/* A command-line value as JSON: itself when it parses as JSON, else a string. */
json_t *value_arg(const char *s);
/* "cgn who": the subscriber, in words (cli_cgn.c). */
void print_who(const json_t *r);

#endif
