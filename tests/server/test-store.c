/* test-store.c: the per-entity stores and transactions on SQLite, in process
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "td-db.h"
#include "td-migrations.h"
#include "td-random.h"
#include "td-server-test-util.h"
#include "td-store-customers.h"
#include "td-store-error.h"
#include "td-store-orgs.h"
#include "td-store-sessions.h"
#include "td-store-users.h"
#include "td-time.h"

typedef struct
{
  char *dir;
  TdDb *db;
  char *org_id;
  char *customer_id;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->dir = td_test_make_tmp_dir ();
  path = g_build_filename (fixture->dir, "test.db", NULL);
  fixture->db = td_db_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (td_migrations_apply (fixture->db, &error));
  g_assert_no_error (error);

  fixture->org_id = td_store_orgs_insert (fixture->db, "Test Org", "en", &error);
  g_assert_no_error (error);
  fixture->customer_id = td_store_customers_insert (fixture->db, fixture->org_id, TD_CUSTOMER_CORPORATE,
                                                    "Initech", "C-1", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_pointer (&fixture->db, td_db_close);
  td_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->org_id);
  g_free (fixture->customer_id);
}

static char *
insert_user (Fixture      *fixture,
             const char   *email,
             TdRole        role,
             TdUserStatus  status,
             GError      **error)
{
  TdUserNew user = {
    .org_id = fixture->org_id,
    .customer_id = td_role_get_login_type (role) == TD_LOGIN_CUSTOMER ? fixture->customer_id : NULL,
    .email = email,
    .first_name = "Test",
    .last_name = "User",
    .language = "en",
    .role = role,
    .status = status,
    .password_hash = "$argon2id$not-a-real-hash",
  };

  return td_store_users_insert (fixture->db, &user, error);
}

static void
test_users_roundtrip (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *employee_id = insert_user (fixture, "ann@test.example", TD_ROLE_DEPT_ADMIN,
                                              TD_USER_STATUS_ACTIVE, &error);
  g_autofree char *customer_id = insert_user (fixture, "bob@test.example", TD_ROLE_CUSTOMER_ADMIN,
                                              TD_USER_STATUS_DISABLED, &error);
  g_autoptr(TdUserRecord) employee = NULL;
  g_autoptr(TdUserRecord) customer = NULL;
  g_autoptr(GPtrArray) found = NULL;

  g_assert_no_error (error);
  employee = td_store_users_get (fixture->db, employee_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (employee->user->role, ==, TD_ROLE_DEPT_ADMIN);
  g_assert_cmpint (employee->status, ==, TD_USER_STATUS_ACTIVE);
  g_assert_cmpstr (employee->user->org_name, ==, "Test Org");
  g_assert_null (employee->user->customer_id);
  g_assert_cmpstr (employee->password_hash, ==, "$argon2id$not-a-real-hash");

  /* The same wire name "admin" is a customer role when customer_id is set. */
  customer = td_store_users_get (fixture->db, customer_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (customer->user->role, ==, TD_ROLE_CUSTOMER_ADMIN);
  g_assert_cmpint (customer->status, ==, TD_USER_STATUS_DISABLED);
  g_assert_cmpstr (customer->user->customer_name, ==, "Initech");

  found = td_store_users_find_for_login (fixture->db, "bob@test.example", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);

  g_assert_null (td_store_users_get (fixture->db, "00000000-0000-4000-8000-000000000000", &error));
  g_assert_error (error, TD_STORE_ERROR, TD_STORE_ERROR_NOT_FOUND);
}

static void
test_users_constraints (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *first = insert_user (fixture, "same@test.example", TD_ROLE_MEMBER,
                                        TD_USER_STATUS_ACTIVE, &error);
  g_autofree char *second = NULL;
  g_autofree char *upper = NULL;

  g_assert_no_error (error);

  /* Email unique per organization. */
  second = insert_user (fixture, "same@test.example", TD_ROLE_MODERATOR, TD_USER_STATUS_ACTIVE, &error);
  g_assert_null (second);
  g_assert_error (error, TD_STORE_ERROR, TD_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);

  /* Stored lowercase only. */
  upper = insert_user (fixture, "Upper@test.example", TD_ROLE_MEMBER, TD_USER_STATUS_ACTIVE, &error);
  g_assert_null (upper);
  g_assert_error (error, TD_STORE_ERROR, TD_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);

  /* A customer-login user with an employee-only role is refused by the schema itself. */
  g_assert_false (td_db_exec (fixture->db,
                              "INSERT INTO employees (id, org_id, customer_id, email, role, "
                              "created_at, updated_at) SELECT 'x', org_id, id, 'c@test.example', "
                              "'department_admin', '', '' FROM customers", &error));
  g_assert_error (error, TD_STORE_ERROR, TD_STORE_ERROR_CONSTRAINT);
}

