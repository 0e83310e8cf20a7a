/* td-json.h: safe parsing of untrusted JSON and small accessors
 *
 * json-glib 1.6 has no recursion limit (100 KB of '[' overflows the stack) and parses an
 * empty body to a NULL root, so every JSON document that comes from outside goes through
 * td_json_parse_object() or td_json_parse() first.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define TD_JSON_MAX_DEPTH 32

gboolean    td_json_check_depth        (const char  *data,
                                        gsize        length,
                                        guint        max_depth);
JsonNode   *td_json_parse              (const char  *data,
                                        gsize        length,
                                        GError     **error);
JsonObject *td_json_parse_object       (const char  *data,
                                        gsize        length,
                                        GError     **error);

const char *td_json_get_string         (JsonObject  *object,
                                        const char  *member);
gboolean    td_json_get_string_checked (JsonObject  *object,
                                        const char  *member,
                                        gboolean     required,
                                        gsize        max_length,
                                        const char **out_value,
                                        GError     **error);
gint64      td_json_get_int            (JsonObject  *object,
                                        const char  *member,
                                        gint64       fallback);
gboolean    td_json_get_bool           (JsonObject  *object,
                                        const char  *member,
                                        gboolean     fallback);
JsonObject *td_json_get_object         (JsonObject  *object,
                                        const char  *member);
char      **td_json_get_strv           (JsonObject  *object,
                                        const char  *member);

char       *td_json_to_string          (JsonNode    *node);
char       *td_json_object_to_string   (JsonObject  *object);

G_END_DECLS
