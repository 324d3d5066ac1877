/* mw-sim-flash.h: the simulated SPIFFS file system, kept in a host folder.
 *
 * SPIFFS semantics (docs/firmware.md sections 2 and 7): flat names of 1..31 characters, a
 * partition counted in pages, a failing write when no page is left. Names may contain '/', which
 * SPIFFS treats as an ordinary character; on the host it is escaped so the folder stays flat.
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
/* SPIFFS counts pages, not bytes (docs/firmware.md section 7): a file takes an index header
 * page, one data page per 251 bytes (256 less a 5-byte page header) and more index pages past
 * 105 data pages; two blocks are spare. file.fsinfo() reports pages times 251. */
#define MW_SIM_FLASH_PAGE 256
#define MW_SIM_FLASH_PAGE_DATA 251
/* Pages a file of `size` bytes takes. */
gsize mw_sim_flash_pages (gsize size);
/* What file.fsinfo() calls the total: the data pages the partition holds, times 251. */
gsize mw_sim_flash_total (MwSimFlash *flash);
/* The pages in use, times 251. */
gsize mw_sim_flash_used (MwSimFlash *flash);
/* Whether a file may grow from `old_size` to `new_size` bytes (`old_size` 0 with `is_new`:
 * a new file, which also takes its header page); also FALSE once the "flash full after N
 * bytes" fault has triggered. Counts written bytes for that fault. */
gboolean mw_sim_flash_reserve (MwSimFlash *flash, gsize old_size, gsize new_size, gboolean is_new);
/* The partition's size in bytes (file.fscfg()). */
gsize mw_sim_flash_size (MwSimFlash *flash);
/* Fault injection: the flash reports full after `bytes` more written bytes (0: never). */
void mw_sim_flash_set_full_after (MwSimFlash *flash, guint64 bytes);
/* Every file: name -> size (GHashTable of char* -> GINT_TO_POINTER size). */
GHashTable *mw_sim_flash_list (MwSimFlash *flash);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwSimFlash, mw_sim_flash_free)

G_END_DECLS
