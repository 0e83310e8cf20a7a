/* td-user.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-user"

#include "config.h"

#include "td-user.h"

#include "td-common-error.h"
#include "td-json.h"

G_DEFINE_BOXED_TYPE (TdUser, td_user, td_user_copy, td_user_free)

TdUser *
td_user_new (void)
{
  TdUser *user = g_new0 (TdUser, 1);

  user->role = TD_ROLE_INVALID;
  user->departments = g_new0 (char *, 1);
  user->push_enabled = TRUE;
  return user;
}

TdUser *
td_user_copy (const TdUser *user)
{
  TdUser *copy;

  g_return_val_if_fail (user != NULL, NULL);

  copy = g_new0 (TdUser, 1);
  copy->id = g_strdup (user->id);
  copy->email = g_strdup (user->email);
  copy->first_name = g_strdup (user->first_name);
  copy->last_name = g_strdup (user->last_name);
  copy->language = g_strdup (user->language);
  copy->role = user->role;
  copy->org_id = g_strdup (user->org_id);
  copy->org_name = g_strdup (user->org_name);
  copy->customer_id = g_strdup (user->customer_id);
  copy->customer_name = g_strdup (user->customer_name);
  copy->departments = g_strdupv (user->departments);
  copy->avatar = g_strdup (user->avatar);
  copy->push_enabled = user->push_enabled;
  copy->notification_preferences = g_strdup (user->notification_preferences);
  return copy;
}

void
td_user_free (TdUser *user)
{
  if (user == NULL)
    return;

  g_free (user->id);
  g_free (user->email);
  g_free (user->first_name);
  g_free (user->last_name);
  g_free (user->language);
  g_free (user->org_id);
  g_free (user->org_name);
  g_free (user->customer_id);
  g_free (user->customer_name);
  g_strfreev (user->departments);
  g_free (user->avatar);
  g_free (user->notification_preferences);
  g_free (user);
}

/* "First Last", falling back to the email address for users without a name. */
char *
td_user_dup_display_name (const TdUser *user)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (user != NULL, NULL);

  name = g_strstrip (g_strdup_printf ("%s %s",
                                      user->first_name ? user->first_name : "",
                                      user->last_name ? user->last_name : ""));
  if (*name == '\0')
    return g_strdup (user->email ? user->email : "");

  return g_steal_pointer (&name);
}

TdLoginType
td_user_get_login_type (const TdUser *user)
{
  return user->role < TD_N_ROLES ? td_role_get_login_type (user->role) : TD_LOGIN_EMPLOYEE;
}

static void
add_strv (JsonBuilder *builder,
          const char  *member,
          char       **values)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    json_builder_add_string_value (builder, values[i]);
  json_builder_end_array (builder);
}

/* The stored notification matrix (JSON object text); anything else reads as {}. */
static JsonNode *
preferences_to_json (const char *text)
{
  JsonNode *preferences = NULL;

  if (text != NULL)
    preferences = json_from_string (text, NULL);
  if (preferences == NULL || !JSON_NODE_HOLDS_OBJECT (preferences))
    {
      g_clear_pointer (&preferences, json_node_unref);
      preferences = json_node_init_object (json_node_alloc (), json_object_new ());
    }
  return preferences;
}

/* The user object of the API: what login, share-login redeem and GET /me return. Modules
 * and permissions come from the one table in td-permissions.c so that the app never
 * decides them itself. */
JsonNode *
td_user_to_json (const TdUser *user)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *display_name = td_user_dup_display_name (user);
  g_auto(GStrv) modules = td_modules_strv_for_role (user->role);
  g_auto(GStrv) permissions = td_permissions_strv_for_role (user->role);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, user->id);
  json_builder_set_member_name (builder, "email");
  json_builder_add_string_value (builder, user->email);
  json_builder_set_member_name (builder, "first_name");
  json_builder_add_string_value (builder, user->first_name ? user->first_name : "");
  json_builder_set_member_name (builder, "last_name");
  json_builder_add_string_value (builder, user->last_name ? user->last_name : "");
  json_builder_set_member_name (builder, "display_name");
  json_builder_add_string_value (builder, display_name);
  json_builder_set_member_name (builder, "language");
  json_builder_add_string_value (builder, user->language ? user->language : "");
  json_builder_set_member_name (builder, "login_type");
  json_builder_add_string_value (builder, td_login_type_to_string (td_user_get_login_type (user)));
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, user->role < TD_N_ROLES ? td_role_to_string (user->role) : "");

  json_builder_set_member_name (builder, "organization");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, user->org_id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, user->org_name ? user->org_name : "");
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "customer");
  if (user->customer_id != NULL)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, user->customer_id);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, user->customer_name ? user->customer_name : "");
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);

  add_strv (builder, "departments", user->departments);
  add_strv (builder, "modules", modules);
  add_strv (builder, "permissions", permissions);

  json_builder_set_member_name (builder, "avatar");
  if (user->avatar != NULL)
    json_builder_add_string_value (builder, user->avatar);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "push_enabled");
  json_builder_add_boolean_value (builder, user->push_enabled);
  json_builder_set_member_name (builder, "notification_preferences");
  json_builder_add_value (builder, preferences_to_json (user->notification_preferences));
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static char *
dup_member (JsonObject *object,
            const char *member)
{
  return g_strdup (td_json_get_string (object, member));
}

TdUser *
td_user_from_json (JsonObject  *object,
                   GError     **error)
{
  g_autoptr(TdUser) user = NULL;
  JsonObject *organization;
  JsonObject *customer;
  TdLoginType login_type;

  if (object == NULL ||
      td_json_get_string (object, "id") == NULL ||
      td_json_get_string (object, "email") == NULL ||
      !td_login_type_from_string (td_json_get_string (object, "login_type"), &login_type))
    {
      g_set_error_literal (error, TD_COMMON_ERROR, TD_COMMON_ERROR_INVALID_VALUE,
                           "The user object lacks id, email or login type");
      return NULL;
    }

  user = td_user_new ();
  user->id = dup_member (object, "id");
  user->email = dup_member (object, "email");
  user->first_name = dup_member (object, "first_name");
  user->last_name = dup_member (object, "last_name");
  user->language = dup_member (object, "language");
  user->role = td_role_from_string (login_type, td_json_get_string (object, "role"));
  if (user->role == TD_ROLE_INVALID)
    {
      g_set_error (error, TD_COMMON_ERROR, TD_COMMON_ERROR_INVALID_VALUE,
                   "Unknown role “%s”", td_json_get_string (object, "role"));
      return NULL;
    }

  organization = td_json_get_object (object, "organization");
  user->org_id = dup_member (organization, "id");
  user->org_name = dup_member (organization, "name");

  customer = td_json_get_object (object, "customer");
  user->customer_id = dup_member (customer, "id");
  user->customer_name = dup_member (customer, "name");

  g_strfreev (user->departments);
  user->departments = td_json_get_strv (object, "departments");

  user->avatar = dup_member (object, "avatar");
  if (json_object_has_member (object, "push_enabled") &&
      JSON_NODE_HOLDS_VALUE (json_object_get_member (object, "push_enabled")) &&
      json_node_get_value_type (json_object_get_member (object, "push_enabled")) == G_TYPE_BOOLEAN)
    user->push_enabled = json_object_get_boolean_member (object, "push_enabled");
  if (td_json_get_object (object, "notification_preferences") != NULL)
    user->notification_preferences =
      json_to_string (json_object_get_member (object, "notification_preferences"), FALSE);

  return g_steal_pointer (&user);
}
