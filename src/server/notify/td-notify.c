/* td-notify.c: creating notifications (see td-notify.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-notify"

#include "config.h"

#include "td-notify.h"

#include <string.h>

#include "td-isolation.h"
#include "td-json.h"
#include "td-mail.h"
#include "td-permissions.h"
#include "td-resources.h"
#include "td-store-error.h"
#include "td-time.h"
#include "td-validate.h"

#define TITLE_MAX 200
#define BODY_MAX  2000

/* The stored form keeps titles and bodies short: they are copies of text the subject holds
 * in full. Cut at a character boundary. */
static char *
clip (const char *text,
      glong       max_chars)
{
  if (text == NULL)
    return g_strdup ("");
  if (g_utf8_strlen (text, -1) <= max_chars)
    return g_strdup (text);
  {
    g_autofree char *head = g_utf8_substring (text, 0, max_chars - 1);

    return g_strconcat (head, "…", NULL);
  }
}

static gboolean
member_boolean (JsonObject *object,
                const char *name,
                gboolean    fallback)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return fallback;
  return json_node_get_boolean (node);
}

void
td_notify_channels (const char *preferences,
                    gboolean    push_enabled,
                    const char *event_type,
                    gboolean   *out_in_app,
                    gboolean   *out_desktop,
                    gboolean   *out_email)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *entry = NULL;

  if (preferences != NULL)
    root = json_from_string (preferences, NULL);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    entry = td_json_get_object (json_node_get_object (root), event_type);

  /* Defaults (the same as PATCH /me fills in for a partial entry): in-app and desktop on,
   * email off. Only the company_activity subscription of customer-login users can be
   * switched off as a whole. */
  *out_in_app = g_strcmp0 (event_type, "company_activity") != 0 ||
                member_boolean (entry, "in_app", TRUE);
  *out_desktop = *out_in_app && push_enabled && member_boolean (entry, "desktop", TRUE);
  *out_email = *out_in_app && member_boolean (entry, "email", FALSE);
}

typedef struct
{
  char     *email;
  char     *customer_id;
  char     *preferences;
  gboolean  push_enabled;
} Recipient;

