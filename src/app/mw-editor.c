/* mw-editor.c: one editor tab.
 *
 * The text is checked as the user types: a debounce timeout restarts on every change, then the
 * check runs in a worker thread (the parsed MwLuaTree is immutable, the text a copy), and the
 * result is applied only if no change happened meanwhile. Findings become gutter marks (one
 * category per severity) whose tooltips give the code and the message (which names the bytes
 * at stake where there are some), and an
 * underline over the range.
 */
#include "mw-config.h"

#include "mw-editor.h"

#include "mw-lua-linter.h"
#include "mw-lua-tree.h"

#include <string.h>

#define CHECK_DELAY_MS 350

struct _MwEditor
{
  GtkBox parent_instance;

  GtkRevealer *search_revealer;
  GtkSearchEntry *search_entry;
  GtkEntry *replace_entry;
  GtkLabel *search_info;
  GtkInfoBar *disk_bar;
  GtkLabel *disk_label;
  GtkSourceView *view;
  MwGutterMarks *gutter_marks; /* owned by the view's gutter */

  MwDocument *document;
  GtkSourceSearchContext *search;
  GtkTextTag *error_tag;
  GtkTextTag *warning_tag;

  GPtrArray *diagnostics; /* MwLuaDiagnostic* */
  guint check_source;
  guint64 generation; /* bumped on every change; stale checks are dropped */
  GCancellable *check_cancellable;
  MwLuaLintOptions *lint_options;
};

G_DEFINE_TYPE (MwEditor, mw_editor, GTK_TYPE_BOX)

enum
{
  PROP_0,
  PROP_DOCUMENT,
  PROP_TITLE,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

enum
{
  DIAGNOSTICS_CHANGED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

typedef struct
{
  char *chunkname;
  char *text;
  guint64 generation;
  MwLuaLintOptions *options; /* a copy: the worker owns it */
} CheckData;

static void
check_data_free (CheckData *data)
{
  g_free (data->chunkname);
  g_free (data->text);
  g_clear_pointer (&data->options, mw_lua_lint_options_free);
  g_free (data);
}

/* Worker thread: the linter's findings, which include the front end's (syntax errors, the
 * firmware's limits). The tree and the options copy are only read here. */
static void
check_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  CheckData *data = task_data;
  g_autoptr (MwLuaTree) tree =
    mw_lua_tree_parse (data->chunkname, data->text, -1, MW_LUA_PARSE_SKIP_SHEBANG);
  GPtrArray *found = mw_lua_lint_tree (tree, data->options);

