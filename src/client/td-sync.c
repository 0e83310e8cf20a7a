/* td-sync.c: the sync engine (see td-sync.h)
 *
 * Everything runs on the main context; the HTTP exchanges are asynchronous, so the main
 * loop turns between requests and a page of the feed (parse and one insert transaction)
 * is the longest step. Pages are parsed on a worker thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-sync"

#include "config.h"

#include "td-sync.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "td-api-resources-private.h"
#include "td-collections.h"
#include "td-json.h"
#include "td-outbox.h"

/* Bigger pages mean fewer round trips; the server answers 5,000 in about 50 ms. */
#define FEED_PAGE          2000
/* Change numbers behind the server beyond which a catch-up is loaded in bulk. */
#define LARGE_CATCH_UP     50000
#define RETRY_FIRST_MS     1000
#define RETRY_MAX_MS       60000
#define MAX_BODY_DEPTH     64

struct _TdSync
{
  GObject         parent_instance;

  TdApiClient    *client;
  TdCache        *cache;
  TdEventStream  *events;
  GCancellable   *cancellable;   /* of the run in progress */

  TdSyncState     state;
  gboolean        started;
  gboolean        running;
  gboolean        again;         /* kicked during the run */
  gboolean        bulk;          /* this run is a full sync */
  guint           retry_id;
  guint           retry_ms;
  gint64          pull_cursor;   /* where the next page starts (ahead of the cache's
                                  * cursor while a page is being applied) */
  gint64          progress_done;
  gint64          progress_total;
  char           *last_error;

  /* Where a full sync spends its time (µs), logged at its end; bench-sync prints it. The
   * main thread applies pages or waits for the next one; the server's answers (request to
   * last byte) and the parsing on the worker overlap with both. */
  struct
  {
    gint64        started;
    gint64        idle_since;    /* the main thread has had no page to apply since */
    gint64        requested;
    gint64        waiting;
    gint64        applying;
    gint64        parsing;
    gint64        answering;
    guint         pages;
    guint64       changes;
  } timing;
};

G_DEFINE_FINAL_TYPE (TdSync, td_sync, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (TdSyncState, td_sync_state,
  G_DEFINE_ENUM_VALUE (TD_SYNC_IDLE, "idle"),
  G_DEFINE_ENUM_VALUE (TD_SYNC_PUSHING, "pushing"),
  G_DEFINE_ENUM_VALUE (TD_SYNC_PULLING, "pulling"),
  G_DEFINE_ENUM_VALUE (TD_SYNC_INITIAL, "initial"),
  G_DEFINE_ENUM_VALUE (TD_SYNC_OFFLINE, "offline"),
  G_DEFINE_ENUM_VALUE (TD_SYNC_UNAUTHORIZED, "unauthorized"),
  G_DEFINE_ENUM_VALUE (TD_SYNC_STOPPED, "stopped"))

enum {
  PROP_0,
  PROP_STATE,
  PROP_PROGRESS_DONE,
  PROP_PROGRESS_TOTAL,
  PROP_LAST_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_RUN_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void run_start (TdSync *self);
static void push_next (TdSync *self);
static void pull_page (TdSync *self);

static void
set_state (TdSync      *self,
           TdSyncState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_last_error (TdSync     *self,
                const char *message)
{
  if (g_strcmp0 (self->last_error, message) == 0)
    return;
  g_free (self->last_error);
  self->last_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

static void
set_progress (TdSync *self,
              gint64  done,
              gint64  total)
{
  if (self->progress_done != done)
    {
      self->progress_done = done;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS_DONE]);
    }
  if (self->progress_total != total)
    {
      self->progress_total = total;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS_TOTAL]);
    }
}

/* Timing of a full sync ------------------------------------------------------------------ */

static void
timing_start (TdSync *self)
{
  memset (&self->timing, 0, sizeof self->timing);
  self->timing.started = self->timing.idle_since = g_get_monotonic_time ();
}

/* A page was applied from @started until now. */
static void
timing_page (TdSync *self,
             gint64  started,
             gint64  parse_usec,
             guint   n_changes)
{
  gint64 now = g_get_monotonic_time ();

  if (self->timing.started == 0)
    return;
  self->timing.waiting += started - self->timing.idle_since;
  self->timing.applying += now - started;
  self->timing.idle_since = now;
  self->timing.parsing += parse_usec;
  self->timing.pages++;
  self->timing.changes += n_changes;
}