static void
test_transaction_rolls_back (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *found = NULL;

  {
    g_autoptr(TdDbTransaction) transaction = td_db_transaction_begin (fixture->db, &error);
    g_autofree char *id = NULL;

    g_assert_no_error (error);
    id = td_store_orgs_insert (fixture->db, "Never Committed", "", &error);
    g_assert_no_error (error);
    g_assert_nonnull (id);
    /* Leaving the scope without commit rolls back. */
  }

  g_assert_true (td_store_orgs_find_by_name (fixture->db, "Never Committed", &found, &error));
  g_assert_null (found);

  {
    g_autoptr(TdDbTransaction) transaction = td_db_transaction_begin (fixture->db, &error);
    g_autofree char *id = td_store_orgs_insert (fixture->db, "Committed", "", &error);

    g_assert_nonnull (id);
    g_assert_true (td_db_transaction_commit (transaction, &error));
    g_assert_no_error (error);
  }

  g_assert_true (td_store_orgs_find_by_name (fixture->db, "Committed", &found, &error));
  g_assert_nonnull (found);
}

static char *
create_session (Fixture    *fixture,
                const char *user_id,
                const char *token_hash,
                gint64      now,
                gint64      expires)
{
  g_autoptr(GError) error = NULL;
  TdSessionNew session = {
    .org_id = fixture->org_id,
    .user_id = user_id,
    .token_hash = token_hash,
    .issued_by = "password",
    .user_agent = "test",
    .now_usec = now,
    .expires_usec = expires,
  };
  char *id = td_store_sessions_create (fixture->db, &session, &error);

  g_assert_no_error (error);
  return id;
}

static void
test_sessions (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *user_id = insert_user (fixture, "s@test.example", TD_ROLE_MEMBER,
                                          TD_USER_STATUS_ACTIVE, &error);
  gint64 now = td_time_now_usec ();
  gint64 hour = (gint64) 3600 * G_USEC_PER_SEC;
  g_autofree char *live = create_session (fixture, user_id, "hash-live", now, now + hour);
  g_autofree char *expired = create_session (fixture, user_id, "hash-expired", now - 2 * hour, now - hour);
  g_autoptr(TdSessionRecord) found = NULL;
  g_autoptr(TdSessionRecord) gone = NULL;
  g_autoptr(TdSessionRecord) revoked = NULL;
  TdSessionNew orphan = {
    .org_id = fixture->org_id, .user_id = "no-such-user", .token_hash = "hash-orphan",
    .now_usec = now, .expires_usec = now + hour,
  };
  char *orphan_id;

  found = td_store_sessions_find_valid (fixture->db, "hash-live", now, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_cmpstr (found->id, ==, live);
  g_assert_cmpstr (found->user_id, ==, user_id);
  g_assert_cmpint (found->expires_usec / 1000, ==, (now + hour) / 1000);

  gone = td_store_sessions_find_valid (fixture->db, "hash-expired", now, &error);
  g_assert_no_error (error);
  g_assert_null (gone);

  /* last_seen_at moves only when it is older than the interval. */
  g_assert_true (td_store_sessions_touch (fixture->db, live, now + 1000, 60 * G_USEC_PER_SEC, &error));
  g_assert_cmpint (td_db_changes (fixture->db), ==, 0);
  g_assert_true (td_store_sessions_touch (fixture->db, live, now + 61 * G_USEC_PER_SEC,
                                          60 * G_USEC_PER_SEC, &error));
  g_assert_cmpint (td_db_changes (fixture->db), ==, 1);

  g_assert_true (td_store_sessions_revoke (fixture->db, live, now, &error));
  g_assert_no_error (error);
  revoked = td_store_sessions_find_valid (fixture->db, "hash-live", now, &error);
  g_assert_null (revoked);

  /* The same token hash twice is refused; so is a session of an unknown user. */
  g_assert_null (td_store_sessions_create (fixture->db, &(TdSessionNew) {
                   .org_id = fixture->org_id, .user_id = user_id, .token_hash = "hash-live",
                   .now_usec = now, .expires_usec = now + hour }, &error));
  g_assert_error (error, TD_STORE_ERROR, TD_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);

  orphan_id = td_store_sessions_create (fixture->db, &orphan, &error);
  g_assert_null (orphan_id);
  g_assert_error (error, TD_STORE_ERROR, TD_STORE_ERROR_CONSTRAINT);
}

static void
test_unsupported_backend (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdDb) db = td_db_open ("postgresql://localhost/twindesk", &error);

  g_assert_null (db);
  g_assert_error (error, TD_STORE_ERROR, TD_STORE_ERROR_UNSUPPORTED);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/server/store/users-roundtrip", Fixture, NULL,
              fixture_setup, test_users_roundtrip, fixture_teardown);
  g_test_add ("/server/store/users-constraints", Fixture, NULL,
              fixture_setup, test_users_constraints, fixture_teardown);
  g_test_add ("/server/store/transaction-rolls-back", Fixture, NULL,
              fixture_setup, test_transaction_rolls_back, fixture_teardown);
  g_test_add ("/server/store/sessions", Fixture, NULL,
              fixture_setup, test_sessions, fixture_teardown);
  g_test_add_func ("/server/store/unsupported-backend", test_unsupported_backend);

  return g_test_run ();
}
