/* mw-completion-provider.c: API completion and hover docs for the NodeMCU firmware's modules.
 *
 * The names, parameters and summaries are the linter's own table (mw-lua-api.h), so completion
 * never offers what the linter would flag as an unknown field (W143). After `module.` it offers
 * the module's fields, after `module.table.` the sub-table's (`wifi.sta.`), after `obj:` the
 * methods of the object a firmware function made (`t = tmr.create()`); on a bare word of two
 * letters or more (any with Ctrl+Space) the module names. Only the modules of the connected board's
 * firmware are offered; hovering a field of a module the board lacks says so.
 */
#include "mw-config.h"

#include "mw-completion-provider.h"

#include <string.h>

#include "mw-lua-api.h"

struct _MwCompletionProvider
{
  GObject parent_instance;

  GHashTable *modules; /* the board's module names; NULL: all known */
};

static void provider_iface_init (GtkSourceCompletionProviderIface *iface);

G_DEFINE_TYPE_WITH_CODE (MwCompletionProvider, mw_completion_provider, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (GTK_SOURCE_TYPE_COMPLETION_PROVIDER,
                                                provider_iface_init))

static gboolean
is_name_char (gunichar c)
{
  return c < 128 && (g_ascii_isalnum (c) || c == '_');
}

/* Moves `start` back over the name that ends at it. */
static void
back_over_name (GtkTextIter *start)
{
  GtkTextIter prev = *start;

  while (gtk_text_iter_backward_char (&prev) && is_name_char (gtk_text_iter_get_char (&prev)))
    *start = prev;
}

/* The dotted path of globals that ends just before `end` (`wifi.sta` before the last dot of
 * `wifi.sta.`), with `start` at its first character; NULL when there is none: a field of a
 * local or of an expression (`a[1].`), a method (`obj:`), a number. */
static char *
dotted_path_before (const GtkTextIter *end, GtkTextIter *start)
{
  GtkTextIter name_end = *end;

  for (;;)
    {
      GtkTextIter name_start = name_end;
      GtkTextIter before;

      back_over_name (&name_start);
      if (gtk_text_iter_equal (&name_start, &name_end)
          || g_ascii_isdigit (gtk_text_iter_get_char (&name_start)))
        return NULL;
      before = name_start;
      if (!gtk_text_iter_backward_char (&before) || gtk_text_iter_get_char (&before) != '.')
        {
          if (!gtk_text_iter_is_start (&name_start) && gtk_text_iter_get_char (&before) == ':')
            return NULL;
          *start = name_start;
          return gtk_text_iter_get_text (start, end);
        }
      name_end = before;
    }
}

/* The function that made the object written before `colon` (a ':'), and that object as written
 * in `receiver`: `tmr.create():` directly, or for `t:` the last `t = path(` above it (a guess
 * from the text, as a reader would make it); NULL when neither is there. */