static void
timing_report (TdSync *self,
               gint64  indexes)
{
  if (self->timing.started == 0)
    return;
  g_debug ("Full sync of %" G_GUINT64_FORMAT " changes in %u pages: %.2f s; main thread: "
           "applying %.2f s, waiting for pages %.2f s, indexes and search %.2f s; "
           "alongside: server answers %.2f s, parsing %.2f s",
           self->timing.changes, self->timing.pages,
           (g_get_monotonic_time () - self->timing.started) / 1e6,
           self->timing.applying / 1e6, self->timing.waiting / 1e6, indexes / 1e6,
           self->timing.answering / 1e6, self->timing.parsing / 1e6);
  self->timing.started = 0;
}

/* Run bookkeeping ---------------------------------------------------------------------- */

static gboolean
retry_cb (gpointer user_data)
{
  TdSync *self = user_data;

  self->retry_id = 0;
  run_start (self);
  return G_SOURCE_REMOVE;
}

/* Ends the run. @retry: the server did not answer (or answered 5xx): try again later,
 * with exponential back-off and ±25 % jitter. */
static void
run_finish (TdSync     *self,
            TdSyncState state,
            gboolean    retry)
{
  gboolean again = self->again;

  self->running = FALSE;
  self->again = FALSE;
  g_clear_object (&self->cancellable);

  if (self->bulk && td_cache_in_bulk (self->cache) && state == TD_SYNC_IDLE)
    {
      g_autoptr(GError) error = NULL;
      gint64 started = g_get_monotonic_time ();

      if (!td_cache_end_bulk (self->cache, &error))
        g_warning ("Finishing the full sync failed: %s", error->message);
      else
        timing_report (self, g_get_monotonic_time () - started);
    }
  self->bulk = FALSE;
  set_state (self, state);

  if (retry && self->started)
    {
      guint delay;

      self->retry_ms = self->retry_ms == 0 ? RETRY_FIRST_MS : MIN (self->retry_ms * 2, RETRY_MAX_MS);
      delay = self->retry_ms * 3 / 4 + g_random_int_range (0, (gint32) self->retry_ms / 2 + 1);
      g_clear_handle_id (&self->retry_id, g_source_remove);
      self->retry_id = g_timeout_add (delay, retry_cb, self);
    }
  else if (state == TD_SYNC_IDLE)
    {
      self->retry_ms = 0;
      set_last_error (self, NULL);
    }

  g_signal_emit (self, signals[SIGNAL_RUN_FINISHED], 0);

  if (again && self->started && state != TD_SYNC_UNAUTHORIZED && !retry)
    run_start (self);
}

/* HTTP ---------------------------------------------------------------------------------- */

typedef void (*ReplyFunc) (TdSync     *self,
                           guint       status,
                           GBytes     *body,
                           gpointer    data);

typedef struct
{
  TdSync      *self;
  SoupMessage *message;
  ReplyFunc    func;
  gpointer     data;
  GDestroyNotify data_free;
} Exchange;

static void
exchange_free (Exchange *exchange)
{
  g_object_unref (exchange->self);
  g_object_unref (exchange->message);
  if (exchange->data_free != NULL)
    exchange->data_free (exchange->data);
  g_free (exchange);
}

static void
exchange_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Exchange *exchange = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                              &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      exchange_free (exchange);
      return;
    }
  if (body == NULL)
    {
      /* Status 0: no answer (refused, reset, timeout). */
      g_debug ("No answer: %s", error->message);
      set_last_error (exchange->self, error->message);
      exchange->func (exchange->self, 0, NULL, exchange->data);
    }
  else
    exchange->func (exchange->self, soup_message_get_status (exchange->message), body,
                    exchange->data);
  exchange_free (exchange);
}