  g_task_return_pointer (task, found, (GDestroyNotify) g_ptr_array_unref);
}

static const char *
severity_category (MwLuaSeverity severity)
{
  switch (severity)
    {
      case MW_LUA_SEVERITY_ERROR:
        return MW_EDITOR_MARK_ERROR;
      case MW_LUA_SEVERITY_WARNING:
        return MW_EDITOR_MARK_WARNING;
      case MW_LUA_SEVERITY_INFO:
      default:
        return MW_EDITOR_MARK_INFO;
    }
}

/* The message already gives the bytes at stake where there are some: said once. */
static char *
diagnostic_tooltip (const MwLuaDiagnostic *diag)
{
  return g_strdup_printf ("%s %s", diag->code, diag->message);
}

/* An iterator at a 1-based line and byte column, clamped into the buffer. */
static void
iter_at (GtkTextBuffer *buffer, GtkTextIter *iter, guint line, guint column)
{
  gint n_lines = gtk_text_buffer_get_line_count (buffer);
  gint l = CLAMP ((gint) line - 1, 0, n_lines - 1);

  gtk_text_buffer_get_iter_at_line (buffer, iter, l);
  if (column > 1)
    {
      GtkTextIter line_end = *iter;
      g_autofree char *text = NULL;
      gint index;

      /* Stop before the line break, and never inside a UTF-8 sequence. */
      if (!gtk_text_iter_ends_line (&line_end))
        gtk_text_iter_forward_to_line_end (&line_end);
      text = gtk_text_iter_get_slice (iter, &line_end);
      index = MIN ((gint) column - 1, (gint) strlen (text));
      while (index > 0 && (text[index] & 0xc0) == 0x80)
        index--;
      gtk_text_iter_set_line_index (iter, index);
    }
}

static void
clear_marks (MwEditor *self)
{
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (self->document);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_source_buffer_remove_source_marks (GTK_SOURCE_BUFFER (buffer), &start, &end,
                                         MW_EDITOR_MARK_ERROR);
  gtk_source_buffer_remove_source_marks (GTK_SOURCE_BUFFER (buffer), &start, &end,
                                         MW_EDITOR_MARK_WARNING);
  gtk_source_buffer_remove_source_marks (GTK_SOURCE_BUFFER (buffer), &start, &end,
                                         MW_EDITOR_MARK_INFO);
  gtk_text_buffer_remove_tag (buffer, self->error_tag, &start, &end);
  gtk_text_buffer_remove_tag (buffer, self->warning_tag, &start, &end);
}

static void
apply_diagnostics (MwEditor *self, GPtrArray *diagnostics)
{
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (self->document);

  clear_marks (self);
  g_clear_pointer (&self->diagnostics, g_ptr_array_unref);
  self->diagnostics = g_ptr_array_ref (diagnostics);

  for (guint i = 0; i < diagnostics->len; i++)
    {
      const MwLuaDiagnostic *diag = g_ptr_array_index (diagnostics, i);
      GtkSourceMark *mark;
      GtkTextIter start, end;

      iter_at (buffer, &start, diag->line, 0);
      mark = gtk_source_buffer_create_source_mark (GTK_SOURCE_BUFFER (buffer), NULL,
                                                   severity_category (diag->severity), &start);
      g_object_set_data_full (G_OBJECT (mark), "mw-tooltip", diagnostic_tooltip (diag), g_free);

      iter_at (buffer, &start, diag->line, diag->column);
      if (diag->end_line >= diag->line && diag->end_column > 0)
        iter_at (buffer, &end, diag->end_line, diag->end_column + 1);
      else
        {
          end = start;
          gtk_text_iter_forward_to_line_end (&end);
        }
      if (gtk_text_iter_equal (&start, &end))
        {
          /* An error at the end of the file (near '<eof>'): mark the last character. */
          gtk_text_iter_backward_char (&start);
        }
      gtk_text_buffer_apply_tag (
        buffer, diag->severity == MW_LUA_SEVERITY_ERROR ? self->error_tag : self->warning_tag,
        &start, &end);
    }
  g_signal_emit (self, signals[DIAGNOSTICS_CHANGED], 0);
}

static void
check_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  MwEditor *self = MW_EDITOR (object);
  CheckData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr (GPtrArray) diagnostics = g_task_propagate_pointer (G_TASK (result), NULL);

  if (diagnostics == NULL || data->generation != self->generation)
    return;
  apply_diagnostics (self, diagnostics);
}

static gboolean
check_timeout_cb (gpointer user_data)
{
  MwEditor *self = user_data;
  g_autoptr (GTask) task = NULL;
  CheckData *data = g_new0 (CheckData, 1);

  self->check_source = 0;
  data->chunkname = mw_document_dup_title (self->document);
  data->text = mw_document_dup_text (self->document);
  data->generation = self->generation;
  data->options = mw_lua_lint_options_copy (self->lint_options);

  g_cancellable_cancel (self->check_cancellable);
  g_clear_object (&self->check_cancellable);
  self->check_cancellable = g_cancellable_new ();

  task = g_task_new (self, self->check_cancellable, check_done, NULL);
  g_task_set_source_tag (task, check_timeout_cb);
  g_task_set_task_data (task, data, (GDestroyNotify) check_data_free);
  g_task_run_in_thread (task, check_thread);
  return G_SOURCE_REMOVE;
}