static void
recipient_clear (Recipient *recipient)
{
  g_clear_pointer (&recipient->email, g_free);
  g_clear_pointer (&recipient->customer_id, g_free);
  g_clear_pointer (&recipient->preferences, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Recipient, recipient_clear)

/* An active user of @org_id; FALSE without @error when there is none. */
static gboolean
load_recipient (TdDb        *db,
                const char  *org_id,
                const char  *user_id,
                Recipient   *out,
                GError     **error)
{
  g_autoptr(TdDbStmt) stmt = NULL;

  stmt = td_db_prepare (db, "SELECT email, customer_id, notification_preferences, push_enabled"
                            " FROM employees WHERE id = ? AND org_id = ? AND deleted = 0"
                            " AND status = 'active'", error);
  if (stmt == NULL)
    return FALSE;
  td_db_stmt_bind_text (stmt, 1, user_id);
  td_db_stmt_bind_text (stmt, 2, org_id);
  if (td_db_stmt_step (stmt, error) != TD_DB_STEP_ROW)
    return FALSE;

  out->email = td_db_stmt_dup_text (stmt, 0);
  out->customer_id = td_db_stmt_dup_text (stmt, 1);
  out->preferences = td_db_stmt_dup_text (stmt, 2);
  out->push_enabled = td_db_stmt_get_int64 (stmt, 3) != 0;
  return TRUE;
}

/* The unread notification @event would stack onto, or NULL. */
static char *
find_stack (TdDb                *db,
            const char          *org_id,
            const char          *user_id,
            const char          *event_type,
            const TdNotifyEvent *event,
            GError             **error)
{
  g_autoptr(TdDbStmt) stmt = NULL;

  stmt = td_db_prepare (db, "SELECT id FROM notifications WHERE org_id = ? AND user_id = ?"
                            " AND event_type = ? AND subject_type = ? AND subject_id IS ?"
                            " AND deleted = 0 AND unread = 1 LIMIT 1", error);
  if (stmt == NULL)
    return NULL;
  td_db_stmt_bind_text (stmt, 1, org_id);
  td_db_stmt_bind_text (stmt, 2, user_id);
  td_db_stmt_bind_text (stmt, 3, event_type);
  td_db_stmt_bind_text (stmt, 4, event->subject_type);
  if (event->subject_id != NULL)
    td_db_stmt_bind_text (stmt, 5, event->subject_id);
  else
    td_db_stmt_bind_null (stmt, 5);
  if (td_db_stmt_step (stmt, error) != TD_DB_STEP_ROW)
    return NULL;
  return td_db_stmt_dup_text (stmt, 0);
}

static gboolean
stack_onto (TdDb                *db,
            const char          *org_id,
            const char          *id,
            const char          *title,
            const char          *body,
            const TdNotifyEvent *event,
            GError             **error)
{
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autofree char *now = td_time_now ();

  stmt = td_db_prepare (db, "UPDATE notifications SET count = count + 1, title = ?, body = ?,"
                            " actor_id = ?, updated_at = ?4, event_at = ?4,"
                            " version = version + 1"
                            " WHERE id = ? AND org_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  td_db_stmt_bind_text (stmt, 1, title);
  td_db_stmt_bind_text (stmt, 2, body);
  if (event->actor_id != NULL)
    td_db_stmt_bind_text (stmt, 3, event->actor_id);
  else
    td_db_stmt_bind_null (stmt, 3);
  td_db_stmt_bind_text (stmt, 4, now);
  td_db_stmt_bind_text (stmt, 5, id);
  td_db_stmt_bind_text (stmt, 6, org_id);
  return td_db_stmt_run (stmt, error) &&
         td_changes_record (db, org_id, td_resource_notifications.type, id, "upsert",
                            error) != 0;
}

static gboolean
insert_notification (TdDb                *db,
                     const char          *org_id,
                     const char          *user_id,
                     const char          *event_type,
                     const char          *title,
                     const char          *body,
                     const TdNotifyEvent *event,
                     GError             **error)
{
  g_autoptr(JsonObject) values = json_object_new ();
  g_autofree char *id = NULL;
  g_autofree char *now = td_time_now ();

  json_object_set_string_member (values, "user_id", user_id);
  json_object_set_string_member (values, "event_type", event_type);
  json_object_set_string_member (values, "subject_type", event->subject_type);
  if (event->subject_id != NULL)
    json_object_set_string_member (values, "subject_id", event->subject_id);
  json_object_set_string_member (values, "title", title);
  json_object_set_string_member (values, "body", body);
  if (event->actor_id != NULL)
    json_object_set_string_member (values, "actor_id", event->actor_id);
  json_object_set_int_member (values, "count", 1);
  json_object_set_string_member (values, "event_at", now);
  json_object_set_string_member (values, "created_at", now);
  json_object_set_boolean_member (values, "unread", TRUE);

  id = td_resource_insert (db, &td_resource_notifications, org_id, values, error);
  return id != NULL;
}

/* One recipient: preferences, stacking, email. *@out_done tells whether anything was
 * written. */
static gboolean
notify_one (TdDb                *db,
            const char          *org_id,
            const char          *user_id,
            const char          *event_type,
            const TdNotifyEvent *event,
            gboolean            *out_done,
            GError             **error)
{
  g_auto(Recipient) recipient = { 0 };
  g_autofree char *title = clip (event->title, TITLE_MAX);
  g_autofree char *body = clip (event->body, BODY_MAX);
  g_autofree char *stack = NULL;
  GError *local = NULL;
  gboolean in_app, desktop, email;

  *out_done = FALSE;
  if (!load_recipient (db, org_id, user_id, &recipient, &local))
    {
      if (local == NULL)
        return TRUE;
      g_propagate_error (error, local);
      return FALSE;
    }

  if (event->staff_only && recipient.customer_id != NULL)
    return TRUE;

  td_notify_channels (recipient.preferences, recipient.push_enabled, event_type,
                      &in_app, &desktop, &email);
  if (!in_app)
    return TRUE;

  stack = find_stack (db, org_id, user_id, event_type, event, &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  if (stack != NULL ? !stack_onto (db, org_id, stack, title, body, event, error)
                    : !insert_notification (db, org_id, user_id, event_type, title, body,
                                            event, error))
    return FALSE;

  if (email && recipient.email != NULL && *recipient.email != '\0')
    {
      g_autofree char *text = g_strdup_printf ("%s\n\n%s%s", title, body,
                                               *body != '\0' ? "\n" : "");

      if (!td_mail_queue (db, org_id, recipient.email, title, text, error))
        return FALSE;
    }

  *out_done = TRUE;
  return TRUE;
}

/* The customer-login users of @customer_id. */
static char **
company_users (TdDb        *db,
               const char  *org_id,
               const char  *customer_id,
               GError     **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(TdDbStmt) stmt = NULL;
  TdDbStep step;

  stmt = td_db_prepare (db, "SELECT id FROM employees WHERE org_id = ? AND customer_id = ?"
                            " AND deleted = 0 AND status = 'active' ORDER BY id", error);
  if (stmt == NULL)
    return NULL;
  td_db_stmt_bind_text (stmt, 1, org_id);
  td_db_stmt_bind_text (stmt, 2, customer_id);
  while ((step = td_db_stmt_step (stmt, error)) == TD_DB_STEP_ROW)
    g_strv_builder_add (builder, td_db_stmt_get_text (stmt, 0));
  if (step == TD_DB_STEP_ERROR)
    return NULL;
  return g_strv_builder_end (builder);
}

gboolean
td_notify (TdDb                 *db,
           const char           *org_id,
           const TdNotifyEvent  *event,
           const char * const   *recipients,
           guint                *out_count,
           GError              **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_auto(GStrv) company = NULL;
  guint count = 0;

  g_return_val_if_fail (db != NULL && org_id != NULL && event != NULL, FALSE);
  g_return_val_if_fail (td_notification_event_type_is_valid (event->event_type), FALSE);
  g_return_val_if_fail (event->subject_type != NULL && event->title != NULL, FALSE);

  if (out_count != NULL)
    *out_count = 0;
  /* The user who caused the event knows about it already. */
  if (event->actor_id != NULL)
    g_hash_table_add (seen, (gpointer) event->actor_id);

  for (guint i = 0; recipients != NULL && recipients[i] != NULL; i++)
    {
      gboolean done;

      if (!g_hash_table_add (seen, (gpointer) recipients[i]))
        continue;
      if (!notify_one (db, org_id, recipients[i], event->event_type, event, &done, error))
        return FALSE;
      count += done;
    }

  /* Customer-login users follow everything about their company; one who is a direct
   * recipient already got the more specific notification. */
  if (event->customer_id != NULL && !event->staff_only)
    {
      company = company_users (db, org_id, event->customer_id, error);
      if (company == NULL)
        return FALSE;
      for (guint i = 0; company[i] != NULL; i++)
        {
          gboolean done;

          if (!g_hash_table_add (seen, company[i]))
            continue;
          if (!notify_one (db, org_id, company[i], "company_activity", event, &done, error))
            return FALSE;
          count += done;
        }
    }

  if (out_count != NULL)
    *out_count = count;
  return TRUE;
}

/* The employee roles that hold codes.manage, for SQL. */
static void
append_manager_roles (GString   *sql,
                      GPtrArray *roles)
{
  for (TdRole role = 0; role < TD_N_ROLES; role++)
    if (td_role_get_login_type (role) == TD_LOGIN_EMPLOYEE &&
        td_permission_allowed (role, TD_PERM_CODES_MANAGE))
      {
        g_string_append (sql, roles->len == 0 ? "?" : ", ?");
        g_ptr_array_add (roles, (gpointer) td_role_to_string (role));
      }
}

static char **
strv_from_json (const char *text)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(JsonNode) node = text != NULL ? json_from_string (text, NULL) : NULL;

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          const char *value = json_array_get_string_element (array, i);

          if (value != NULL)
            g_strv_builder_add (builder, value);
        }
    }
  return g_strv_builder_end (builder);
}

