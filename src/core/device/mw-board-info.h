/* mw-board-info.h: what we know about the firmware, from its banner and from probing. */
#pragma once

#include <glib-object.h>

#include "mw-lua-ram.h"

G_BEGIN_DECLS

typedef struct
{
  char *version; /* "3.0.0.0", "2.1.0" */
  int major; /* 3, 2; 0 if unknown */
  MwLuaNumberType number_type; /* the one number-type enum (mw-lua-ram.h) */
  gboolean number_type_known; /* from the banner or the probe */
  char **modules; /* NULL-terminated, or NULL if unknown */
  char *branch;
  char *commit;
  char *ssl;
  char *lfs;
  char *build_date;
  char *sdk;
  guint32 chip_id;
  guint32 flash_id;
  guint32 flash_size;
  gint64 heap; /* at the time of the probe; -1 unknown */
} MwBoardInfo;

#define MW_TYPE_BOARD_INFO (mw_board_info_get_type ())
GType mw_board_info_get_type (void) G_GNUC_CONST;
MwBoardInfo *mw_board_info_new (void);
MwBoardInfo *mw_board_info_copy (const MwBoardInfo *info);
void mw_board_info_free (MwBoardInfo *info);
/* Parses a banner (3.0 multi-line or 2.x one line; docs/firmware.md section 1). NULL if `text` is
 * not a NodeMCU banner. */
MwBoardInfo *mw_board_info_parse_banner (const char *text);
/* Fills the fields from "key=value" lines printed by the probe (see MwDevice). */
void mw_board_info_merge_probe (MwBoardInfo *info, const char *text);
gboolean mw_board_info_has_module (const MwBoardInfo *info, const char *module);
/* "float", "integer" or "unknown" */
const char *mw_board_info_number_type_string (const MwBoardInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwBoardInfo, mw_board_info_free)

G_END_DECLS
