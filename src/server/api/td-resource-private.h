/* td-resource-private.h: what the files of the resource engine share
 *
 * Not for areas: they use td-resource.h only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-resource.h"

G_BEGIN_DECLS

/* Query parameters are JsonNodes (string, integer, boolean or null), bound by type. */
GPtrArray     *td_resource_params_new      (void);
void           td_resource_params_add_text (GPtrArray            *params,
                                            const char           *value);
void           td_resource_params_add_int  (GPtrArray            *params,
                                            gint64                value);
void           td_resource_params_add_node (GPtrArray            *params,
                                            JsonNode             *node);
void           td_resource_bind_params     (TdDbStmt             *stmt,
                                            GPtrArray            *params,
                                            guint                 first_index);

/* " t.id, t.version, t.created_at, t.updated_at, t.<field>…" for @alias. */
void           td_resource_append_columns  (const TdResourceDef  *def,
                                            const char           *alias,
                                            GString              *sql);
/* The row the columns above selected, as the engine's JSON form of an object. */
JsonObject    *td_resource_row_from_stmt   (const TdResourceDef  *def,
                                            TdDbStmt             *stmt);
/* Appends an SQL expression that gives the response form of row @alias for the caller as
 * JSON text (what td_resource_present() gives, without the definition's present hook),
 * built by SQLite. FALSE (nothing appended) when the definition has too many fields for
 * one json_object() call. */
gboolean       td_resource_append_json_sql (TdApiCall            *call,
                                            const TdResourceDef  *def,
                                            const char           *alias,
                                            GString              *sql);

/* The live object @id of @def in @org_id; restricted to the caller's scope when @call is
 * not NULL. NULL without @error when there is none. */
JsonObject    *td_resource_read            (TdDb                 *db,
                                            TdApiCall            *call,
                                            const TdResourceDef  *def,
                                            const char           *org_id,
                                            const char           *id,
                                            GError              **error);

/* The department ids that decide @row's visibility (its own or its device's). */
char         **td_resource_row_departments (TdApiCall            *call,
                                            const TdResourceDef  *def,
                                            JsonObject           *row);

const TdFieldDef *td_resource_find_field   (const TdResourceDef  *def,
                                            const char           *name);
gboolean       td_resource_is_customer     (TdApiCall            *call);

/* The writable members of @body, validated and normalized (400 otherwise). */
JsonObject    *td_resource_take_changes    (TdApiCall            *call,
                                            const TdResourceDef  *def,
                                            JsonObject           *body,
                                            gboolean              create,
                                            TdApiResponse       **out_error);
/* NULL when every id @changes newly refers to is visible to the caller, else the 422. */
TdApiResponse *td_resource_check_references (TdApiCall           *call,
                                             const TdResourceDef *def,
                                             JsonObject          *changes,
                                             JsonObject          *current);

TdApiResponse *td_resource_response_object (TdApiCall            *call,
                                            const TdResourceDef  *def,
                                            guint                 status,
                                            JsonObject           *row);
TdApiResponse *td_resource_version_mismatch (TdApiCall           *call,
                                             const TdResourceDef *def,
                                             JsonObject          *current);

G_END_DECLS