static char *
object_before (const GtkTextIter *colon, char **receiver)
{
  GtkTextIter start = *colon;
  GtkTextIter path_start;

  *receiver = NULL;
  if (!gtk_text_iter_backward_char (&start))
    return NULL;
  if (gtk_text_iter_get_char (&start) == ')')
    {
      int depth = 0;
      char *constructor;

      /* back to the matching '(' (parentheses in strings are rare enough before a ':') */
      do
        {
          gunichar c = gtk_text_iter_get_char (&start);

          depth += c == ')' ? 1 : c == '(' ? -1 : 0;
        }
      while (depth > 0 && gtk_text_iter_backward_char (&start));
      if (depth != 0)
        return NULL;
      constructor = dotted_path_before (&start, &path_start);
      if (constructor != NULL)
        *receiver = gtk_text_iter_get_text (&path_start, colon);
      return constructor;
    }
  else
    {
      GtkTextIter name_start = *colon;
      GtkTextIter buffer_start;
      g_autofree char *name = NULL;
      g_autofree char *above = NULL;
      g_autofree char *pattern = NULL;
      g_autofree char *escaped = NULL;
      g_autoptr (GRegex) regex = NULL;
      g_autoptr (GMatchInfo) match = NULL;
      char *constructor = NULL;

      /* the receiver may be a field: `self.timer:` */
      for (GtkTextIter prev = name_start; gtk_text_iter_backward_char (&prev)
                                          && (is_name_char (gtk_text_iter_get_char (&prev))
                                              || gtk_text_iter_get_char (&prev) == '.');)
        name_start = prev;
      if (gtk_text_iter_equal (&name_start, colon)
          || !(g_ascii_isalpha (gtk_text_iter_get_char (&name_start))
               || gtk_text_iter_get_char (&name_start) == '_'))
        return NULL;
      name = gtk_text_iter_get_text (&name_start, colon);
      gtk_text_buffer_get_start_iter (gtk_text_iter_get_buffer (colon), &buffer_start);
      above = gtk_text_iter_get_text (&buffer_start, &name_start);
      escaped = g_regex_escape_string (name, -1);
      /* `name = a.b(`, not `x.name = ` or `name == ` */
      pattern = g_strdup_printf ("(?<![\\w.:])%s\\s*=\\s*([A-Za-z_][\\w.]*)\\s*\\(", escaped);
      regex = g_regex_new (pattern, G_REGEX_OPTIMIZE, 0, NULL);
      g_assert (regex != NULL);
      for (g_regex_match (regex, above, 0, &match); g_match_info_matches (match);
           g_match_info_next (match, NULL))
        {
          g_free (constructor);
          constructor = g_match_info_fetch (match, 1);
        }
      if (constructor != NULL)
        *receiver = g_steal_pointer (&name);
      return constructor;
    }
}

/* What is typed before `iter`: the word being typed (`prefix_start`..iter) and, when it follows
 * `path.`, that path of globals in `module` (`wifi.sta`); when it follows `obj:`, the function
 * that made obj in `constructor` and obj as written in `receiver`. NULL when the word is a field
 * or method of anything else. */
static char *
typed_context (const GtkTextIter *iter, GtkTextIter *prefix_start, char **module,
               char **constructor, char **receiver)
{
  GtkTextIter dot;

  *module = *constructor = *receiver = NULL;
  *prefix_start = *iter;
  back_over_name (prefix_start);
  dot = *prefix_start;
  if (gtk_text_iter_backward_char (&dot) && gtk_text_iter_get_char (&dot) == '.')
    {
      GtkTextIter path_start;

      *module = dotted_path_before (&dot, &path_start);
      if (*module == NULL)
        return NULL;
    }
  else if (!gtk_text_iter_is_start (prefix_start) && gtk_text_iter_get_char (&dot) == ':')
    {
      *constructor = object_before (&dot, receiver);
      if (*constructor == NULL)
        return NULL;
    }
  return gtk_text_iter_get_text (prefix_start, iter);
}

/* Whether the board has the module at the root of `path` ("wifi" for "wifi.sta") */
static gboolean
module_offered (MwCompletionProvider *self, const char *path)
{
  g_autofree char *root = g_strndup (path, strcspn (path, "."));

  return self->modules == NULL || g_hash_table_contains (self->modules, root);
}

static char *
signature (const char *module, const MwLuaApiField *field)
{
  return g_strconcat (module, ".", field->name, field->params != NULL ? field->params : "", NULL);
}

static char *
method_signature (const char *receiver, const MwLuaApiField *method)
{
  return g_strconcat (receiver, ":", method->name, method->params, NULL);
}

static GtkSourceCompletionItem *
item_new (const char *label, const char *text, const char *info)
{
  GtkSourceCompletionItem *item = gtk_source_completion_item_new ();

  gtk_source_completion_item_set_label (item, label);
  gtk_source_completion_item_set_text (item, text);
  gtk_source_completion_item_set_info (item, info);
  return item;
}