char **
td_notify_code_managers (TdDb        *db,
                         const char  *org_id,
                         const char  *departments,
                         GError     **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GPtrArray) roles = g_ptr_array_new ();
  g_autoptr(TdDbStmt) stmt = NULL;
  g_auto(GStrv) code_departments = strv_from_json (departments);
  TdIsolation mode = TD_ISOLATION_OFF;
  TdDbStep step;

  stmt = td_db_prepare (db, "SELECT isolation FROM organizations WHERE id = ?", error);
  if (stmt == NULL)
    return NULL;
  td_db_stmt_bind_text (stmt, 1, org_id);
  if ((step = td_db_stmt_step (stmt, error)) == TD_DB_STEP_ERROR)
    return NULL;
  if (step == TD_DB_STEP_ROW)
    td_isolation_from_string (td_db_stmt_get_text (stmt, 0), &mode);
  g_clear_pointer (&stmt, td_db_stmt_free);

  g_string_append (sql, "SELECT id, departments FROM employees WHERE org_id = ?"
                        " AND customer_id IS NULL AND deleted = 0 AND status = 'active'"
                        " AND role IN (");
  append_manager_roles (sql, roles);
  g_string_append (sql, ") ORDER BY id");

  stmt = td_db_prepare (db, sql->str, error);
  if (stmt == NULL)
    return NULL;
  td_db_stmt_bind_text (stmt, 1, org_id);
  for (guint i = 0; i < roles->len; i++)
    td_db_stmt_bind_text (stmt, i + 2, g_ptr_array_index (roles, i));
  while ((step = td_db_stmt_step (stmt, error)) == TD_DB_STEP_ROW)
    {
      g_auto(GStrv) user_departments = strv_from_json (td_db_stmt_get_text (stmt, 1));

      /* The same rule as the code's scope: whoever could not open the code hears
       * nothing about it. */
      if (td_isolation_visible (mode, (const char * const *) user_departments,
                                (const char * const *) code_departments))
        g_strv_builder_add (builder, td_db_stmt_get_text (stmt, 0));
    }
  if (step == TD_DB_STEP_ERROR)
    return NULL;
  return g_strv_builder_end (builder);
}

