/* td-seed-demo.c
 *
 * Idempotent: every row is looked up by its natural key (organization name, customer
 * number, email) before it is inserted, so the demo script can run the server with
 * --seed demo on the same database again and again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-seed"

#include "config.h"

#include "td-seed-demo.h"

#include "td-password.h"
#include "td-store-customers.h"
#include "td-store-orgs.h"
#include "td-store-users.h"

#define GLOBEX_NAME   "Globex"
#define GLOBEX_NUMBER "C-10001"

typedef struct
{
  const char *email;
  const char *first_name;
  const char *last_name;
  TdRole      role;      /* customer roles put the user into Globex */
  const char *language;
} TdDemoUser;

static const TdDemoUser demo_users[] = {
  { "admin@acme.test",       "Ada",    "Admin",     TD_ROLE_ADMIN,              "en" },
  { "deptadmin@acme.test",   "Daniel", "Weber",     TD_ROLE_DEPT_ADMIN,         "de" },
  { "creator@acme.test",     "Clara",  "Jensen",    TD_ROLE_CONTENT_CREATOR,    "en" },
  { "moderator@acme.test",   "Mateo",  "Rossi",     TD_ROLE_MODERATOR,          "en" },
  { "member@acme.test",      "Mia",    "Novak",     TD_ROLE_MEMBER,             "en" },
  { "admin@globex.test",     "Grace",  "Hopkins",   TD_ROLE_CUSTOMER_ADMIN,     "en" },
  { "moderator@globex.test", "Omar",   "Haddad",    TD_ROLE_CUSTOMER_MODERATOR, "en" },
  { "member@globex.test",    "Lena",   "Schmidt",   TD_ROLE_CUSTOMER_MEMBER,    "en" },
};

static gboolean
ensure_org (TdDb     *db,
            char    **out_id,
            GError  **error)
{
  if (!td_store_orgs_find_by_name (db, TD_SEED_DEMO_ORG_NAME, out_id, error))
    return FALSE;

  if (*out_id == NULL)
    *out_id = td_store_orgs_insert (db, TD_SEED_DEMO_ORG_NAME, "en", error);

  return *out_id != NULL;
}

static gboolean
ensure_customer (TdDb        *db,
                 const char  *org_id,
                 char       **out_id,
                 GError     **error)
{
  if (!td_store_customers_find_by_number (db, org_id, GLOBEX_NUMBER, out_id, error))
    return FALSE;

  if (*out_id == NULL)
    *out_id = td_store_customers_insert (db, org_id, TD_CUSTOMER_CORPORATE, GLOBEX_NAME,
                                         GLOBEX_NUMBER, error);

  return *out_id != NULL;
}

/* Adds what is missing of the demo data in one transaction; *@out_added_users (may be
 * NULL) tells how many users were new. */
gboolean
td_seed_demo (TdDb     *db,
              guint    *out_added_users,
              GError  **error)
{
  g_autoptr(TdDbTransaction) transaction = NULL;
  g_autofree char *org_id = NULL;
  g_autofree char *customer_id = NULL;
  guint added = 0;

  transaction = td_db_transaction_begin (db, error);
  if (transaction == NULL)
    return FALSE;

  if (!ensure_org (db, &org_id, error) || !ensure_customer (db, org_id, &customer_id, error))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (demo_users); i++)
    {
      const TdDemoUser *demo = &demo_users[i];
      g_autofree char *password_hash = NULL;
      g_autofree char *user_id = NULL;
      gboolean exists = FALSE;
      TdUserNew user = { 0 };

      if (!td_store_users_exists (db, org_id, demo->email, &exists, error))
        return FALSE;
      if (exists)
        continue;

      password_hash = td_password_hash (TD_SEED_DEMO_PASSWORD, error);
      if (password_hash == NULL)
        return FALSE;

      user.org_id = org_id;
      user.customer_id = td_role_get_login_type (demo->role) == TD_LOGIN_CUSTOMER ? customer_id : NULL;
      user.email = demo->email;
      user.first_name = demo->first_name;
      user.last_name = demo->last_name;
      user.language = demo->language;
      user.role = demo->role;
      user.status = TD_USER_STATUS_ACTIVE;
      user.password_hash = password_hash;

      user_id = td_store_users_insert (db, &user, error);
      if (user_id == NULL)
        return FALSE;
      added++;
    }

  /* The rest of the demo organization, area by area, each idempotent on its own: an area
   * that finds its data present adds nothing. */
  if (!td_seed_demo_organization (db, org_id, error) ||
      !td_seed_demo_assets (db, org_id, error) ||
      !td_seed_demo_cases (db, org_id, error) ||
      !td_seed_demo_notify (db, org_id, error))
    return FALSE;

  if (!td_db_transaction_commit (transaction, error))
    return FALSE;

  if (out_added_users != NULL)
    *out_added_users = added;
  return TRUE;
}
