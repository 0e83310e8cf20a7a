/* td-store-users.h: employees and customer-login users (one table, DOMAIN.md §4)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-db.h"
#include "td-user.h"

G_BEGIN_DECLS

typedef enum
{
  TD_USER_STATUS_INVITED,
  TD_USER_STATUS_ACTIVE,
  TD_USER_STATUS_DISABLED,
} TdUserStatus;

/* A user as stored: the API's TdUser plus what never leaves the server. */
typedef struct
{
  TdUser       *user;
  TdUserStatus  status;
  char         *password_hash;  /* NULL until an invitation is accepted */
} TdUserRecord;

/* What td_store_users_insert() needs; the store adds id, version and timestamps. */
typedef struct
{
  const char   *org_id;
  const char   *customer_id;    /* NULL for employees */
  const char   *email;          /* normalized (lowercase) */
  const char   *first_name;
  const char   *last_name;
  const char   *language;
  TdRole        role;
  TdUserStatus  status;
  const char   *password_hash;
} TdUserNew;

const char   *td_user_status_to_string      (TdUserStatus      status);
void          td_user_record_free           (TdUserRecord     *record);

GPtrArray    *td_store_users_find_for_login (TdDb             *db,
                                             const char       *email,
                                             GError          **error);
TdUserRecord *td_store_users_get            (TdDb             *db,
                                             const char       *id,
                                             GError          **error);
gboolean      td_store_users_exists         (TdDb             *db,
                                             const char       *org_id,
                                             const char       *email,
                                             gboolean         *out_exists,
                                             GError          **error);
char         *td_store_users_insert         (TdDb             *db,
                                             const TdUserNew  *user,
                                             GError          **error);
gboolean      td_store_users_count          (TdDb             *db,
                                             gint64           *out_count,
                                             GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdUserRecord, td_user_record_free)

G_END_DECLS
