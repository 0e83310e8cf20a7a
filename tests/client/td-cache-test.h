/* td-cache-test.h: helpers shared by the cache, outbox and list model tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "td-cache.h"

G_BEGIN_DECLS

#define TEST_SERVER "https://desk.example.test"
#define TEST_USER   "7b0c3c1e-6f1a-4d7e-9a55-0a9f3f4c2b10"

/* A ticket as the server would send it; @updated_at is "2026-01-01T00:00:NNZ" for @second. */
JsonObject *td_test_ticket        (const char  *id,
                                   gint64       version,
                                   const char  *title,
                                   const char  *status,
                                   guint        second);
/* Appends {"seq","type","id","op":"upsert","object"} (takes a reference on @object). */
void        td_test_add_upsert    (JsonArray   *changes,
                                   const char  *type,
                                   JsonObject  *object);
void        td_test_add_delete    (JsonArray   *changes,
                                   const char  *type,
                                   const char  *id);
/* Opens the cache of TEST_SERVER / TEST_USER (tests run with isolated XDG directories). */
TdCache    *td_test_cache_open    (void);
/* Applies one change as a page of its own, asserting success. */
void        td_test_apply_one     (TdCache     *cache,
                                   const char  *type,
                                   JsonObject  *object);
char       *td_test_object_string (JsonObject  *object,
                                   const char  *member);

G_END_DECLS