GList *
mw_completion_provider_get_proposals (MwCompletionProvider *self, const GtkTextIter *iter,
                                      gboolean user_requested)
{
  g_autofree char *module = NULL;
  g_autofree char *constructor = NULL;
  g_autofree char *receiver = NULL;
  g_autofree char *prefix = NULL;
  GtkTextIter start;
  GList *items = NULL;

  g_return_val_if_fail (MW_IS_COMPLETION_PROVIDER (self), NULL);
  g_return_val_if_fail (iter != NULL, NULL);

  prefix = typed_context (iter, &start, &module, &constructor, &receiver);
  if (prefix == NULL)
    return NULL;
  if (module != NULL || constructor != NULL)
    {
      gsize n = 0;
      const MwLuaApiField *fields = module != NULL ? mw_lua_api_fields (module, &n)
                                                   : mw_lua_api_methods (constructor, &n);

      if (!module_offered (self, module != NULL ? module : constructor))
        return NULL;
      for (gsize i = 0; i < n; i++)
        if (g_str_has_prefix (fields[i].name, prefix))
          {
            g_autofree char *sig = module != NULL ? signature (module, &fields[i])
                                                  : method_signature (receiver, &fields[i]);
            g_autofree char *label = g_strconcat (fields[i].name, fields[i].params, NULL);
            g_autofree char *info = g_strdup_printf ("%s\n%s", sig, fields[i].doc);

            items = g_list_prepend (items, item_new (label, fields[i].name, info));
          }
      return g_list_reverse (items);
    }
  if (strlen (prefix) < (user_requested ? 1 : 2) || g_ascii_isdigit (prefix[0]))
    return NULL;
  for (const char *const *name = mw_lua_api_modules (); *name != NULL; name++)
    if (g_str_has_prefix (*name, prefix) && strcmp (*name, prefix) != 0
        && module_offered (self, *name))
      {
        g_autofree char *info = g_strdup_printf ("%s\nA C module of the firmware.", *name);

        items = g_list_prepend (items, item_new (*name, *name, info));
      }
  return g_list_reverse (items);
}

char *
mw_completion_provider_dup_hover_markup (MwCompletionProvider *self, const GtkTextIter *iter)
{
  GtkTextIter start = *iter, end = *iter, sep, module_start;
  g_autofree char *field = NULL;
  g_autofree char *module = NULL;
  g_autofree char *receiver = NULL;
  g_autofree char *sig = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *doc = NULL;
  const MwLuaApiField *found;

  g_return_val_if_fail (MW_IS_COMPLETION_PROVIDER (self), NULL);
  g_return_val_if_fail (iter != NULL, NULL);

  if (!is_name_char (gtk_text_iter_get_char (iter)))
    return NULL;
  back_over_name (&start);
  while (is_name_char (gtk_text_iter_get_char (&end)) && gtk_text_iter_forward_char (&end))
    ;
  sep = start;
  if (!gtk_text_iter_backward_char (&sep))
    return NULL;
  field = gtk_text_iter_get_text (&start, &end);
  if (gtk_text_iter_get_char (&sep) == '.')
    {
      module = dotted_path_before (&sep, &module_start);
      found = module != NULL ? mw_lua_api_lookup (module, field) : NULL;
      if (found != NULL)
        sig = signature (module, found);
    }
  else if (gtk_text_iter_get_char (&sep) == ':')
    {
      /* `module` is then the function that made the object */
      module = object_before (&sep, &receiver);
      found = module != NULL ? mw_lua_api_method_lookup (module, field) : NULL;
      if (found != NULL)
        sig = method_signature (receiver, found);
    }
  else
    return NULL;
  if (found == NULL)
    return NULL;
  escaped = g_markup_escape_text (sig, -1);
  doc = g_markup_escape_text (found->doc, -1);
  return g_strdup_printf ("<tt>%s</tt>\n%s%s", escaped, doc,
                          module_offered (self, module)
                            ? ""
                            : "\n<i>The connected board's firmware has no such module.</i>");
}

static char *
provider_get_name (GtkSourceCompletionProvider *provider)
{
  return g_strdup ("NodeMCU");
}

