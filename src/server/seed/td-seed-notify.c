/* td-seed-notify.c: demo notifications (part of `--seed demo`)
 *
 * A few notifications for the demo logins, so that the bell and the drawer have something
 * to show: an administrator of the operator with a stacked message, an offer and a read
 * system alert, a content creator with a task, and a customer-login member with company
 * activity. (Not member@acme.test: test-migrations deletes that user to re-seed it.)
 * They name real demo tickets and tasks, and are written with td_resource_insert, which
 * records their changes like every other seed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-seed"

#include "config.h"

#include "td-seed-demo.h"

#include "td-json.h"
#include "td-resources.h"
#include "td-time.h"

#define MINUTE_USEC ((gint64) 60 * G_USEC_PER_SEC)

typedef struct
{
  const char *email;
  const char *event_type;
  const char *subject;       /* "ticket", "globex_ticket", "task" or "session" (none) */
  const char *title_format;  /* %s: the subject's title */
  const char *body;
  gint64      count;
  gint64      minutes_ago;
  gboolean    read;
} DemoNotification;

static const DemoNotification demo_notifications[] = {
  { "admin@acme.test",    "message",          "ticket",        "New message on “%s”",
    "Mia Novak: The replacement part arrives on Thursday.", 3, 12, FALSE },
  { "admin@acme.test",    "offer_received",   "globex_ticket", "You received an offer: “%s”",
    "Globex asks for help.", 1, 45, FALSE },
  { "admin@acme.test",    "system_alert",     "session",       "Signed in on another device",
    "A phone signed in with your share-login code.", 1, 60 * 26, TRUE },
  { "creator@acme.test",  "task_due",         "task",          "Task due: “%s”",
    "", 1, 90, FALSE },
  { "member@globex.test", "company_activity", "globex_ticket", "Update on “%s”",
    "Acme Service changed the status of your company's ticket.", 2, 30, FALSE },
};

static char *
query_text (TdDb        *db,
            const char  *sql,
            const char  *param1,
            const char  *param2,
            GError     **error)
{
  g_autoptr(TdDbStmt) stmt = td_db_prepare (db, sql, error);

  if (stmt == NULL)
    return NULL;
  td_db_stmt_bind_text (stmt, 1, param1);
  if (param2 != NULL)
    td_db_stmt_bind_text (stmt, 2, param2);
  if (td_db_stmt_step (stmt, error) != TD_DB_STEP_ROW)
    return NULL;
  return td_db_stmt_dup_text (stmt, 0);
}

/* The corporate customer of the demo (td-seed-organization.c). */
#define GLOBEX_NAME "Globex"

/* The id and title of the subject @kind names, or FALSE when the demo has none. */
static gboolean
find_subject (TdDb        *db,
              const char  *org_id,
              const char  *kind,
              const char  *user_id,
              char       **out_id,
              char       **out_title,
              GError     **error)
{
  const char *sql;

  if (g_str_equal (kind, "session"))
    {
      /* A seeded database has no sessions yet: the alert names none. */
      *out_id = NULL;
      *out_title = g_strdup ("");
      return TRUE;
    }

  if (g_str_equal (kind, "ticket"))
    sql = "SELECT id, title FROM tickets WHERE org_id = ? AND deleted = 0"
          " AND customer_id IS NULL ORDER BY number LIMIT 1";
  else if (g_str_equal (kind, "globex_ticket"))
    /* A ticket of the Globex company, whoever receives the notification (the operator's
     * admin as much as Globex's own member). */
    sql = "SELECT t.id, t.title FROM tickets t JOIN customers c ON c.id = t.customer_id"
          " WHERE t.org_id = ?1 AND t.deleted = 0 AND c.name = ?2"
          " ORDER BY t.number LIMIT 1";
  else
    sql = "SELECT id, title FROM tasks WHERE org_id = ? AND deleted = 0"
          " ORDER BY due_at, id LIMIT 1";

  {
    g_autoptr(TdDbStmt) stmt = td_db_prepare (db, sql, error);

    if (stmt == NULL)
      return FALSE;
    td_db_stmt_bind_text (stmt, 1, org_id);
    if (g_str_equal (kind, "globex_ticket"))
      td_db_stmt_bind_text (stmt, 2, GLOBEX_NAME);
    if (td_db_stmt_step (stmt, error) != TD_DB_STEP_ROW)
      return FALSE;
    *out_id = td_db_stmt_dup_text (stmt, 0);
    *out_title = td_db_stmt_dup_text (stmt, 1);
  }
  return TRUE;
}

