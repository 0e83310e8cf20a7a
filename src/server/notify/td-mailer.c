/* td-mailer.c: the delivery thread of the mail outbox (see td-mailer.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-mail"

#include "config.h"

#include "td-mailer.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "td-mail.h"
#include "td-server-error.h"
#include "td-smtp.h"
#include "td-time.h"

/* Rows taken per query; the thread keeps going while batches come back full. */
#define BATCH_SIZE       50
#define SMTP_DEFAULT_PORT 25
#define ERROR_MAX_CHARS  500

struct _TdMailer
{
  TdDbPool     *pool;
  char         *smtp_host;  /* NULL: the spool directory */
  guint16       smtp_port;
  char         *spool_dir;
  char         *from;
  char         *helo_name;

  GThread      *thread;
  GCancellable *cancellable;
  GMutex        mutex;
  GCond         cond;
  gboolean      kicked;
  gboolean      stopping;
};

typedef struct
{
  char   *id;
  char   *recipient;
  char   *subject;
  char   *body;
  gint64  created_usec;
  guint   attempts;
} Message;

static void
message_free (Message *message)
{
  g_free (message->id);
  g_free (message->recipient);
  g_free (message->subject);
  g_free (message->body);
  g_free (message);
}

gint64
td_mailer_retry_delay (guint attempts)
{
  gint64 delay = TD_MAILER_RETRY_BASE_USEC;

  for (guint i = 1; i < attempts && delay < TD_MAILER_RETRY_MAX_USEC; i++)
    delay *= 2;
  return MIN (delay, TD_MAILER_RETRY_MAX_USEC);
}

static gboolean
is_stopping (TdMailer *self)
{
  gboolean stopping;

  g_mutex_lock (&self->mutex);
  stopping = self->stopping;
  g_mutex_unlock (&self->mutex);
  return stopping;
}

/* Up to BATCH_SIZE due messages, oldest first; NULL with @error when the query fails. The
 * statement is done before any delivery, so no read transaction stays open on the network. */
static GPtrArray *
take_due (TdDb    *db,
          GError **error)
{
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func ((GDestroyNotify) message_free);
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autofree char *now = td_time_now ();
  TdDbStep step;

  stmt = td_db_prepare (db, "SELECT id, recipient, subject, body, created_at, attempts"
                            " FROM mail_outbox WHERE sent_at IS NULL AND next_attempt_at <= ?"
                            " ORDER BY next_attempt_at, created_at LIMIT ?", error);
  if (stmt == NULL)
    return NULL;
  td_db_stmt_bind_text (stmt, 1, now);
  td_db_stmt_bind_int64 (stmt, 2, BATCH_SIZE);

  while ((step = td_db_stmt_step (stmt, error)) == TD_DB_STEP_ROW)
    {
      Message *message = g_new0 (Message, 1);

      message->id = td_db_stmt_dup_text (stmt, 0);
      message->recipient = td_db_stmt_dup_text (stmt, 1);
      message->subject = td_db_stmt_dup_text (stmt, 2);
      message->body = td_db_stmt_dup_text (stmt, 3);
      if (!td_time_parse (td_db_stmt_get_text (stmt, 4), &message->created_usec))
        message->created_usec = td_time_now_usec ();
      message->attempts = (guint) CLAMP (td_db_stmt_get_int64 (stmt, 5), 0, G_MAXINT);
      g_ptr_array_add (messages, message);
    }
  if (step == TD_DB_STEP_ERROR)
    return NULL;

  return g_steal_pointer (&messages);
}

/* Writes @text as <created>-<id>.eml: g_file_set_contents_full() writes a temporary file
 * in the same directory and renames it, so a reader never sees half a message. */
static gboolean
write_spool (TdMailer       *self,
             const Message  *message,
             const char     *text,
             GError        **error)
{
  g_autoptr(GDateTime) created = g_date_time_new_from_unix_utc (message->created_usec / G_USEC_PER_SEC);
  g_autofree char *stamp = created != NULL ? g_date_time_format (created, "%Y%m%dT%H%M%SZ")
                                           : g_strdup ("0");
  g_autofree char *name = g_strdup_printf ("%s-%s.eml", stamp, message->id);
  g_autofree char *path = g_build_filename (self->spool_dir, name, NULL);

  return g_file_set_contents_full (path, text, -1,
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                   0600, error);
}