void
mw_editor_queue_check (MwEditor *self, guint delay_ms)
{
  g_return_if_fail (MW_IS_EDITOR (self));

  g_clear_handle_id (&self->check_source, g_source_remove);
  self->check_source = g_timeout_add (delay_ms, check_timeout_cb, self);
  g_source_set_name_by_id (self->check_source, "[moonwire] editor check");
}

static void
buffer_changed_cb (MwEditor *self)
{
  self->generation++;
  mw_editor_queue_check (self, CHECK_DELAY_MS);
}

static void
title_changed_cb (MwEditor *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

static char *
query_tooltip_text_cb (GtkSourceMarkAttributes *attributes, GtkSourceMark *mark, MwEditor *self)
{
  return g_strdup (g_object_get_data (G_OBJECT (mark), "mw-tooltip"));
}

static void
search_changed_cb (MwEditor *self)
{
  GtkSourceSearchSettings *settings = gtk_source_search_context_get_settings (self->search);

  gtk_source_search_settings_set_search_text (settings,
                                              gtk_entry_get_text (GTK_ENTRY (self->search_entry)));
}

static void
occurrences_changed_cb (MwEditor *self)
{
  gint count = gtk_source_search_context_get_occurrences_count (self->search);
  g_autofree char *text = NULL;

  if (count > 0)
    text = g_strdup_printf (g_dngettext (NULL, "%d match", "%d matches", count), count);
  else if (count == 0 && gtk_entry_get_text_length (GTK_ENTRY (self->search_entry)) > 0)
    text = g_strdup ("No matches");
  gtk_label_set_text (self->search_info, text != NULL ? text : "");
}

static void changed_on_disk_cb (MwEditor *self);

static void
mw_editor_constructed (GObject *object)
{
  MwEditor *self = MW_EDITOR (object);
  static const struct
  {
    const char *category;
    const char *icon;
    GdkRGBA background; /* translucent, so it reads on light and dark schemes alike */
    gint priority;
  } kinds[] = {
    { MW_EDITOR_MARK_ERROR, "dialog-error-symbolic", { 0.88, 0.11, 0.14, 0.18 }, 30 },
    { MW_EDITOR_MARK_WARNING, "dialog-warning-symbolic", { 0.96, 0.76, 0.07, 0.20 }, 20 },
    { MW_EDITOR_MARK_INFO, "dialog-information-symbolic", { 0.21, 0.52, 0.89, 0.15 }, 10 },
    /* above the linter's: the board's own word on this line */
    { MW_EDITOR_MARK_RUNTIME, "process-stop-symbolic", { 0.88, 0.11, 0.14, 0.30 }, 40 },
  };

  G_OBJECT_CLASS (mw_editor_parent_class)->constructed (object);

  if (self->document == NULL)
    self->document = mw_document_new ();
  gtk_text_view_set_buffer (GTK_TEXT_VIEW (self->view), GTK_TEXT_BUFFER (self->document));

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      GtkSourceMarkAttributes *attrs = gtk_source_mark_attributes_new ();

      gtk_source_mark_attributes_set_icon_name (attrs, kinds[i].icon);
      gtk_source_mark_attributes_set_background (attrs, &kinds[i].background);
      g_signal_connect_object (attrs, "query-tooltip-text", G_CALLBACK (query_tooltip_text_cb),
                               self, 0);
      gtk_source_view_set_mark_attributes (self->view, kinds[i].category, attrs, kinds[i].priority);
      g_object_unref (attrs);
    }
  /* Our marks column instead of the view's (show-line-marks is off): it draws at the screen's
   * scale (mw-gutter-marks.h). */
  self->gutter_marks = MW_GUTTER_MARKS (mw_gutter_marks_new ());
  gtk_source_gutter_insert (gtk_source_view_get_gutter (self->view, GTK_TEXT_WINDOW_LEFT),
                            GTK_SOURCE_GUTTER_RENDERER (self->gutter_marks),
                            GTK_SOURCE_VIEW_GUTTER_POSITION_MARKS);

  self->error_tag = gtk_text_buffer_create_tag (GTK_TEXT_BUFFER (self->document), NULL, "underline",
                                                PANGO_UNDERLINE_ERROR, NULL);
  self->warning_tag = gtk_text_buffer_create_tag (
    GTK_TEXT_BUFFER (self->document), NULL, "underline", PANGO_UNDERLINE_ERROR, "underline-rgba",
    &(GdkRGBA){ 0.9, 0.6, 0.0, 1 }, NULL);

  self->search = gtk_source_search_context_new (GTK_SOURCE_BUFFER (self->document), NULL);
  g_signal_connect_object (self->search, "notify::occurrences-count",
                           G_CALLBACK (occurrences_changed_cb), self, G_CONNECT_SWAPPED);

  g_signal_connect_object (self->document, "changed", G_CALLBACK (buffer_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->document, "modified-changed", G_CALLBACK (title_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->document, "notify::title", G_CALLBACK (title_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->document, "notify::changed-on-disk",
                           G_CALLBACK (changed_on_disk_cb), self, G_CONNECT_SWAPPED);
  mw_editor_queue_check (self, 0);
}

enum
{
  DISK_RELOAD = 1,
  DISK_KEEP = 2
};

static void
reload_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (MwEditor) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!mw_document_load_finish (MW_DOCUMENT (object), result, &error))
    {
      g_autofree char *msg = g_strdup_printf ("Could not reload: %s", error->message);
      gtk_label_set_text (self->disk_label, msg);
      gtk_info_bar_set_revealed (self->disk_bar, TRUE);
      return;
    }
  /* The run's error was about the text that is gone (its mark would sit on the first line). */
  mw_editor_set_runtime_error (self, 0, NULL);
}

void
mw_editor_reload (MwEditor *self)
{
  GFile *file;

  g_return_if_fail (MW_IS_EDITOR (self));
  file = mw_document_get_file (self->document);
  if (file != NULL)
    mw_document_load_async (self->document, file, NULL, reload_done_cb, g_object_ref (self));
}

static void
disk_bar_response_cb (MwEditor *self, gint response)
{
  gtk_info_bar_set_revealed (self->disk_bar, FALSE);
  if (response == DISK_RELOAD)
    mw_editor_reload (self);
  else if (response == DISK_KEEP)
    mw_document_keep_own_text (self->document);
}

static void
changed_on_disk_cb (MwEditor *self)
{
  g_autofree char *title = mw_document_dup_title (self->document);
  GFile *file = mw_document_get_file (self->document);
  g_autofree char *text = NULL;
  gboolean exists = file != NULL && g_file_query_exists (file, NULL);

  if (!mw_document_get_changed_on_disk (self->document))
    {
      gtk_info_bar_set_revealed (self->disk_bar, FALSE);
      return;
    }
  text = exists ? g_strdup_printf ("“%s” changed on disk. Reload it, or keep this text?", title)
                : g_strdup_printf ("“%s” was removed from the disk. Keep this text?", title);
  gtk_label_set_text (self->disk_label, text);
  gtk_info_bar_set_response_sensitive (self->disk_bar, DISK_RELOAD, exists);
  gtk_info_bar_set_revealed (self->disk_bar, TRUE);
}

gboolean
mw_editor_get_disk_bar_shown (MwEditor *self)
{
  g_return_val_if_fail (MW_IS_EDITOR (self), FALSE);
  return gtk_info_bar_get_revealed (self->disk_bar);
}

static void
mw_editor_dispose (GObject *object)
{
  MwEditor *self = MW_EDITOR (object);

  g_clear_handle_id (&self->check_source, g_source_remove);
  g_cancellable_cancel (self->check_cancellable);
  g_clear_object (&self->check_cancellable);
  G_OBJECT_CLASS (mw_editor_parent_class)->dispose (object);
}

static void
mw_editor_finalize (GObject *object)
{
  MwEditor *self = MW_EDITOR (object);

  g_clear_object (&self->search);
  g_clear_object (&self->document);
  g_clear_pointer (&self->diagnostics, g_ptr_array_unref);
  g_clear_pointer (&self->lint_options, mw_lua_lint_options_free);
  G_OBJECT_CLASS (mw_editor_parent_class)->finalize (object);
}

static void
mw_editor_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  MwEditor *self = MW_EDITOR (object);

  switch (prop_id)
    {
      case PROP_DOCUMENT:
        g_value_set_object (value, self->document);
        break;
      case PROP_TITLE:
        g_value_take_string (value, mw_editor_dup_title (self));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mw_editor_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  MwEditor *self = MW_EDITOR (object);

  switch (prop_id)
    {
      case PROP_DOCUMENT:
        self->document = g_value_dup_object (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mw_editor_class_init (MwEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = mw_editor_constructed;
  object_class->dispose = mw_editor_dispose;
  object_class->finalize = mw_editor_finalize;
  object_class->get_property = mw_editor_get_property;
  object_class->set_property = mw_editor_set_property;

  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", "Document", "The document being edited", MW_TYPE_DOCUMENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] = g_param_spec_string ("title", "Title", "The tab's title", NULL,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[DIAGNOSTICS_CHANGED] = g_signal_new ("diagnostics-changed", G_TYPE_FROM_CLASS (klass),
                                               G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                               0);

  g_type_ensure (GTK_SOURCE_TYPE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/moonwire/Moonwire/ui/mw-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, MwEditor, search_revealer);
  gtk_widget_class_bind_template_child (widget_class, MwEditor, search_entry);
  gtk_widget_class_bind_template_child (widget_class, MwEditor, replace_entry);
  gtk_widget_class_bind_template_child (widget_class, MwEditor, search_info);
  gtk_widget_class_bind_template_child (widget_class, MwEditor, view);
  gtk_widget_class_bind_template_child (widget_class, MwEditor, disk_bar);
  gtk_widget_class_bind_template_child (widget_class, MwEditor, disk_label);
  gtk_widget_class_bind_template_callback (widget_class, disk_bar_response_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, mw_editor_find_next);
  gtk_widget_class_bind_template_callback (widget_class, mw_editor_find_previous);
  gtk_widget_class_bind_template_callback (widget_class, mw_editor_replace_one);
  gtk_widget_class_bind_template_callback (widget_class, mw_editor_replace_all);
  gtk_widget_class_bind_template_callback (widget_class, mw_editor_hide_search);
}

static void
mw_editor_init (MwEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* NodeMCU's standard globals and modules; the window sets the user's thresholds. */
  self->lint_options = mw_lua_lint_options_new ();
}

void
mw_editor_set_lint_options (MwEditor *self, const MwLuaLintOptions *options)
{
  g_return_if_fail (MW_IS_EDITOR (self));
  g_return_if_fail (options != NULL);

  g_clear_pointer (&self->lint_options, mw_lua_lint_options_free);
  self->lint_options = mw_lua_lint_options_copy (options);
  mw_editor_queue_check (self, 0);
}

GtkWidget *
mw_editor_new (MwDocument *document)
{
  g_return_val_if_fail (document == NULL || MW_IS_DOCUMENT (document), NULL);
  return g_object_new (MW_TYPE_EDITOR, "document", document, NULL);
}

MwDocument *
mw_editor_get_document (MwEditor *self)
{
  g_return_val_if_fail (MW_IS_EDITOR (self), NULL);
  return self->document;
}

GtkSourceView *
mw_editor_get_view (MwEditor *self)
{
  g_return_val_if_fail (MW_IS_EDITOR (self), NULL);
  return self->view;
}

char *
mw_editor_dup_title (MwEditor *self)
{
  g_autofree char *title = NULL;

  g_return_val_if_fail (MW_IS_EDITOR (self), NULL);
  if (self->document == NULL)
    return g_strdup ("");
  title = mw_document_dup_title (self->document);
  if (gtk_text_buffer_get_modified (GTK_TEXT_BUFFER (self->document)))
    return g_strconcat ("\u2022", title, NULL);
  return g_steal_pointer (&title);
}

GPtrArray *
mw_editor_get_diagnostics (MwEditor *self)
{
  g_return_val_if_fail (MW_IS_EDITOR (self), NULL);
  return self->diagnostics;
}

char *
mw_editor_dup_mark_tooltip (MwEditor *self, guint line)
{
  GString *text = NULL;
  const char *categories[] = { MW_EDITOR_MARK_RUNTIME, MW_EDITOR_MARK_ERROR, MW_EDITOR_MARK_WARNING,
                               MW_EDITOR_MARK_INFO };

  g_return_val_if_fail (MW_IS_EDITOR (self), NULL);
  g_return_val_if_fail (line >= 1, NULL);

  for (guint c = 0; c < G_N_ELEMENTS (categories); c++)
    {
      GSList *marks = gtk_source_buffer_get_source_marks_at_line (
        GTK_SOURCE_BUFFER (self->document), line - 1, categories[c]);

      for (GSList *l = marks; l != NULL; l = l->next)
        {
          if (text == NULL)
            text = g_string_new (NULL);
          else
            g_string_append_c (text, '\n');
          g_string_append (text, g_object_get_data (l->data, "mw-tooltip"));
        }
      g_slist_free (marks);
    }
  return text != NULL ? g_string_free (text, FALSE) : NULL;
}

MwGutterMarks *
mw_editor_get_gutter_marks (MwEditor *self)
{
  g_return_val_if_fail (MW_IS_EDITOR (self), NULL);
  return self->gutter_marks;
}

void
mw_editor_set_runtime_error (MwEditor *self, guint line, const char *message)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_if_fail (MW_IS_EDITOR (self));
  g_return_if_fail (line == 0 || message != NULL);

  buffer = GTK_TEXT_BUFFER (self->document);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_source_buffer_remove_source_marks (GTK_SOURCE_BUFFER (buffer), &start, &end,
                                         MW_EDITOR_MARK_RUNTIME);
  /* A line past the end: the board ran another version of the file. */
  if (line == 0 || line > (guint) gtk_text_buffer_get_line_count (buffer))
    return;
  gtk_text_buffer_get_iter_at_line (buffer, &start, line - 1);
  g_object_set_data_full (G_OBJECT (gtk_source_buffer_create_source_mark (
                            GTK_SOURCE_BUFFER (buffer), NULL, MW_EDITOR_MARK_RUNTIME, &start)),
                          "mw-tooltip", g_strdup (message), g_free);
}

guint
mw_editor_get_runtime_error_line (MwEditor *self)
{
  GtkTextIter start, end;
  GSList *marks;
  guint line = 0;

  g_return_val_if_fail (MW_IS_EDITOR (self), 0);
  gtk_text_buffer_get_bounds (GTK_TEXT_BUFFER (self->document), &start, &end);
  marks = gtk_source_buffer_get_source_marks_at_iter (GTK_SOURCE_BUFFER (self->document), &start,
                                                      MW_EDITOR_MARK_RUNTIME);
  if (marks == NULL
      && gtk_source_buffer_forward_iter_to_source_mark (GTK_SOURCE_BUFFER (self->document), &start,
                                                        MW_EDITOR_MARK_RUNTIME))
    line = gtk_text_iter_get_line (&start) + 1;
  else if (marks != NULL)
    line = 1;
  g_slist_free (marks);
  return line;
}

void
mw_editor_goto (MwEditor *self, guint line, guint column)
{
  GtkTextIter iter;

  g_return_if_fail (MW_IS_EDITOR (self));
  iter_at (GTK_TEXT_BUFFER (self->document), &iter, MAX (line, 1), column);
  gtk_text_buffer_place_cursor (GTK_TEXT_BUFFER (self->document), &iter);
  gtk_text_view_scroll_to_iter (GTK_TEXT_VIEW (self->view), &iter, 0.2, FALSE, 0, 0);
  gtk_widget_grab_focus (GTK_WIDGET (self->view));
}

char *
mw_editor_dup_selection_or_line (MwEditor *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (MW_IS_EDITOR (self), NULL);
  buffer = GTK_TEXT_BUFFER (self->document);
  if (!gtk_text_buffer_get_selection_bounds (buffer, &start, &end))
    {
      gtk_text_iter_set_line_offset (&start, 0);
      end = start;
      if (!gtk_text_iter_ends_line (&end))
        gtk_text_iter_forward_to_line_end (&end);
    }
  return gtk_text_buffer_get_text (buffer, &start, &end, TRUE);
}

void
mw_editor_show_search (MwEditor *self, gboolean replace)
{
  GtkTextIter start, end;

  g_return_if_fail (MW_IS_EDITOR (self));
  if (gtk_text_buffer_get_selection_bounds (GTK_TEXT_BUFFER (self->document), &start, &end)
      && gtk_text_iter_get_line (&start) == gtk_text_iter_get_line (&end))
    {
      g_autofree char *word = gtk_text_iter_get_text (&start, &end);
      gtk_entry_set_text (GTK_ENTRY (self->search_entry), word);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->replace_entry), TRUE);
  gtk_revealer_set_reveal_child (self->search_revealer, TRUE);
  gtk_widget_grab_focus (
    GTK_WIDGET (replace && gtk_entry_get_text_length (GTK_ENTRY (self->search_entry)) > 0
                  ? GTK_WIDGET (self->replace_entry)
                  : GTK_WIDGET (self->search_entry)));
}

void
mw_editor_hide_search (MwEditor *self)
{
  g_return_if_fail (MW_IS_EDITOR (self));
  gtk_revealer_set_reveal_child (self->search_revealer, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->view));
}

