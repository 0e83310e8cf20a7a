/* td-merge.h: field-level three-way merge of a local edit with the server's object
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Merges per top-level member. @base is the object the edit started from, @mine is base
 * with the local changes, @theirs is the server's current object (any may lack members).
 * For each member: unchanged by me → theirs; unchanged by them → mine; both made the same
 * change → that; both changed it differently → a conflict, and the merged object keeps
 * theirs for it. Members the server manages (id, version, created_at, updated_at) always
 * come from theirs.
 *
 * Returns the merged object. *@conflicts (if not NULL) receives an array, empty when the
 * merge is clean, of {"field", "base", "mine", "theirs"} objects; an absent member is
 * JSON null there and "mine_absent"/"theirs_absent" say which was deleted. */
JsonObject *td_merge_three_way (JsonObject  *base,
                                JsonObject  *mine,
                                JsonObject  *theirs,
                                JsonArray  **conflicts);

/* The members of @merged that differ from @theirs: what must still be sent to the server. */
JsonObject *td_merge_diff      (JsonObject  *theirs,
                                JsonObject  *merged);

G_END_DECLS
