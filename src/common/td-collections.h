/* td-collections.h: the synced object types and their REST collections
 *
 * The change feed names objects by type ("video_session"); the REST API by collection
 * ("video-sessions"). One table, shared by the client (to push its outbox) and checked
 * against the server's definitions by the server tests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* "ticket" → "tickets"; NULL for a type that is not synced. */
const char *td_collection_for_type (const char *type);
/* "tickets" → "ticket"; NULL for an unknown collection. */
const char *td_type_for_collection (const char *collection);
/* Every synced type, NULL-terminated. */
const char * const *td_synced_types (void);

G_END_DECLS