static void
send (TdSync         *self,
      const char     *method,
      const char     *path,
      const char     *if_match,
      const char     *idempotency_key,
      JsonObject     *body,
      ReplyFunc       func,
      gpointer        data,
      GDestroyNotify  data_free)
{
  g_autofree char *url = g_strconcat (td_api_client_get_base_url (self->client), path, NULL);
  const char *token = td_api_client_get_token (self->client);
  Exchange *exchange = g_new0 (Exchange, 1);
  SoupMessageHeaders *headers;

  exchange->self = g_object_ref (self);
  exchange->func = func;
  exchange->data = data;
  exchange->data_free = data_free;
  exchange->message = soup_message_new (method, url);
  if (exchange->message == NULL)
    {
      exchange->message = soup_message_new ("GET", "http://invalid.invalid/");
      func (self, 0, NULL, data);
      exchange_free (exchange);
      return;
    }

  headers = soup_message_get_request_headers (exchange->message);
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (token != NULL)
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (headers, "Authorization", bearer);
      memset (bearer, 0, strlen (bearer));
    }
  if (if_match != NULL)
    soup_message_headers_replace (headers, "If-Match", if_match);
  if (idempotency_key != NULL)
    soup_message_headers_replace (headers, "Idempotency-Key", idempotency_key);
  if (body != NULL)
    {
      g_autofree char *text = td_json_object_to_string (body);
      g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&text), strlen (text));

      soup_message_set_request_body_from_bytes (exchange->message, "application/json", bytes);
    }

  soup_session_send_and_read_async (td_api_client_get_soup_session (self->client),
                                    exchange->message, G_PRIORITY_DEFAULT, self->cancellable,
                                    exchange_cb, exchange);
}

static JsonObject *
parse_object (GBytes *body)
{
  g_autoptr(JsonNode) node = NULL;
  gsize length = 0;
  const char *data;

  if (body == NULL)
    return NULL;
  data = g_bytes_get_data (body, &length);
  if (data == NULL || length == 0)
    return NULL;
  node = td_json_parse (data, length, NULL);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_object_ref (json_node_get_object (node));
}

/* The server's words for a refusal ({"error":{"message"}}), else the status. */
static char *
error_message (guint   status,
               GBytes *body)
{
  g_autoptr(JsonObject) object = parse_object (body);
  JsonObject *error = NULL;

  if (object != NULL && json_object_has_member (object, "error") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "error")))
    error = json_object_get_object_member (object, "error");
  if (error != NULL && td_json_get_string (error, "message") != NULL)
    return g_strdup (td_json_get_string (error, "message"));
  return g_strdup_printf (_("The server refused the change (HTTP %u)"), status);
}

/* Push ---------------------------------------------------------------------------------- */

static void
unauthorized (TdSync *self)
{
  set_last_error (self, _("The session has ended; sign in again to send your changes"));
  run_finish (self, TD_SYNC_UNAUTHORIZED, FALSE);
}

static void
pushed_cb (TdSync  *self,
           guint    status,
           GBytes  *body,
           gpointer data)
{
  TdOutboxEntry *entry = data;
  g_autoptr(GError) error = NULL;
  gboolean ok = TRUE;

  if (status == 0 || status >= 500 || status == 429 || status == 408)
    {
      /* Nothing is known to have happened: the same request (same key) goes again later. */
      if (status != 0)
        {
          g_autofree char *message = error_message (status, body);

          set_last_error (self, message);
        }
      run_finish (self, TD_SYNC_OFFLINE, TRUE);
      return;
    }
  if (status == 401)
    {
      unauthorized (self);
      return;
    }

  if (status >= 200 && status < 300)
    {
      g_autoptr(JsonObject) object = parse_object (body);

      ok = td_outbox_complete (self->cache, entry->id, object, &error);
    }
  else if (status == 404 && entry->op == TD_OUTBOX_OP_DELETE)
    /* Already gone: what the delete wanted. */
    ok = td_outbox_complete (self->cache, entry->id, NULL, &error);
  else if (status == 412)
    {
      g_autoptr(JsonObject) reply = parse_object (body);
      JsonObject *current = NULL;
      TdOutboxState state;

      if (reply != NULL && json_object_has_member (reply, "current") &&
          JSON_NODE_HOLDS_OBJECT (json_object_get_member (reply, "current")))
        current = json_object_get_object_member (reply, "current");
      if (current != NULL)
        ok = td_outbox_precondition_failed (self->cache, entry->id, current, &state, &error);
      else
        ok = td_outbox_fail (self->cache, entry->id,
                             _("The object changed on the server and could not be compared"),
                             &error);
    }
  else
    {
      g_autofree char *message = error_message (status, body);

      ok = td_outbox_fail (self->cache, entry->id, message, &error);
    }

  if (!ok)
    {
      g_warning ("Recording the answer to a pushed change failed: %s", error->message);
      set_last_error (self, error->message);
      run_finish (self, TD_SYNC_OFFLINE, TRUE);
      return;
    }
  push_next (self);
}