static void
provider_populate (GtkSourceCompletionProvider *provider, GtkSourceCompletionContext *context)
{
  MwCompletionProvider *self = MW_COMPLETION_PROVIDER (provider);
  GtkTextIter iter;
  GList *items = NULL;

  if (gtk_source_completion_context_get_iter (context, &iter))
    items =
      mw_completion_provider_get_proposals (self, &iter,
                                            gtk_source_completion_context_get_activation (context)
                                              == GTK_SOURCE_COMPLETION_ACTIVATION_USER_REQUESTED);
  gtk_source_completion_context_add_proposals (context, provider, items, TRUE);
  g_list_free_full (items, g_object_unref);
}

static gboolean
provider_get_start_iter (GtkSourceCompletionProvider *provider, GtkSourceCompletionContext *context,
                         GtkSourceCompletionProposal *proposal, GtkTextIter *iter)
{
  GtkTextIter at;

  if (!gtk_source_completion_context_get_iter (context, &at))
    return FALSE;
  back_over_name (&at);
  *iter = at;
  return TRUE;
}

static gint
provider_get_priority (GtkSourceCompletionProvider *provider)
{
  /* above the buffer's word completion, should one be added */
  return 10;
}

static void
provider_iface_init (GtkSourceCompletionProviderIface *iface)
{
  iface->get_name = provider_get_name;
  iface->populate = provider_populate;
  iface->get_start_iter = provider_get_start_iter;
  iface->get_priority = provider_get_priority;
}

static void
mw_completion_provider_finalize (GObject *object)
{
  MwCompletionProvider *self = MW_COMPLETION_PROVIDER (object);

  g_clear_pointer (&self->modules, g_hash_table_unref);
  G_OBJECT_CLASS (mw_completion_provider_parent_class)->finalize (object);
}

static void
mw_completion_provider_class_init (MwCompletionProviderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mw_completion_provider_finalize;
}

static void
mw_completion_provider_init (MwCompletionProvider *self)
{
}

MwCompletionProvider *
mw_completion_provider_new (void)
{
  return g_object_new (MW_TYPE_COMPLETION_PROVIDER, NULL);
}

void
mw_completion_provider_set_modules (MwCompletionProvider *self, const char *const *modules)
{
  g_return_if_fail (MW_IS_COMPLETION_PROVIDER (self));

  g_clear_pointer (&self->modules, g_hash_table_unref);
  if (modules == NULL)
    return;
  self->modules = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (; *modules != NULL; modules++)
    g_hash_table_add (self->modules, g_strdup (*modules));
}

static gboolean
query_tooltip_cb (GtkWidget *widget, gint x, gint y, gboolean keyboard, GtkTooltip *tooltip,
                  MwCompletionProvider *self)
{
  GtkTextView *view = GTK_TEXT_VIEW (widget);
  GtkTextIter iter;
  gint bx, by;
  g_autofree char *markup = NULL;

  /* The gutter has tooltips of its own (lint marks). */
  if (keyboard || x < gtk_text_view_get_border_window_size (view, GTK_TEXT_WINDOW_LEFT))
    return FALSE;
  gtk_text_view_window_to_buffer_coords (view, GTK_TEXT_WINDOW_WIDGET, x, y, &bx, &by);
  if (!gtk_text_view_get_iter_at_location (view, &iter, bx, by))
    return FALSE;
  markup = mw_completion_provider_dup_hover_markup (self, &iter);
  if (markup == NULL)
    return FALSE;
  gtk_tooltip_set_markup (tooltip, markup);
  return TRUE;
}

void
mw_completion_provider_attach (MwCompletionProvider *self, GtkSourceView *view)
{
  GtkSourceCompletion *completion;
  g_autoptr (GError) error = NULL;

  g_return_if_fail (MW_IS_COMPLETION_PROVIDER (self));
  g_return_if_fail (GTK_SOURCE_IS_VIEW (view));

  completion = gtk_source_view_get_completion (view);
  if (!gtk_source_completion_add_provider (completion, GTK_SOURCE_COMPLETION_PROVIDER (self),
                                           &error))
    g_warning ("API completion unavailable: %s", error->message);
  gtk_widget_set_has_tooltip (GTK_WIDGET (view), TRUE);
  g_signal_connect_object (view, "query-tooltip", G_CALLBACK (query_tooltip_cb), self, 0);
}