void
mw_editor_set_search_text (MwEditor *self, const char *text)
{
  g_return_if_fail (MW_IS_EDITOR (self));
  gtk_entry_set_text (GTK_ENTRY (self->search_entry), text);
  /* The entry reports changes after a delay; tests and actions want them now. */
  search_changed_cb (self);
}

guint
mw_editor_get_match_count (MwEditor *self)
{
  g_return_val_if_fail (MW_IS_EDITOR (self), 0);
  return MAX (gtk_source_search_context_get_occurrences_count (self->search), 0);
}

static void
select_match (MwEditor *self, const GtkTextIter *start, const GtkTextIter *end)
{
  gtk_text_buffer_select_range (GTK_TEXT_BUFFER (self->document), start, end);
  gtk_text_view_scroll_to_iter (GTK_TEXT_VIEW (self->view), (GtkTextIter *) start, 0.2, FALSE, 0,
                                0);
}

void
mw_editor_find_next (MwEditor *self)
{
  GtkTextIter from, start, end;

  g_return_if_fail (MW_IS_EDITOR (self));
  gtk_text_buffer_get_selection_bounds (GTK_TEXT_BUFFER (self->document), NULL, &from);
  if (gtk_source_search_context_forward (self->search, &from, &start, &end, NULL))
    select_match (self, &start, &end);
}

void
mw_editor_find_previous (MwEditor *self)
{
  GtkTextIter from, start, end;

  g_return_if_fail (MW_IS_EDITOR (self));
  gtk_text_buffer_get_selection_bounds (GTK_TEXT_BUFFER (self->document), &from, NULL);
  if (gtk_source_search_context_backward (self->search, &from, &start, &end, NULL))
    select_match (self, &start, &end);
}

void
mw_editor_replace_one (MwEditor *self)
{
  GtkTextIter start, end;
  const char *replacement;

  g_return_if_fail (MW_IS_EDITOR (self));
  replacement = gtk_entry_get_text (self->replace_entry);
  if (gtk_text_buffer_get_selection_bounds (GTK_TEXT_BUFFER (self->document), &start, &end)
      && gtk_source_search_context_get_occurrence_position (self->search, &start, &end) > 0)
    gtk_source_search_context_replace (self->search, &start, &end, replacement, -1, NULL);
  mw_editor_find_next (self);
}

void
mw_editor_replace_all (MwEditor *self)
{
  g_return_if_fail (MW_IS_EDITOR (self));
  gtk_source_search_context_replace_all (self->search, gtk_entry_get_text (self->replace_entry), -1,
                                         NULL);
}
