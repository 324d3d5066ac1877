/* mw-board-panel.c: facts about the connected board, as the device's firmware probe found them
 * (node.info, node.chipid, node.heap), and its Lua Flash Store (node.info('lfs'),
 * node.LFS.list()); "–" where nothing is known. */
#include "mw-config.h"

#include "mw-board-panel.h"

#define UNKNOWN "–"

struct _MwBoardPanel
{
  GtkBox parent_instance;
  GtkLabel *firmware_label;
  GtkLabel *build_label;
  GtkLabel *modules_label;
  GtkLabel *chip_label;
  GtkLabel *flash_label;
  GtkLabel *heap_label;
  GtkLabel *lfs_label;
  GtkLabel *lfs_modules_label;
};

G_DEFINE_TYPE (MwBoardPanel, mw_board_panel, GTK_TYPE_BOX)

static void
mw_board_panel_class_init (MwBoardPanelClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/moonwire/Moonwire/ui/mw-board-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, MwBoardPanel, firmware_label);
  gtk_widget_class_bind_template_child (widget_class, MwBoardPanel, build_label);
  gtk_widget_class_bind_template_child (widget_class, MwBoardPanel, modules_label);
  gtk_widget_class_bind_template_child (widget_class, MwBoardPanel, chip_label);
  gtk_widget_class_bind_template_child (widget_class, MwBoardPanel, flash_label);
  gtk_widget_class_bind_template_child (widget_class, MwBoardPanel, heap_label);
  gtk_widget_class_bind_template_child (widget_class, MwBoardPanel, lfs_label);
  gtk_widget_class_bind_template_child (widget_class, MwBoardPanel, lfs_modules_label);
}

static void
mw_board_panel_init (MwBoardPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  mw_board_panel_clear (self);
}

GtkWidget *
mw_board_panel_new (void)
{
  return g_object_new (MW_TYPE_BOARD_PANEL, NULL);
}

void
mw_board_panel_set_info (MwBoardPanel *self, const char *firmware, const char *build_type,
                         const char *modules, guint32 chip_id, guint32 flash_size)
{
  g_autofree char *chip = NULL;
  g_autofree char *flash = NULL;

  g_return_if_fail (MW_IS_BOARD_PANEL (self));
  chip = chip_id != 0 ? g_strdup_printf ("%u (0x%06x)", chip_id, chip_id) : g_strdup (UNKNOWN);
  /* node.info reports the flash size in KB (app/modules/node.c: flash_rom_get_size_byte () /
   * 1024), so a 4 MB chip says 4096. */
  flash = flash_size != 0
            ? g_format_size_full ((guint64) flash_size * 1024, G_FORMAT_SIZE_IEC_UNITS)
            : g_strdup (UNKNOWN);
  gtk_label_set_text (self->firmware_label, firmware != NULL ? firmware : UNKNOWN);
  gtk_label_set_text (self->build_label, build_type != NULL ? build_type : UNKNOWN);
  gtk_label_set_text (self->modules_label, modules != NULL ? modules : UNKNOWN);
  gtk_label_set_text (self->chip_label, chip);
  gtk_label_set_text (self->flash_label, flash);
}

char *
mw_board_panel_format_heap (guint32 heap, gint64 time_us)
{
  g_autoptr (GDateTime) when = g_date_time_new_from_unix_local (time_us / G_USEC_PER_SEC);
  g_autofree char *hms = when != NULL ? g_date_time_format (when, "%H:%M:%S") : NULL;

  return g_strdup_printf ("%u bytes at %s", heap, hms != NULL ? hms : "?");
}

void
mw_board_panel_set_heap (MwBoardPanel *self, guint32 heap, gint64 time_us)
{
  g_autofree char *text = NULL;

  g_return_if_fail (MW_IS_BOARD_PANEL (self));
  text = mw_board_panel_format_heap (heap, time_us);
  gtk_label_set_text (self->heap_label, text);
}

void
mw_board_panel_set_lfs (MwBoardPanel *self, gsize size, gsize used, const char *const *modules)
{
  g_autofree char *text = NULL;
  g_autofree char *names = NULL;

  g_return_if_fail (MW_IS_BOARD_PANEL (self));
  if (size == 0)
    {
      gtk_label_set_text (self->lfs_label, "no LFS region");
      gtk_label_set_text (self->lfs_modules_label, UNKNOWN);
      return;
    }
  text = g_strdup_printf ("%" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " bytes used", used, size);
  names = modules != NULL && modules[0] != NULL ? g_strjoinv (", ", (char **) modules)
                                                : g_strdup (modules != NULL ? "none" : UNKNOWN);
  gtk_label_set_text (self->lfs_label, text);
  gtk_label_set_text (self->lfs_modules_label, names);
}

void
mw_board_panel_clear (MwBoardPanel *self)
{
  g_return_if_fail (MW_IS_BOARD_PANEL (self));
  gtk_label_set_text (self->firmware_label, "Not connected");
  gtk_label_set_text (self->build_label, UNKNOWN);
  gtk_label_set_text (self->modules_label, UNKNOWN);
  gtk_label_set_text (self->chip_label, UNKNOWN);
  gtk_label_set_text (self->flash_label, UNKNOWN);
  gtk_label_set_text (self->heap_label, UNKNOWN);
  gtk_label_set_text (self->lfs_label, UNKNOWN);
  gtk_label_set_text (self->lfs_modules_label, UNKNOWN);
}
