/* td-notify.h: creating notifications (DOMAIN.md §6)
 *
 * A notification is created in the same transaction as the write that causes it, so it
 * exists exactly when that write commits (and a rolled-back write leaves none). For every
 * recipient td_notify() applies the recipient's preferences (employees.
 * notification_preferences: event type → {"in_app": true, "desktop": bool, "email": bool};
 * in-app is always on), skips the user who caused the event, and stacks: an unread
 * notification of the same user, event type and subject is updated (count + 1, the new
 * title and body, version + 1) instead of adding a row. Every insert and update records a
 * change of type "notification", from which the event stream pushes it to the recipient.
 * Email goes through td_mail_queue() in the same transaction.
 *
 * Customer-login users of the subject's company (@customer_id) receive a
 * "company_activity" notification about every such event by default; their preference
 * company_activity.in_app = false turns this off (the one in-app switch there is).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-db.h"

G_BEGIN_DECLS

typedef struct
{
  const char *event_type;    /* one of td_notification_event_types () */
  const char *subject_type;  /* "ticket", "video_session", "task", "code", "device", "session" */
  const char *subject_id;    /* may be NULL */
  const char *title;         /* one line, shown in the drawer and as the email subject */
  const char *body;          /* may be NULL */
  const char *actor_id;      /* the user who caused the event, never notified; NULL: the system */
  const char *customer_id;   /* the subject's company, for company_activity; may be NULL */
  gboolean    staff_only;    /* internal (offers, internal updates): no customer-login user */
} TdNotifyEvent;

/* Notifies every id of @recipients (NULL-terminated, may be NULL or hold duplicates and
 * ids of users that do not exist, are disabled or belong to another organization: those
 * are skipped) and, when @event->customer_id is set, the customer-login users of that
 * company. Runs inside the caller's open transaction on @db. *@out_count (may be NULL)
 * tells how many notifications were created or stacked. */
gboolean td_notify           (TdDb                 *db,
                              const char           *org_id,
                              const TdNotifyEvent  *event,
                              const char * const   *recipients,
                              guint                *out_count,
                              GError              **error);

/* The effective channels of @event_type for a user with @preferences (JSON object text,
 * NULL for {}) and @push_enabled: in_app is always TRUE except for a company_activity
 * subscription turned off; desktop needs the push toggle too. */
void     td_notify_channels  (const char           *preferences,
                              gboolean              push_enabled,
                              const char           *event_type,
                              gboolean             *out_in_app,
                              gboolean             *out_desktop,
                              gboolean             *out_email);

/* The employees of @org_id whose role holds codes.manage and who can see a code with
 * @departments (JSON array text) under the organization's isolation mode: the recipients
 * of code events. NULL-terminated. */
char   **td_notify_code_managers (TdDb             *db,
                                  const char       *org_id,
                                  const char       *departments,
                                  GError          **error);

/* A new scan of the dynamic code @code_id: a code_event for its managers and the company
 * of its device. For the public code page. */
gboolean td_notify_code_scanned (TdDb              *db,
                                 const char        *org_id,
                                 const char        *code_id,
                                 GError           **error);

G_END_DECLS
