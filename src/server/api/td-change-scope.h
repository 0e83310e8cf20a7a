/* td-change-scope.h: the scope of an object at the time of a change
 *
 * The change feed must tell a user that an object left their scope (a delete) without ever
 * naming an object they could not see. Lists answer "is it visible now" with the SQL scope
 * predicate; for "was it visible then" every change row keeps a small snapshot of what the
 * predicate reads, before and after the write:
 *
 *   {"x": deleted, "c": customer id, "d": [departments], "o": customer-only value,
 *    "u": owner, "r": role (employees), "i": isolation mode (organizations)}
 *
 * (members a collection does not use are left out). td_change_scope_visible() evaluates a
 * snapshot with the same rules as td_scope_append_sql(); the resource tests compare the two.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-resource.h"

G_BEGIN_DECLS

/* The collections whose changes carry type @type (usually one; invitations have two:
 * operator and customer views), or NULL when the type is not part of the feed. */
const TdResourceDef * const *td_change_scope_defs_for_type (const char *type);

/* The snapshot of object @id of @type as stored now (JSON text), or NULL with no error when
 * the type has no scope (not in the feed) or the row does not exist. */
char     *td_change_scope_snapshot (TdDb        *db,
                                    const char  *type,
                                    const char  *id,
                                    GError     **error);

/* Whether the caller would have seen an object of @def with @snapshot (NULL: did not
 * exist). Applies the caller's view reach too. */
gboolean  td_change_scope_visible  (TdApiCall           *call,
                                    const TdResourceDef *def,
                                    JsonObject          *snapshot);

G_END_DECLS