static gboolean
deliver (TdMailer       *self,
         const Message  *message,
         GError        **error)
{
  g_autofree char *text = td_mail_format (self->from, message->recipient, message->subject,
                                          message->body, message->created_usec, message->id);

  if (self->smtp_host == NULL)
    return write_spool (self, message, text, error);
  return td_smtp_send (self->smtp_host, self->smtp_port, self->helo_name, self->from,
                       message->recipient, text, TD_MAILER_SMTP_TIMEOUT_SEC, self->cancellable,
                       error);
}

static gboolean
mark_sent (TdDb           *db,
           const Message  *message,
           GError        **error)
{
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autofree char *now = td_time_now ();

  /* A sensitive body (a one-time link) is not kept once the recipient has it. */
  stmt = td_db_prepare (db, "UPDATE mail_outbox SET sent_at = ?, attempts = attempts + 1,"
                            " last_error = NULL,"
                            " body = CASE WHEN sensitive = 1 THEN '' ELSE body END"
                            " WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  td_db_stmt_bind_text (stmt, 1, now);
  td_db_stmt_bind_text (stmt, 2, message->id);
  return td_db_stmt_run (stmt, error);
}

static gboolean
mark_failed (TdDb           *db,
             const Message  *message,
             const char     *reason,
             gint64          delay_usec,
             GError        **error)
{
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autofree char *next = td_time_format (td_time_now_usec () + delay_usec);
  g_autofree char *valid = g_utf8_make_valid (reason, -1);
  g_autofree char *short_reason = g_utf8_substring (valid, 0, MIN (g_utf8_strlen (valid, -1),
                                                                   ERROR_MAX_CHARS));

  stmt = td_db_prepare (db, "UPDATE mail_outbox SET attempts = attempts + 1, last_error = ?,"
                            " next_attempt_at = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  td_db_stmt_bind_text (stmt, 1, short_reason);
  td_db_stmt_bind_text (stmt, 2, next);
  td_db_stmt_bind_text (stmt, 3, message->id);
  return td_db_stmt_run (stmt, error);
}

/* Delivers what is due. FALSE when the database failed (the thread tries again later). */
static gboolean
deliver_due (TdMailer  *self,
             TdDb      *db,
             GError   **error)
{
  for (;;)
    {
      g_autoptr(GPtrArray) messages = take_due (db, error);

      if (messages == NULL)
        return FALSE;

      for (guint i = 0; i < messages->len; i++)
        {
          const Message *message = g_ptr_array_index (messages, i);
          g_autoptr(GError) delivery_error = NULL;

          if (is_stopping (self))
            return TRUE;

          if (deliver (self, message, &delivery_error))
            {
              g_message ("Mail %s delivered%s", message->id,
                         self->smtp_host != NULL ? " to the relay" : " to the spool directory");
              if (!mark_sent (db, message, error))
                return FALSE;
            }
          else if (g_error_matches (delivery_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            return TRUE;  /* shutting down: untouched, so it goes out first after a restart */
          else
            {
              gint64 delay = td_mailer_retry_delay (message->attempts + 1);

              /* The id only: recipients are personal data. */
              g_warning ("Mail %s not delivered (attempt %u, next in %" G_GINT64_FORMAT " s): %s",
                         message->id, message->attempts + 1, delay / G_USEC_PER_SEC,
                         delivery_error->message);
              if (!mark_failed (db, message, delivery_error->message, delay, error))
                return FALSE;
            }
        }

      if (messages->len < BATCH_SIZE)
        return TRUE;
    }
}

static gpointer
run_cb (gpointer user_data)
{
  TdMailer *self = user_data;

  g_mutex_lock (&self->mutex);
  while (!self->stopping)
    {
      g_autoptr(GError) error = NULL;
      gint64 deadline;
      TdDb *db;

      self->kicked = FALSE;
      g_mutex_unlock (&self->mutex);

      db = td_db_pool_acquire (self->pool, &error);
      if (db != NULL)
        {
          if (!deliver_due (self, db, &error))
            g_warning ("Reading the mail outbox failed: %s", error->message);
          td_db_pool_release (self->pool, db);
        }
      else
        g_warning ("No database connection for the mailer: %s", error->message);

      g_mutex_lock (&self->mutex);
      deadline = g_get_monotonic_time () + TD_MAILER_POLL_INTERVAL_USEC;
      while (!self->stopping && !self->kicked)
        if (!g_cond_wait_until (&self->cond, &self->mutex, deadline))
          break;
    }
  g_mutex_unlock (&self->mutex);

  return NULL;
}

static gboolean
is_host_name (const char *name)
{
  if (name == NULL || *name == '\0' || strlen (name) > 253)
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '-')
      return FALSE;
  return TRUE;
}

/* local@domain, without anything that could break out of "MAIL FROM:<…>" or a header
 * ("twindesk@localhost" is fine: a sender need not have a dotted domain). */
static gboolean
is_plain_address (const char *address)
{
  const char *at = strchr (address, '@');

  if (at == NULL || at == address || at[1] == '\0' || strchr (at + 1, '@') != NULL ||
      strlen (address) > 254 || !g_utf8_validate (address, -1, NULL))
    return FALSE;
  for (const char *p = address; *p != '\0'; p++)
    if ((guchar) *p <= 0x20 || *p == 0x7f || strchr ("<>,;:\"()[]\\", *p) != NULL)
      return FALSE;
  return TRUE;
}

static gboolean
parse_smtp_url (const char  *url,
                char       **out_host,
                guint16     *out_port,
                GError     **error)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *path;
  gint port;

  if (uri == NULL || g_strcmp0 (g_uri_get_scheme (uri), "smtp") != 0 ||
      g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      g_uri_get_userinfo (uri) != NULL || g_uri_get_query (uri) != NULL ||
      g_uri_get_fragment (uri) != NULL ||
      ((path = g_uri_get_path (uri)) != NULL && *path != '\0' && g_strcmp0 (path, "/") != 0))
    {
      g_set_error (error, TD_SERVER_ERROR, TD_SERVER_ERROR_INVALID_ARGUMENT,
                   "“%s” is not smtp://HOST[:PORT]", url);
      return FALSE;
    }

  port = g_uri_get_port (uri);
  *out_host = g_strdup (g_uri_get_host (uri));
  *out_port = port > 0 && port <= G_MAXUINT16 ? (guint16) port : SMTP_DEFAULT_PORT;
  return TRUE;
}

TdMailer *
td_mailer_new (TdDbPool    *pool,
               const char  *smtp_url,
               const char  *spool_dir,
               const char  *from_address,
               GError     **error)
{
  g_autoptr(TdMailer) self = g_new0 (TdMailer, 1);
  const char *from = from_address != NULL ? from_address : TD_MAILER_DEFAULT_FROM;

  g_return_val_if_fail (pool != NULL, NULL);

  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  self->pool = pool;
  self->cancellable = g_cancellable_new ();

  /* The address goes into MAIL FROM and the From header: one plain address. */
  if (!is_plain_address (from))
    {
      g_set_error (error, TD_SERVER_ERROR, TD_SERVER_ERROR_INVALID_ARGUMENT,
                   "“%s” is not an email address", from);
      return NULL;
    }
  self->from = g_strdup (from);
  self->helo_name = g_strdup (is_host_name (g_get_host_name ()) ? g_get_host_name () : "localhost");

  if (smtp_url != NULL)
    {
      if (!parse_smtp_url (smtp_url, &self->smtp_host, &self->smtp_port, error))
        return NULL;
    }
  else
    {
      if (spool_dir == NULL || *spool_dir == '\0')
        {
          g_set_error_literal (error, TD_SERVER_ERROR, TD_SERVER_ERROR_INVALID_ARGUMENT,
                               "Mail needs an SMTP relay or a spool directory");
          return NULL;
        }
      if (g_mkdir_with_parents (spool_dir, 0700) != 0)
        {
          int saved_errno = errno;

          g_set_error (error, TD_SERVER_ERROR, TD_SERVER_ERROR_INVALID_ARGUMENT,
                       "Cannot create the mail spool directory %s: %s", spool_dir,
                       g_strerror (saved_errno));
          return NULL;
        }
      self->spool_dir = g_strdup (spool_dir);
    }

  self->thread = g_thread_new ("td-mailer", run_cb, self);
  return g_steal_pointer (&self);
}

void
td_mailer_kick (TdMailer *self)
{
  if (self == NULL)
    return;

  g_mutex_lock (&self->mutex);
  self->kicked = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->mutex);
}

void
td_mailer_free (TdMailer *self)
{
  if (self == NULL)
    return;

  if (self->thread != NULL)
    {
      g_mutex_lock (&self->mutex);
      self->stopping = TRUE;
      g_cond_signal (&self->cond);
      g_mutex_unlock (&self->mutex);
      g_cancellable_cancel (self->cancellable);
      g_thread_join (self->thread);
    }

  g_clear_object (&self->cancellable);
  g_free (self->smtp_host);
  g_free (self->spool_dir);
  g_free (self->from);
  g_free (self->helo_name);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  g_free (self);
}