gboolean
td_seed_demo_notify (TdDb        *db,
                     const char  *org_id,
                     GError     **error)
{
  g_autoptr(TdDbStmt) exists = NULL;
  GError *local = NULL;
  gint64 now = td_time_now_usec ();
  TdDbStep step;
  guint added = 0;

  exists = td_db_prepare (db, "SELECT 1 FROM notifications WHERE org_id = ? LIMIT 1", error);
  if (exists == NULL)
    return FALSE;
  td_db_stmt_bind_text (exists, 1, org_id);
  step = td_db_stmt_step (exists, error);
  if (step != TD_DB_STEP_DONE)
    return step == TD_DB_STEP_ROW;

  for (guint i = 0; i < G_N_ELEMENTS (demo_notifications); i++)
    {
      const DemoNotification *demo = &demo_notifications[i];
      g_autoptr(JsonObject) values = json_object_new ();
      g_autofree char *user_id = NULL;
      g_autofree char *subject_id = NULL;
      g_autofree char *subject_title = NULL;
      g_autofree char *title = NULL;
      g_autofree char *created_at = NULL;
      g_autofree char *event_at = NULL;
      g_autofree char *id = NULL;

      user_id = query_text (db, "SELECT id FROM employees WHERE org_id = ? AND email = ?"
                                " AND deleted = 0", org_id, demo->email, &local);
      if (user_id == NULL)
        {
          if (local != NULL)
            {
              g_propagate_error (error, local);
              return FALSE;
            }
          continue;
        }
      if (!find_subject (db, org_id, demo->subject, user_id, &subject_id, &subject_title,
                         &local))
        {
          if (local != NULL)
            {
              g_propagate_error (error, local);
              return FALSE;
            }
          continue;
        }

      {
        g_auto(GStrv) parts = g_strsplit (demo->title_format, "%s", 2);

        title = g_strjoinv (subject_title, parts);
      }
      /* A stack spans a few minutes of events: created with the first, dated by the last. */
      created_at = td_time_format (now - (demo->minutes_ago + 5 * (demo->count - 1)) * MINUTE_USEC);
      event_at = td_time_format (now - demo->minutes_ago * MINUTE_USEC);

      json_object_set_string_member (values, "user_id", user_id);
      json_object_set_string_member (values, "event_type", demo->event_type);
      json_object_set_string_member (values, "subject_type",
                                     g_str_equal (demo->subject, "session") ? "session"
                                     : g_str_equal (demo->subject, "task") ? "task" : "ticket");
      if (subject_id != NULL)
        json_object_set_string_member (values, "subject_id", subject_id);
      json_object_set_string_member (values, "title", title);
      json_object_set_string_member (values, "body", demo->body);
      json_object_set_int_member (values, "count", demo->count);
      json_object_set_string_member (values, "event_at", event_at);
      json_object_set_string_member (values, "created_at", created_at);
      json_object_set_string_member (values, "updated_at", event_at);
      json_object_set_boolean_member (values, "unread", !demo->read);
      if (demo->read)
        json_object_set_string_member (values, "read_at", event_at);

      id = td_resource_insert (db, &td_resource_notifications, org_id, values, error);
      if (id == NULL)
        return FALSE;
      added++;
    }

  g_message ("Demo notifications: %u", added);
  return TRUE;
}
