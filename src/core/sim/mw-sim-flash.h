/* mw-sim-flash.h: the simulated SPIFFS file system, kept in a host folder.
 *
 * SPIFFS semantics (docs/firmware.md section 2): flat names of 1..31 characters, a byte quota, a
 * failing write when the quota is reached. Names may contain '/', which SPIFFS treats as an
 * ordinary character; on the host it is escaped so the folder stays flat.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MW_SIM_FLASH_MAX_NAME 31

typedef struct _MwSimFlash MwSimFlash;

/* `dir` NULL: a fresh temporary folder, removed by mw_sim_flash_free(). */
MwSimFlash *mw_sim_flash_new (const char *dir, gsize size, GError **error);
void mw_sim_flash_free (MwSimFlash *flash);
const char *mw_sim_flash_get_dir (MwSimFlash *flash);
gboolean mw_sim_flash_valid_name (const char *name);
/* The host path of a flash name (which must be valid). */
char *mw_sim_flash_path (MwSimFlash *flash, const char *name);
gsize mw_sim_flash_total (MwSimFlash *flash);
gsize mw_sim_flash_used (MwSimFlash *flash);
/* Whether `more` bytes still fit; also FALSE once the "flash full after N bytes" fault has
 * triggered. Counts written bytes for that fault. */
gboolean mw_sim_flash_reserve (MwSimFlash *flash, gsize more);
/* Fault injection: the flash reports full after `bytes` more written bytes (0: never). */
void mw_sim_flash_set_full_after (MwSimFlash *flash, guint64 bytes);
/* Every file: name -> size (GHashTable of char* -> GINT_TO_POINTER size). */
GHashTable *mw_sim_flash_list (MwSimFlash *flash);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwSimFlash, mw_sim_flash_free)

G_END_DECLS
