/* mw-document.c: a Lua file being edited.
 *
 * The document is the GtkSourceBuffer itself (as in gnome-text-editor), with Lua highlighting
 * and the file it came from. Loading and saving are _async/_finish pairs over GIO, so a slow
 * disk never blocks the window; a successful save clears the modified flag.
 *
 * The file is watched (GFileMonitor): when another program changes it, "changed-on-disk" turns
 * TRUE (its entity tag differs from the one this document loaded or saved), so the editor can
 * offer to reload and an upload never sends a text that is not the file without saying so.
 */
#include "mw-config.h"

#include "mw-document.h"

#include <string.h>

struct _MwDocument
{
  GtkSourceBuffer parent_instance;
  GFile *file;
  GFileMonitor *monitor;
  char *etag; /* of the file as last loaded or saved here */
  gboolean changed_on_disk;
  GCancellable *query; /* the etag query after a monitor event */
};

G_DEFINE_TYPE (MwDocument, mw_document, GTK_SOURCE_TYPE_BUFFER)

enum
{
  PROP_0,
  PROP_FILE,
  PROP_TITLE,
  PROP_CHANGED_ON_DISK,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

static void
mw_document_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  MwDocument *self = MW_DOCUMENT (object);

  switch (prop_id)
    {
      case PROP_FILE:
        g_value_set_object (value, self->file);
        break;
      case PROP_TITLE:
        g_value_take_string (value, mw_document_dup_title (self));
        break;
      case PROP_CHANGED_ON_DISK:
        g_value_set_boolean (value, self->changed_on_disk);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mw_document_finalize (GObject *object)
{
  MwDocument *self = MW_DOCUMENT (object);

  g_cancellable_cancel (self->query);
  g_clear_object (&self->query);
  if (self->monitor != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->monitor, self);
      g_file_monitor_cancel (self->monitor);
      g_clear_object (&self->monitor);
    }
  g_clear_object (&self->file);
  g_free (self->etag);
  G_OBJECT_CLASS (mw_document_parent_class)->finalize (object);
}

static void mw_document_constructed (GObject *object);

static void
mw_document_class_init (MwDocumentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = mw_document_constructed;
  object_class->get_property = mw_document_get_property;
  object_class->finalize = mw_document_finalize;

  properties[PROP_FILE] = g_param_spec_object ("file", "File", "The file on disk", G_TYPE_FILE,
                                               G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] = g_param_spec_string ("title", "Title", "The name shown on the tab", NULL,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CHANGED_ON_DISK] = g_param_spec_boolean (
    "changed-on-disk", "Changed on disk",
    "Whether another program changed or removed the file since it was "
    "loaded or saved here",
    FALSE, G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mw_document_init (MwDocument *self)
{
}

/* Not in init: the buffer's tag table is a construct property, set after init, and setting
 * the language would create it too early. */
static void
mw_document_constructed (GObject *object)
{
  MwDocument *self = MW_DOCUMENT (object);
  GtkSourceLanguageManager *languages = gtk_source_language_manager_get_default ();
  GtkSourceLanguage *lua = gtk_source_language_manager_get_language (languages, "lua");

  if (lua != NULL)
    gtk_source_buffer_set_language (GTK_SOURCE_BUFFER (self), lua);
  gtk_source_buffer_set_highlight_matching_brackets (GTK_SOURCE_BUFFER (self), TRUE);
  G_OBJECT_CLASS (mw_document_parent_class)->constructed (object);
}

MwDocument *
mw_document_new (void)
{
  return g_object_new (MW_TYPE_DOCUMENT, NULL);
}

GFile *
mw_document_get_file (MwDocument *self)
{
  g_return_val_if_fail (MW_IS_DOCUMENT (self), NULL);
  return self->file;
}

static void
set_changed_on_disk (MwDocument *self, gboolean changed)
{
  if (self->changed_on_disk == changed)
    return;
  self->changed_on_disk = changed;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHANGED_ON_DISK]);
}

static void
query_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (MwDocument) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GFileInfo) info = g_file_query_info_finish (G_FILE (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->query);
  if (info == NULL)
    set_changed_on_disk (self, TRUE); /* removed */
  else
    set_changed_on_disk (self, g_strcmp0 (g_file_info_get_etag (info), self->etag) != 0);
}

static void
monitor_changed_cb (GFileMonitor *monitor, GFile *file, GFile *other, GFileMonitorEvent event,
                    MwDocument *self)
{
  /* Our own saves change the file too: compare entity tags, not events. */
  g_cancellable_cancel (self->query);
  g_clear_object (&self->query);
  self->query = g_cancellable_new ();
  g_file_query_info_async (self->file, G_FILE_ATTRIBUTE_ETAG_VALUE, G_FILE_QUERY_INFO_NONE,
                           G_PRIORITY_DEFAULT, self->query, query_done_cb, g_object_ref (self));
}