static void
push_next (TdSync *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdOutboxEntry) entry = td_outbox_next_pending (self->cache, &error);
  const char *collection;
  g_autofree char *path = NULL;
  g_autofree char *if_match = NULL;

  if (error != NULL)
    {
      g_warning ("Reading the outbox failed: %s", error->message);
      run_finish (self, TD_SYNC_OFFLINE, TRUE);
      return;
    }
  if (entry == NULL)
    {
      pull_page (self);
      return;
    }

  set_state (self, TD_SYNC_PUSHING);
  collection = td_collection_for_type (entry->type);
  if (collection == NULL)
    {
      if (!td_outbox_fail (self->cache, entry->id, _("This kind of object cannot be changed"),
                           &error))
        g_warning ("Parking an outbox entry failed: %s", error->message);
      push_next (self);
      return;
    }
  if (!td_outbox_begin_attempt (self->cache, entry->id, &error))
    {
      g_warning ("Starting to push failed: %s", error->message);
      run_finish (self, TD_SYNC_OFFLINE, TRUE);
      return;
    }

  if (entry->base_version > 0)
    if_match = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", entry->base_version);

  /* Arguments are evaluated in no set order: read the entry before handing it over. */
  {
    const char *method = entry->op == TD_OUTBOX_OP_CREATE ? "POST"
                         : entry->op == TD_OUTBOX_OP_UPDATE ? "PATCH" : "DELETE";
    g_autofree char *key = entry->op == TD_OUTBOX_OP_CREATE ? g_strdup (entry->idempotency_key)
                                                             : NULL;
    g_autoptr(JsonObject) body = entry->op != TD_OUTBOX_OP_DELETE && entry->changes != NULL
                                 ? json_object_ref (entry->changes) : NULL;

    const char *match = entry->op == TD_OUTBOX_OP_CREATE ? NULL : if_match;

    path = entry->op == TD_OUTBOX_OP_CREATE
           ? td_api_path_new (collection, NULL)
           : td_api_path_new (collection, entry->object_id, NULL);
    send (self, method, path, match, key, body, pushed_cb, g_steal_pointer (&entry),
          (GDestroyNotify) td_outbox_entry_free);
  }
}

/* Pull ---------------------------------------------------------------------------------- */

typedef struct
{
  TdCachePage *page;
  gint64       parse_usec;
} ParsedPage;

static void
parsed_page_free (ParsedPage *parsed)
{
  td_cache_page_free (parsed->page);
  g_free (parsed);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParsedPage, parsed_page_free)

/* On a worker thread: one strict pass over the text, no JSON tree (see td-cache.h). */
static void
parse_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  gint64 started = g_get_monotonic_time ();
  g_autoptr(GError) error = NULL;
  TdCachePage *page = td_cache_page_new (task_data, &error);
  ParsedPage *parsed;

  if (page == NULL)
    {
      g_debug ("Unusable change page: %s", error->message);
      g_task_return_new_error (task, TD_API_ERROR, TD_API_ERROR_INVALID_RESPONSE,
                               "%s", _("The server sent a change page that is not JSON"));
      return;
    }
  parsed = g_new0 (ParsedPage, 1);
  parsed->page = page;
  parsed->parse_usec = g_get_monotonic_time () - started;
  g_task_return_pointer (task, parsed, (GDestroyNotify) parsed_page_free);
}