gboolean
td_notify_code_scanned (TdDb        *db,
                        const char  *org_id,
                        const char  *code_id,
                        GError     **error)
{
  g_autoptr(TdDbStmt) stmt = NULL;
  g_auto(GStrv) managers = NULL;
  g_autofree char *title = NULL;
  g_autofree char *departments = NULL;
  g_autofree char *customer_id = NULL;
  g_autofree char *device_name = NULL;
  TdNotifyEvent event = { 0 };
  TdDbStep step;

  stmt = td_db_prepare (db, "SELECT c.departments, d.customer_id, d.name FROM codes c"
                            " LEFT JOIN devices d ON d.id = c.device_id AND d.deleted = 0"
                            " WHERE c.id = ? AND c.org_id = ? AND c.deleted = 0", error);
  if (stmt == NULL)
    return FALSE;
  td_db_stmt_bind_text (stmt, 1, code_id);
  td_db_stmt_bind_text (stmt, 2, org_id);
  step = td_db_stmt_step (stmt, error);
  if (step != TD_DB_STEP_ROW)
    return step == TD_DB_STEP_DONE;
  departments = td_db_stmt_dup_text (stmt, 0);
  customer_id = td_db_stmt_dup_text (stmt, 1);
  device_name = td_db_stmt_dup_text (stmt, 2);

  managers = td_notify_code_managers (db, org_id, departments, error);
  if (managers == NULL)
    return FALSE;

  title = device_name != NULL ? g_strdup_printf ("Code of %s scanned", device_name)
                              : g_strdup ("Code scanned");
  event.event_type = "code_event";
  event.subject_type = "code";
  event.subject_id = code_id;
  event.title = title;
  event.customer_id = customer_id;
  return td_notify (db, org_id, &event, (const char * const *) managers, NULL, error);
}
