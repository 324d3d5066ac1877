/* mw-repl-private.h: what the REPL engine's files share (mw-repl.c: the object and its
 * API; mw-repl-queue.c: the command queue and timeouts; mw-repl-input.c: the board's stream). */
#pragma once

#include "mw-repl.h"
#include "mw-repl-parser.h"

G_BEGIN_DECLS

typedef enum
{
  MW_REPL_CMD_EXEC,
  MW_REPL_CMD_LINE,
  MW_REPL_CMD_SYNC,
  MW_REPL_CMD_LOCK,
} MwReplCommandKind;

typedef struct
{
  MwRepl *repl; /* not a reference */
  MwReplCommandKind kind;
  GTask *task;
  GPtrArray *lines; /* char *, sent one after the other */
  guint next_line;
  char token[MW_REPL_TOKEN_LEN + 1];
  guint timeout_ms;
  MwReplOutputFunc output;
  gpointer output_data;
  GByteArray *payload;
  GString *console; /* console text while running: a syntax error's message */
  gboolean begun;
  gboolean started;
  gboolean bypass; /* run by the lock holder */
  guint semicolons; /* SYNC: continuation enders sent */
  gulong cancel_id;
  gint64 rx_at_write; /* rx counter when the last line was written */
  guint64 serial;
  guint64 line_batch; /* the read batch during which the last line went out */
  guint attempts; /* sends after garbled lines */
  gboolean once; /* fail on a garbled line instead of sending again */
  gboolean announced; /* LINE: "line-sent" emitted (once, whatever the resends) */
  gboolean tail_garbled; /* EXEC: the echo of the line that runs the chunk differed */
  guint8 payload_end[2]; /* EXEC: the last two bytes of the reply so far */
} MwReplCommand;

struct _MwRepl
{
  GObject parent_instance;
  MwTransport *transport;
  GMainContext *context;
  MwReplParser *parser;
  MwReplState state;
  GQueue queue; /* MwReplCommand, waiting */
  MwReplCommand *active;
  gboolean locked;
  gboolean await_prompt; /* the last command ended; its prompt is still to come */
  gboolean await_boot; /* ... and that is a restarted board's first prompt */
  GSource *timeout_source;
  GSource *grace_source;
  GSource *newline_source; /* our line's echo stopped just before its newline */
  GSource *garbled_end_source; /* a garbled chunk's reply stopped at a prompt */
  GSource *settle_source; /* SYNC: a prompt came amid other output; waiting for quiet */
  guint64 settle_serial; /* the SYNC it waits for */
  gulong bytes_id;
  gulong closed_id;
  MwBoardInfo *banner_info;
  gint64 rx_count;
  GRand *rand;
  guint64 next_serial;
  guint64 batch; /* counts reads: events of one read predate lines sent in it */
  MwReplCommand *retry; /* a lock holder's command to send again after the prompt */
  gboolean wrote_in_batch; /* a line went out while this read's events were handled */
  gboolean user_chunk_open; /* a typed line left the board at ">> " (the chunk is the user's) */
};

enum
{
  MW_REPL_PROP_0,
  MW_REPL_PROP_TRANSPORT,
  MW_REPL_PROP_STATE,
  MW_REPL_PROP_BANNER_INFO,
  MW_REPL_N_PROPS
};

enum
{
  MW_REPL_SIGNAL_CONSOLE,
  MW_REPL_SIGNAL_FRAME,
  MW_REPL_SIGNAL_RESET,
  MW_REPL_SIGNAL_BANNER,
  MW_REPL_SIGNAL_LINE_SENT,
  MW_REPL_N_SIGNALS
};

extern GParamSpec *mw_repl_properties[MW_REPL_N_PROPS];
extern guint mw_repl_signals[MW_REPL_N_SIGNALS];

void mw_repl_set_state (MwRepl *self, MwReplState state);

/* mw-repl-queue.c */
void mw_repl_command_free (MwReplCommand *cmd);
void mw_repl_stop_timeout (MwRepl *self);
void mw_repl_write_breaker (MwRepl *self);
void mw_repl_command_fail (MwRepl *self, MwReplCommand *cmd, GError *error);
void mw_repl_command_succeed (MwRepl *self, MwReplCommand *cmd);
void mw_repl_fail_all (MwRepl *self, int code, const char *message);
void mw_repl_start_timeout (MwRepl *self, MwReplCommand *cmd, gsize bytes_written);
void mw_repl_send_next_line (MwRepl *self, MwReplCommand *cmd);
void mw_repl_start_command (MwRepl *self, MwReplCommand *cmd);
void mw_repl_retry_garbled (MwRepl *self, MwReplCommand *cmd);
void mw_repl_process_queue (MwRepl *self);
void mw_repl_prompt_arrived (MwRepl *self);
void mw_repl_await_boot (MwRepl *self);

/* mw-repl-input.c */
void mw_repl_on_bytes (MwTransport *transport, GBytes *bytes, gpointer user_data);
void mw_repl_on_closed (MwTransport *transport, const GError *error, gpointer user_data);
void mw_repl_stop_settle (MwRepl *self);

G_END_DECLS