static void
parsed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(TdSync) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ParsedPage) parsed = g_task_propagate_pointer (G_TASK (result), &error);
  TdCachePage *page;
  gint64 next_since;
  gint64 newest_seq;
  gint64 started;
  gboolean more;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !self->running)
    return;
  if (parsed == NULL)
    {
      set_last_error (self, error->message);
      run_finish (self, TD_SYNC_OFFLINE, TRUE);
      return;
    }

  page = parsed->page;
  next_since = td_cache_page_get_next_since (page);
  newest_seq = td_cache_page_get_newest_seq (page);
  more = td_cache_page_get_has_more (page);

  /* A long way behind (a laptop back after weeks): load the rest like a full sync, with
   * the indexes built once at the end rather than row by row. */
  if (more && !self->bulk && newest_seq - next_since > LARGE_CATCH_UP)
    {
      g_autoptr(GError) bulk_error = NULL;

      if (td_cache_begin_bulk (self->cache, &bulk_error))
        {
          self->bulk = TRUE;
          timing_start (self);
          set_state (self, TD_SYNC_INITIAL);
        }
      else
        g_debug ("No bulk load for the catch-up: %s", bulk_error->message);
    }

  started = g_get_monotonic_time ();

  /* Ask for the next page before applying this one: the server prepares it while the
   * cache inserts. Pages are still applied in order, one callback after the other. */
  if (more)
    {
      self->pull_cursor = next_since;
      pull_page (self);
    }

  if (!td_cache_apply_page (self->cache, page, &error))
    {
      g_warning ("Applying changes failed: %s", error->message);
      set_last_error (self, error->message);
      if (self->cancellable != NULL)
        g_cancellable_cancel (self->cancellable);
      run_finish (self, TD_SYNC_OFFLINE, TRUE);
      return;
    }
  timing_page (self, started, parsed->parse_usec, td_cache_page_get_n_changes (page));
  if (self->bulk)
    set_progress (self, next_since, MAX (next_since, newest_seq));

  if (!more)
    run_finish (self, TD_SYNC_IDLE, FALSE);
}

static void
resync (TdSync *self)
{
  g_autoptr(GError) error = NULL;

  /* The cursor is void: start over from 0, keeping the outbox and what it created. */
  if (!td_cache_reset_for_resync (self->cache, &error))
    {
      g_warning ("Resetting the cache failed: %s", error->message);
      set_last_error (self, error->message);
      run_finish (self, TD_SYNC_OFFLINE, TRUE);
      return;
    }
  self->pull_cursor = 0;
  pull_page (self);
}

static void
page_cb (TdSync  *self,
         guint    status,
         GBytes  *body,
         gpointer data)
{
  GTask *task;

  if (self->timing.started != 0)
    self->timing.answering += g_get_monotonic_time () - self->timing.requested;
  if (status == 401)
    {
      unauthorized (self);
      return;
    }
  if (status == 410)
    {
      if (self->bulk && td_cache_in_bulk (self->cache))
        {
          /* The cursor went stale during a full sync (a scope change): start it over. */
          g_autoptr(GError) error = NULL;

          if (!td_cache_end_bulk (self->cache, &error))
            g_warning ("Ending a bulk load failed: %s", error->message);
          self->bulk = FALSE;
        }
      resync (self);
      return;
    }
  if (status != 200)
    {
      if (status != 0)
        {
          g_autofree char *message = error_message (status, body);

          set_last_error (self, message);
        }
      run_finish (self, TD_SYNC_OFFLINE, TRUE);
      return;
    }

  task = g_task_new (NULL, self->cancellable, parsed_cb, g_object_ref (self));
  g_task_set_task_data (task, g_bytes_ref (body), (GDestroyNotify) g_bytes_unref);
  g_task_run_in_thread (task, parse_thread);
  g_object_unref (task);
}

static void
pull_page (TdSync *self)
{
  gint64 cursor = self->pull_cursor;
  g_autofree char *path = NULL;

  /* A full sync, or one a failed run left in the middle (the cache is still in bulk, its
   * indexes and search waiting): indexes and search are built once at the end. */
  if (!self->bulk && (cursor == 0 || td_cache_in_bulk (self->cache)))
    {
      g_autoptr(GError) error = NULL;

      if (!td_cache_in_bulk (self->cache) && !td_cache_begin_bulk (self->cache, &error))
        g_warning ("Starting a bulk load failed: %s", error->message);
      self->bulk = TRUE;
      timing_start (self);
      set_progress (self, cursor, 0);
    }
  set_state (self, self->bulk ? TD_SYNC_INITIAL : TD_SYNC_PULLING);

  path = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT "&limit=%d", cursor,
                          FEED_PAGE);
  self->timing.requested = g_get_monotonic_time ();
  send (self, "GET", path, NULL, NULL, NULL, page_cb, NULL, NULL);
}

/* Public -------------------------------------------------------------------------------- */

