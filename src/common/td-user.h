/* td-user.h: a signed-in user as the API describes it (login, /me)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "td-permissions.h"

G_BEGIN_DECLS

#define TD_TYPE_USER (td_user_get_type ())

typedef struct
{
  char        *id;
  char        *email;
  char        *first_name;
  char        *last_name;
  char        *language;       /* preferred language code, "" for the system default */
  TdRole       role;
  char        *org_id;
  char        *org_name;
  char        *customer_id;    /* customer login only, else NULL */
  char        *customer_name;
  char       **departments;    /* department ids, never NULL */
  /* Personal settings (PATCH /api/v1/me); optional in the codec. */
  char        *avatar;         /* data: URL of a PNG or JPEG, NULL for none */
  gboolean     push_enabled;   /* desktop notifications; TRUE by default */
  char        *notification_preferences;  /* JSON object text, NULL for "{}" */
} TdUser;

GType       td_user_get_type          (void) G_GNUC_CONST;
TdUser     *td_user_new               (void);
TdUser     *td_user_copy              (const TdUser  *user);
void        td_user_free              (TdUser        *user);
char       *td_user_dup_display_name  (const TdUser  *user);
TdLoginType td_user_get_login_type    (const TdUser  *user);

JsonNode   *td_user_to_json           (const TdUser  *user);
TdUser     *td_user_from_json         (JsonObject    *object,
                                       GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdUser, td_user_free)

G_END_DECLS