static void
watch (MwDocument *self, const char *etag)
{
  g_free (self->etag);
  self->etag = g_strdup (etag);
  set_changed_on_disk (self, FALSE);
  if (self->monitor != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->monitor, self);
      g_file_monitor_cancel (self->monitor);
      g_clear_object (&self->monitor);
    }
  if (self->file == NULL)
    return;
  self->monitor = g_file_monitor_file (self->file, G_FILE_MONITOR_WATCH_MOVES, NULL, NULL);
  if (self->monitor != NULL)
    g_signal_connect (self->monitor, "changed", G_CALLBACK (monitor_changed_cb), self);
}

gboolean
mw_document_get_changed_on_disk (MwDocument *self)
{
  g_return_val_if_fail (MW_IS_DOCUMENT (self), FALSE);
  return self->changed_on_disk;
}

void
mw_document_keep_own_text (MwDocument *self)
{
  g_return_if_fail (MW_IS_DOCUMENT (self));
  /* The text is not the file's any more: it is an unsaved change. */
  set_changed_on_disk (self, FALSE);
  gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (self), TRUE);
}

void
mw_document_set_file (MwDocument *self, GFile *file)
{
  g_return_if_fail (MW_IS_DOCUMENT (self));
  g_return_if_fail (file == NULL || G_IS_FILE (file));

  if (g_set_object (&self->file, file))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
    }
}

char *
mw_document_dup_title (MwDocument *self)
{
  g_return_val_if_fail (MW_IS_DOCUMENT (self), NULL);
  if (self->file == NULL)
    return g_strdup ("Untitled");
  return g_file_get_basename (self->file);
}

char *
mw_document_dup_text (MwDocument *self)
{
  GtkTextIter start, end;

  g_return_val_if_fail (MW_IS_DOCUMENT (self), NULL);
  gtk_text_buffer_get_bounds (GTK_TEXT_BUFFER (self), &start, &end);
  return gtk_text_buffer_get_text (GTK_TEXT_BUFFER (self), &start, &end, TRUE);
}

static void
load_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  MwDocument *self = g_task_get_source_object (task);
  GFile *file = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *etag = NULL;
  gsize length = 0;
  GtkTextIter start;

  if (!g_file_load_contents_finish (G_FILE (object), result, &contents, &length, &etag, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!g_utf8_validate (contents, length, NULL))
    {
      /* Lua files are bytes; show what can be shown rather than refuse the file. */
      char *valid = g_utf8_make_valid (contents, length);
      g_free (contents);
      contents = valid;
      length = strlen (valid);
    }

  gtk_source_buffer_begin_not_undoable_action (GTK_SOURCE_BUFFER (self));
  gtk_text_buffer_set_text (GTK_TEXT_BUFFER (self), contents, length);
  gtk_source_buffer_end_not_undoable_action (GTK_SOURCE_BUFFER (self));
  gtk_text_buffer_get_start_iter (GTK_TEXT_BUFFER (self), &start);
  gtk_text_buffer_place_cursor (GTK_TEXT_BUFFER (self), &start);
  gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (self), FALSE);
  mw_document_set_file (self, file);
  watch (self, etag);
  g_task_return_boolean (task, TRUE);
}

void
mw_document_load_async (MwDocument *self, GFile *file, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (MW_IS_DOCUMENT (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mw_document_load_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_file_load_contents_async (file, cancellable, load_cb, g_steal_pointer (&task));
}

gboolean
mw_document_load_finish (MwDocument *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
save_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  MwDocument *self = g_task_get_source_object (task);
  g_autoptr (GError) error = NULL;
  g_autofree char *etag = NULL;

  if (!g_file_replace_contents_finish (G_FILE (object), result, &etag, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  mw_document_set_file (self, G_FILE (object));
  watch (self, etag);
  gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (self), FALSE);
  g_task_return_boolean (task, TRUE);
}

void
mw_document_save_async (MwDocument *self, GFile *file, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GBytes) bytes = NULL;
  char *text;

  g_return_if_fail (MW_IS_DOCUMENT (self));
  g_return_if_fail (file == NULL || G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mw_document_save_async);
  if (file == NULL)
    file = self->file;
  if (file == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                               "The document has no file name yet");
      return;
    }

  text = mw_document_dup_text (self);
  bytes = g_bytes_new_take (text, strlen (text));
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_NONE, cancellable,
                                       save_cb, g_steal_pointer (&task));
}

gboolean
mw_document_save_finish (MwDocument *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