static void
run_start (TdSync *self)
{
  if (!self->started)
    return;
  if (self->running)
    {
      self->again = TRUE;
      return;
    }
  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->running = TRUE;
  self->cancellable = g_cancellable_new ();
  self->pull_cursor = td_cache_get_cursor (self->cache);
  /* Push before pull: the feed then already holds our own changes. */
  push_next (self);
}

void
td_sync_kick (TdSync *self)
{
  g_return_if_fail (TD_IS_SYNC (self));

  run_start (self);
}

void
td_sync_start (TdSync *self)
{
  g_return_if_fail (TD_IS_SYNC (self));

  self->started = TRUE;
  self->retry_ms = 0;
  run_start (self);
}

void
td_sync_stop (TdSync *self)
{
  g_return_if_fail (TD_IS_SYNC (self));

  self->started = FALSE;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->running)
    {
      self->running = FALSE;
      self->again = FALSE;
      g_clear_object (&self->cancellable);
    }
  set_state (self, TD_SYNC_STOPPED);
}

static void
event_change_cb (TdEventStream *events,
                 gint64         seq,
                 gpointer       user_data)
{
  td_sync_kick (TD_SYNC (user_data));
}

static void
event_connected_cb (TdEventStream *events,
                    gpointer       user_data)
{
  td_sync_kick (TD_SYNC (user_data));
}

void
td_sync_set_event_stream (TdSync        *self,
                          TdEventStream *events)
{
  g_return_if_fail (TD_IS_SYNC (self));

  if (self->events != NULL)
    g_signal_handlers_disconnect_by_data (self->events, self);
  g_set_object (&self->events, events);
  if (events != NULL)
    {
      g_signal_connect (events, "change", G_CALLBACK (event_change_cb), self);
      g_signal_connect (events, "connected", G_CALLBACK (event_connected_cb), self);
    }
}

TdSyncState
td_sync_get_state (TdSync *self)
{
  g_return_val_if_fail (TD_IS_SYNC (self), TD_SYNC_STOPPED);

  return self->state;
}

gint64
td_sync_get_progress_done (TdSync *self)
{
  g_return_val_if_fail (TD_IS_SYNC (self), 0);

  return self->progress_done;
}

gint64
td_sync_get_progress_total (TdSync *self)
{
  g_return_val_if_fail (TD_IS_SYNC (self), 0);

  return self->progress_total;
}

const char *
td_sync_get_last_error (TdSync *self)
{
  g_return_val_if_fail (TD_IS_SYNC (self), NULL);

  return self->last_error;
}

TdSync *
td_sync_new (TdApiClient *client,
             TdCache     *cache)
{
  TdSync *self;

  g_return_val_if_fail (TD_IS_API_CLIENT (client), NULL);
  g_return_val_if_fail (TD_IS_CACHE (cache), NULL);

  self = g_object_new (TD_TYPE_SYNC, NULL);
  self->client = g_object_ref (client);
  self->cache = g_object_ref (cache);
  return self;
}

static void
td_sync_dispose (GObject *object)
{
  TdSync *self = TD_SYNC (object);

  td_sync_stop (self);
  td_sync_set_event_stream (self, NULL);
  g_clear_object (&self->client);
  g_clear_object (&self->cache);

  G_OBJECT_CLASS (td_sync_parent_class)->dispose (object);
}

static void
td_sync_finalize (GObject *object)
{
  TdSync *self = TD_SYNC (object);

  g_free (self->last_error);

  G_OBJECT_CLASS (td_sync_parent_class)->finalize (object);
}

static void
td_sync_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  TdSync *self = TD_SYNC (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_PROGRESS_DONE:
      g_value_set_int64 (value, self->progress_done);
      break;
    case PROP_PROGRESS_TOTAL:
      g_value_set_int64 (value, self->progress_total);
      break;
    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_sync_class_init (TdSyncClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = td_sync_dispose;
  object_class->finalize = td_sync_finalize;
  object_class->get_property = td_sync_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, TD_TYPE_SYNC_STATE, TD_SYNC_STOPPED,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PROGRESS_DONE] =
    g_param_spec_int64 ("progress-done", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PROGRESS_TOTAL] =
    g_param_spec_int64 ("progress-total", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* A run (push and pull) ended, whatever its outcome; see "state". */
  signals[SIGNAL_RUN_FINISHED] =
    g_signal_new ("run-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);
}

static void
td_sync_init (TdSync *self)
{
  self->state = TD_SYNC_STOPPED;
}
