/* test-migrations.c: the schema, its connection settings and the demo seed, in process
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "td-db.h"
#include "td-migrations.h"
#include "td-seed-demo.h"
#include "td-server-test-util.h"
#include "td-store-error.h"
#include "td-store-users.h"

typedef struct
{
  char *dir;
  char *path;
  TdDb *db;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = td_test_make_tmp_dir ();
  fixture->path = g_build_filename (fixture->dir, "test.db", NULL);
  fixture->db = td_db_open (fixture->path, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_pointer (&fixture->db, td_db_close);
  td_test_remove_dir (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

static gint64
query_int (TdDb       *db,
           const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdDbStmt) stmt = td_db_prepare (db, sql, &error);

  g_assert_no_error (error);
  g_assert_cmpint (td_db_stmt_step (stmt, &error), ==, TD_DB_STEP_ROW);
  return td_db_stmt_get_int64 (stmt, 0);
}

static char *
query_text (TdDb       *db,
            const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdDbStmt) stmt = td_db_prepare (db, sql, &error);

  g_assert_no_error (error);
  g_assert_cmpint (td_db_stmt_step (stmt, &error), ==, TD_DB_STEP_ROW);
  return td_db_stmt_dup_text (stmt, 0);
}

static void
test_apply_and_reapply (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint version = 99;
  const char *tables[] = { "organizations", "customers", "employees", "sessions", "schema_migrations" };

  g_assert_true (td_migrations_get_version (fixture->db, &version, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (version, ==, 0);

  g_assert_true (td_migrations_apply (fixture->db, &error));
  g_assert_no_error (error);
  g_assert_true (td_migrations_get_version (fixture->db, &version, &error));
  g_assert_cmpuint (version, ==, td_migrations_get_latest ());
  g_assert_cmpuint (version, >=, 1);

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM sqlite_master "
                                              "WHERE type = 'table' AND name = '%s'", tables[i]);

      g_assert_cmpint (query_int (fixture->db, sql), ==, 1);
    }

  /* Idempotent, also from a second connection (a second server process). */
  g_assert_true (td_migrations_apply (fixture->db, &error));
  g_assert_no_error (error);
  {
    g_autoptr(TdDb) other = td_db_open (fixture->path, &error);

    g_assert_no_error (error);
    g_assert_true (td_migrations_apply (other, &error));
    g_assert_no_error (error);
  }
  g_assert_cmpint (query_int (fixture->db, "SELECT count(*) FROM schema_migrations"), ==,
                   td_migrations_get_latest ());
}

static void
test_common_fields (Fixture       *fixture,
                    gconstpointer  data)
{
  const char *tables[] = { "organizations", "customers", "employees", "sessions" };
  const char *columns[] = { "id", "org_id", "version", "created_at", "updated_at", "deleted" };

  g_assert_true (td_migrations_apply (fixture->db, NULL));

  /* DOMAIN.md §4: every entity carries the fields sync relies on. */
  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
      {
        g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM pragma_table_info('%s') "
                                                "WHERE name = '%s'", tables[t], columns[c]);

        g_test_message ("%s.%s", tables[t], columns[c]);
        g_assert_cmpint (query_int (fixture->db, sql), ==, 1);
      }
}

static void
test_connection_settings (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *journal = query_text (fixture->db, "PRAGMA journal_mode");

  g_assert_cmpstr (journal, ==, "wal");
  g_assert_cmpint (query_int (fixture->db, "PRAGMA synchronous"), ==, 2);  /* FULL */
  g_assert_cmpint (query_int (fixture->db, "PRAGMA foreign_keys"), ==, 1);
  g_assert_cmpint (query_int (fixture->db, "PRAGMA busy_timeout"), >=, 1000);
}

static void
test_newer_schema_refused (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (td_migrations_apply (fixture->db, NULL));
  g_assert_true (td_db_exec (fixture->db, "INSERT INTO schema_migrations VALUES "
                             "(999, 'from the future', '2099-01-01T00:00:00.000Z')", NULL));

  g_assert_false (td_migrations_apply (fixture->db, &error));
  g_assert_error (error, TD_STORE_ERROR, TD_STORE_ERROR_SCHEMA);
}

static void
test_seed_demo_idempotent (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint added = 0;
  gint64 users = 0;
  gint64 seeded_users = 0;

  g_assert_true (td_migrations_apply (fixture->db, NULL));

  g_assert_true (td_seed_demo (fixture->db, &added, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (added, ==, 8);   /* the eight demo logins; the areas add more people */
  g_assert_true (td_store_users_count (fixture->db, &seeded_users, &error));
  g_assert_cmpint (seeded_users, >=, 8);

  g_assert_true (td_seed_demo (fixture->db, &added, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (added, ==, 0);

  g_assert_true (td_store_users_count (fixture->db, &users, &error));
  g_assert_cmpint (users, ==, seeded_users);
  g_assert_cmpint (query_int (fixture->db, "SELECT count(*) FROM organizations"), ==, 1);
  g_assert_cmpint (query_int (fixture->db, "SELECT count(*) FROM customers WHERE kind = 'corporate' "
                                           "AND name = 'Globex'"), ==, 1);
  g_assert_cmpint (query_int (fixture->db, "SELECT count(*) FROM employees WHERE "
                                           "first_name = '' OR last_name = ''"), ==, 0);

  /* A user who went missing is added back without touching the others. */
  g_assert_true (td_db_exec (fixture->db, "DELETE FROM employees WHERE email = 'member@acme.test'", NULL));
  g_assert_true (td_seed_demo (fixture->db, &added, &error));
  g_assert_cmpuint (added, ==, 1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/server/migrations/apply-and-reapply", Fixture, NULL,
              fixture_setup, test_apply_and_reapply, fixture_teardown);
  g_test_add ("/server/migrations/common-fields", Fixture, NULL,
              fixture_setup, test_common_fields, fixture_teardown);
  g_test_add ("/server/migrations/connection-settings", Fixture, NULL,
              fixture_setup, test_connection_settings, fixture_teardown);
  g_test_add ("/server/migrations/newer-schema-refused", Fixture, NULL,
              fixture_setup, test_newer_schema_refused, fixture_teardown);
  g_test_add ("/server/seed/demo-idempotent", Fixture, NULL,
              fixture_setup, test_seed_demo_idempotent, fixture_teardown);

  return g_test_run ();
}
