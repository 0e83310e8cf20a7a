/* td-api-health.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-api"

#include "config.h"

#include "td-api-health.h"

static gboolean
database_ok (TdDb *db)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdDbStmt) stmt = td_db_prepare (db, "SELECT count(*) FROM schema_migrations", &error);

  if (stmt == NULL || td_db_stmt_step (stmt, &error) != TD_DB_STEP_ROW)
    {
      g_warning ("Health check: %s", error ? error->message : "no row");
      return FALSE;
    }

  return TRUE;
}

/* GET /api/v1/health → {"status":"ok","version","database":"ok"}; 503 when the database
 * does not answer, so a load balancer takes this process out of rotation. */
TdApiResponse *
td_api_health (TdApiCall *call)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  gboolean ok = database_ok (call->db);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, ok ? "ok" : "degraded");
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, PACKAGE_VERSION);
  json_builder_set_member_name (builder, "database");
  json_builder_add_string_value (builder, ok ? "ok" : "error");
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return td_api_response_new_json (ok ? 200 : 503, root);
}
