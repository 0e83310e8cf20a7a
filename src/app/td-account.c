/* td-account.c: the signed-in account of the desktop app
 *
 * Holds what a session consists of (the API client with its token, the user the server
 * returned) and the three ways a session starts or ends: signing in with a password,
 * resuming a remembered session and signing out. Widgets only call these and follow the
 * "state" and "user" properties; they never talk to the client or the keyring themselves.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-account"

#include "config.h"

#include "td-account.h"

#include <glib/gi18n-lib.h>

#include "td-json.h"
#include "td-validate.h"

/* libsoup has no timeout by default; a sign-in should fail visibly rather than hang. */
#define REQUEST_TIMEOUT_SECONDS 15

struct _TdAccount
{
  GObject         parent_instance;

  GSettings      *settings;
  TdCredentials  *credentials;
  char           *server_override;

  TdAccountState  state;
  TdApiClient    *client;
  TdUser         *user;
  TdEventStream  *events;  /* while signed in */
  TdCache        *cache;   /* while signed in, if it could be opened */
  TdSync         *sync;
  TdCacheCounts  *counts;
  /* A session that ended on the server (revoked, expired) keeps the offline copy and its
   * unsent changes for the next login; signing out on purpose wipes it. */
  gboolean        keep_cache;

  /* The user hears once per run that the keyring is missing, not at every sign-in. */
  gboolean        told_credentials_unavailable;

  /* Answers to PATCH /me that were in flight together can arrive in another order than
   * the server stored the changes (each request has its own connection), and the user
   * object carries no version to tell. So after taking one, the account reads GET /me
   * once no read is under way: the last read starts after the last answer arrived and
   * sees every change. */
  GCancellable   *reread_cancellable;
  gboolean        rereading;
  gboolean        reread_again;
};

G_DEFINE_FINAL_TYPE (TdAccount, td_account, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (TdAccountState, td_account_state,
  G_DEFINE_ENUM_VALUE (TD_ACCOUNT_SIGNED_OUT, "signed-out"),
  G_DEFINE_ENUM_VALUE (TD_ACCOUNT_RESTORING, "restoring"),
  G_DEFINE_ENUM_VALUE (TD_ACCOUNT_SIGNED_IN, "signed-in"))

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_CREDENTIALS,
  PROP_STATE,
  PROP_USER,
  N_PROPS
};

enum {
  NOTICE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef struct
{
  char        *server_url;
  char        *email;
  TdApiClient *client;
  TdSession   *session;
  GError      *error;
} SessionData;

static void
session_data_free (SessionData *data)
{
  g_free (data->server_url);
  g_free (data->email);
  g_clear_object (&data->client);
  g_clear_pointer (&data->session, td_session_free);
  g_clear_error (&data->error);
  g_free (data);
}

static TdApiClient *
new_client (const char *server_url)
{
  TdApiClient *client = td_api_client_new (server_url);

  td_api_client_set_timeout (client, REQUEST_TIMEOUT_SECONDS);
  return client;
}

static void
set_state (TdAccount      *self,
           TdAccountState  state)
{
  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/* The user is announced before the state, so that whoever shows the home page when the
 * state changes finds it already filled in. */
static void
sign_out_after_session_end_cb (GObject      *source,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!td_account_sign_out_finish (TD_ACCOUNT (source), result, &error))
    g_warning ("Signing out failed: %s", error->message);
}

/* The server closed the event stream because the session was revoked (elsewhere, by an
 * administrator, by a password change): the app must not go on as if signed in. */
static void
session_ended_cb (TdEventStream *events,
                  gpointer       user_data)
{
  TdAccount *self = TD_ACCOUNT (user_data);

  self->keep_cache = TRUE;
  g_signal_emit (self, signals[NOTICE], 0,
                 _("Your session has ended. Please sign in again."));
  td_account_sign_out_async (self, NULL, sign_out_after_session_end_cb, NULL);
}

static void
stop_events (TdAccount *self)
{
  if (self->events == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->events, self);
  td_event_stream_stop (self->events);
  g_clear_object (&self->events);
}

/* The offline copy of this server and user (td-cache.h), kept current by the sync
 * engine. Without it the app still works online; the person is told why once. */
static void
start_sync (TdAccount    *self,
            TdApiClient  *client,
            const TdUser *user)
{
  g_autoptr(GError) error = NULL;

  self->cache = td_cache_open (td_api_client_get_base_url (client), user->id, &error);
  if (self->cache == NULL)
    {
      g_warning ("The offline copy cannot be opened: %s", error->message);
      g_signal_emit (self, signals[NOTICE], 0,
                     _("Your data cannot be kept for offline use on this computer."));
      return;
    }
  self->counts = td_cache_counts_new (self->cache);
  self->sync = td_sync_new (client, self->cache);
  td_sync_set_event_stream (self->sync, self->events);
  td_sync_start (self->sync);
}

static void
stop_sync (TdAccount *self,
           gboolean   wipe)
{
  g_autoptr(GError) error = NULL;

  if (self->sync != NULL)
    td_sync_stop (self->sync);
  g_clear_object (&self->sync);
  g_clear_object (&self->counts);
  if (self->cache != NULL && wipe && !td_cache_wipe (self->cache, &error))
    g_warning ("The offline copy could not be removed: %s", error->message);
  g_clear_object (&self->cache);
}

static gboolean
same_user (const TdUser *a,
           const TdUser *b)
{
  g_autoptr(JsonNode) node_a = td_user_to_json (a);
  g_autoptr(JsonNode) node_b = td_user_to_json (b);
  g_autofree char *text_a = td_json_to_string (node_a);
  g_autofree char *text_b = td_json_to_string (node_b);

  return g_strcmp0 (text_a, text_b) == 0;
}

/* "user" notifies only for a change: the read-back usually confirms what was taken. */
static void
take_user (TdAccount    *self,
           const TdUser *user)
{
  if (self->user != NULL && same_user (self->user, user))
    return;

  g_clear_pointer (&self->user, td_user_free);
  self->user = td_user_copy (user);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USER]);
}

static void
stop_reread (TdAccount *self)
{
  g_cancellable_cancel (self->reread_cancellable);
  g_clear_object (&self->reread_cancellable);
  self->rereading = FALSE;
  self->reread_again = FALSE;
}

static void reread_user (TdAccount *self);

static void
reread_user_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(TdUser) user = NULL;
  g_autoptr(GError) error = NULL;
  TdAccount *self;

  user = td_api_client_get_me_finish (TD_API_CLIENT (source), result, &error);
  /* Cancelled at sign-out and in dispose: then the account may be gone. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = TD_ACCOUNT (user_data);
  self->rereading = FALSE;
  /* Another answer was taken meanwhile; this read may have started before the server
   * stored that change. */
  if (self->reread_again)
    {
      self->reread_again = FALSE;
      reread_user (self);
      return;
    }

  if (user == NULL)
    {
      /* Offline for a moment: the answer taken last stays until the next change. */
      g_debug ("Reading the user back failed: %s", error->message);
      return;
    }
  if (self->user != NULL && g_strcmp0 (self->user->id, user->id) == 0)
    take_user (self, user);
}

static void
reread_user (TdAccount *self)
{
  if (self->rereading)
    {
      self->reread_again = TRUE;
      return;
    }

  if (self->reread_cancellable == NULL)
    self->reread_cancellable = g_cancellable_new ();
  self->rereading = TRUE;
  td_api_client_get_me_async (self->client, self->reread_cancellable, reread_user_cb, self);
}

static void
set_signed_in (TdAccount    *self,
               TdApiClient  *client,
               const TdUser *user)
{
  stop_reread (self);
  g_set_object (&self->client, client);
  stop_events (self);
  self->events = td_event_stream_new (client);
  g_signal_connect (self->events, "session-ended", G_CALLBACK (session_ended_cb), self);
  stop_sync (self, FALSE);
  start_sync (self, client, user);
  td_event_stream_start (self->events);
  g_clear_pointer (&self->user, td_user_free);
  self->user = td_user_copy (user);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USER]);
  set_state (self, TD_ACCOUNT_SIGNED_IN);
}

static void
set_signed_out (TdAccount *self)
{
  stop_reread (self);
  stop_sync (self, !self->keep_cache);
  self->keep_cache = FALSE;
  stop_events (self);
  g_clear_object (&self->client);
  if (self->user != NULL)
    {
      g_clear_pointer (&self->user, td_user_free);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USER]);
    }
  set_state (self, TD_ACCOUNT_SIGNED_OUT);
}

static void
report_store_error (TdAccount    *self,
                    const GError *error)
{
  if (g_error_matches (error, TD_CREDENTIALS_ERROR, TD_CREDENTIALS_ERROR_UNAVAILABLE))
    {
      if (!self->told_credentials_unavailable)
        {
          self->told_credentials_unavailable = TRUE;
          g_signal_emit (self, signals[NOTICE], 0, error->message);
        }
      return;
    }

  g_warning ("Could not remember the session: %s", error->message);
}

/* Sign in ---------------------------------------------------------------------------- */

static void
sign_in_store_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TdAccount *self = g_task_get_source_object (task);
  SessionData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!td_credentials_store_finish (TD_CREDENTIALS (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      /* Not being remembered does not stop this session. */
      report_store_error (self, error);
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  g_settings_set_string (self->settings, "server-url", data->server_url);
  g_settings_set_string (self->settings, "last-user", data->email);
  set_signed_in (self, data->client, data->session->user);
  g_task_return_boolean (task, TRUE);
}

static void
sign_in_login_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TdAccount *self = g_task_get_source_object (task);
  SessionData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;
  const TdUser *user;

  data->session = td_api_client_login_finish (TD_API_CLIENT (source), result, &error);
  if (data->session == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The server's spelling of the address is the one the keyring and settings remember,
   * so that the next start looks the token up under the same key. */
  user = data->session->user;
  if (user == NULL)
    {
      g_task_return_new_error (task, TD_API_ERROR, TD_API_ERROR_INVALID_RESPONSE,
                               "The login response has no user");
      return;
    }
  if (user->email != NULL && *user->email != '\0')
    {
      g_free (data->email);
      data->email = g_strdup (user->email);
    }

  /* Not inline: the order in which arguments are evaluated is unspecified, and the task
   * is stolen in the same call. */
  cancellable = g_task_get_cancellable (task);
  td_credentials_store_async (self->credentials, data->server_url, data->email,
                              data->session->token, cancellable,
                              sign_in_store_cb, g_steal_pointer (&task));
}

void
td_account_sign_in_async (TdAccount           *self,
                          const char          *server_url,
                          const char          *email,
                          const char          *password,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SessionData *data;

  g_return_if_fail (TD_IS_ACCOUNT (self));
  g_return_if_fail (server_url != NULL);
  g_return_if_fail (email != NULL);
  g_return_if_fail (password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, td_account_sign_in_async);

  data = g_new0 (SessionData, 1);
  data->server_url = g_strdup (server_url);
  data->email = td_normalize_email (email);
  data->client = new_client (server_url);
  g_task_set_task_data (task, data, (GDestroyNotify) session_data_free);

  td_api_client_login_async (data->client, email, password, cancellable,
                             sign_in_login_cb, g_steal_pointer (&task));
}

gboolean
td_account_sign_in_finish (TdAccount     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Restore ---------------------------------------------------------------------------- */

static void
restore_clear_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TdAccount *self = g_task_get_source_object (task);
  SessionData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!td_credentials_clear_finish (TD_CREDENTIALS (source), result, &error))
    g_debug ("Could not forget the ended session: %s", error->message);

  set_signed_out (self);
  g_task_return_error (task, g_steal_pointer (&data->error));
}

static void
restore_get_me_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TdAccount *self = g_task_get_source_object (task);
  SessionData *data = g_task_get_task_data (task);
  g_autoptr(TdUser) user = NULL;
  g_autoptr(GError) error = NULL;

  user = td_api_client_get_me_finish (TD_API_CLIENT (source), result, &error);

  if (g_task_return_error_if_cancelled (task))
    {
      set_signed_out (self);
      return;
    }

  if (user != NULL)
    {
      set_signed_in (self, data->client, user);
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (g_error_matches (error, TD_API_ERROR, TD_API_ERROR_UNAUTHORIZED))
    {
      /* The server no longer knows the token: it must not be tried again. */
      data->error = g_steal_pointer (&error);
      td_credentials_clear_async (self->credentials, data->server_url, data->email, NULL,
                                  restore_clear_cb, g_steal_pointer (&task));
      return;
    }

  set_signed_out (self);
  g_task_return_error (task, g_steal_pointer (&error));
}

static void
restore_lookup_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TdAccount *self = g_task_get_source_object (task);
  SessionData *data = g_task_get_task_data (task);
  g_autofree char *token = NULL;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;

  token = td_credentials_lookup_finish (TD_CREDENTIALS (source), result, &error);

  if (g_task_return_error_if_cancelled (task))
    {
      set_signed_out (self);
      return;
    }

  if (token == NULL)
    {
      /* No keyring, or nothing in it: the person signs in with a password as usual. */
      if (error != NULL)
        g_debug ("No remembered session: %s", error->message);
      set_signed_out (self);
      g_task_return_boolean (task, FALSE);
      return;
    }

  data->client = new_client (data->server_url);
  td_api_client_set_token (data->client, token);
  cancellable = g_task_get_cancellable (task);
  td_api_client_get_me_async (data->client, cancellable,
                              restore_get_me_cb, g_steal_pointer (&task));
}

void
td_account_restore_async (TdAccount           *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *server_url = NULL;
  g_autofree char *normalized = NULL;
  g_autofree char *email = NULL;
  SessionData *data;

  g_return_if_fail (TD_IS_ACCOUNT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, td_account_restore_async);

  if (self->state == TD_ACCOUNT_SIGNED_IN)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (self->state == TD_ACCOUNT_RESTORING)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "The session is already being restored");
      return;
    }

  server_url = td_account_dup_server_url (self);
  email = td_account_dup_last_user (self);
  if (!td_validate_server_url (server_url, &normalized) || *email == '\0')
    {
      g_task_return_boolean (task, FALSE);
      return;
    }

  data = g_new0 (SessionData, 1);
  data->server_url = g_steal_pointer (&normalized);
  data->email = g_steal_pointer (&email);
  g_task_set_task_data (task, data, (GDestroyNotify) session_data_free);

  set_state (self, TD_ACCOUNT_RESTORING);
  td_credentials_lookup_async (self->credentials, data->server_url, data->email, cancellable,
                               restore_lookup_cb, g_steal_pointer (&task));
}

gboolean
td_account_restore_finish (TdAccount     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Sign out --------------------------------------------------------------------------- */

static void
sign_out_logout_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!td_api_client_logout_finish (TD_API_CLIENT (source), result, &error))
    g_debug ("The server did not confirm the logout: %s", error->message);

  g_task_return_boolean (task, TRUE);
}

static void
sign_out_clear_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TdAccount *self = g_task_get_source_object (task);
  SessionData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!td_credentials_clear_finish (TD_CREDENTIALS (source), result, &error))
    {
      if (g_error_matches (error, TD_CREDENTIALS_ERROR, TD_CREDENTIALS_ERROR_UNAVAILABLE))
        g_debug ("Could not forget the session: %s", error->message);
      else
        g_warning ("Could not forget the session: %s", error->message);
    }

  /* The keyring is cleared before the login page shows, so that signing in again at once
   * cannot have its new token removed by this sign-out. */
  set_signed_out (self);

  /* Revoking the token on the server is best effort and must not hold up the person. */
  td_api_client_logout_async (data->client, NULL, sign_out_logout_cb, g_steal_pointer (&task));
}

void
td_account_sign_out_async (TdAccount           *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SessionData *data;

  g_return_if_fail (TD_IS_ACCOUNT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, td_account_sign_out_async);

  if (self->state != TD_ACCOUNT_SIGNED_IN)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  data = g_new0 (SessionData, 1);
  data->client = g_object_ref (self->client);
  data->server_url = g_strdup (td_api_client_get_base_url (self->client));
  data->email = g_strdup (self->user->email);
  g_task_set_task_data (task, data, (GDestroyNotify) session_data_free);

  td_credentials_clear_async (self->credentials, data->server_url, data->email, NULL,
                              sign_out_clear_cb, g_steal_pointer (&task));
}

gboolean
td_account_sign_out_finish (TdAccount     *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* GObject ---------------------------------------------------------------------------- */

static void
td_account_dispose (GObject *object)
{
  TdAccount *self = TD_ACCOUNT (object);

  stop_reread (self);
  stop_sync (self, FALSE);
  stop_events (self);
  g_clear_object (&self->client);
  g_clear_object (&self->credentials);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (td_account_parent_class)->dispose (object);
}

static void
td_account_finalize (GObject *object)
{
  TdAccount *self = TD_ACCOUNT (object);

  g_clear_pointer (&self->user, td_user_free);
  g_free (self->server_override);

  G_OBJECT_CLASS (td_account_parent_class)->finalize (object);
}

static void
td_account_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  TdAccount *self = TD_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    case PROP_CREDENTIALS:
      g_value_set_object (value, self->credentials);
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_USER:
      g_value_set_boxed (value, self->user);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_account_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  TdAccount *self = TD_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    case PROP_CREDENTIALS:
      self->credentials = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
td_account_class_init (TdAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = td_account_dispose;
  object_class->finalize = td_account_finalize;
  object_class->get_property = td_account_get_property;
  object_class->set_property = td_account_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_CREDENTIALS] =
    g_param_spec_object ("credentials", NULL, NULL,
                         TD_TYPE_CREDENTIALS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       TD_TYPE_ACCOUNT_STATE, TD_ACCOUNT_SIGNED_OUT,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_USER] =
    g_param_spec_boxed ("user", NULL, NULL,
                        TD_TYPE_USER,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TdAccount::notice:
   * @message: a sentence for the person, already translated
   *
   * Something the person should know once but that does not stop them, such as a login
   * that cannot be remembered because there is no keyring.
   */
  signals[NOTICE] =
    g_signal_new ("notice",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
td_account_init (TdAccount *self)
{
  self->state = TD_ACCOUNT_SIGNED_OUT;
}

TdAccount *
td_account_new (GSettings     *settings,
                TdCredentials *credentials)
{
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (TD_IS_CREDENTIALS (credentials), NULL);

  return g_object_new (TD_TYPE_ACCOUNT,
                       "settings", settings,
                       "credentials", credentials,
                       NULL);
}

GSettings *
td_account_get_settings (TdAccount *self)
{
  g_return_val_if_fail (TD_IS_ACCOUNT (self), NULL);

  return self->settings;
}

TdCredentials *
td_account_get_credentials (TdAccount *self)
{
  g_return_val_if_fail (TD_IS_ACCOUNT (self), NULL);

  return self->credentials;
}

TdAccountState
td_account_get_state (TdAccount *self)
{
  g_return_val_if_fail (TD_IS_ACCOUNT (self), TD_ACCOUNT_SIGNED_OUT);

  return self->state;
}

/* Only while signed in. */
TdApiClient *
td_account_get_client (TdAccount *self)
{
  g_return_val_if_fail (TD_IS_ACCOUNT (self), NULL);

  return self->client;
}

/* The server's event stream of the signed-in session (NULL while signed out): "change",
 * "notification", "connected", "session-ended" (td-event-stream.h). */
TdEventStream *
td_account_get_events (TdAccount *self)
{
  g_return_val_if_fail (TD_IS_ACCOUNT (self), NULL);

  return self->events;
}

/* The offline copy and its sync engine while signed in (NULL otherwise, or when the copy
 * could not be opened). Lists read the cache; edits go through td-outbox.h and then
 * td_sync_kick(). */
TdCache *
td_account_get_cache (TdAccount *self)
{
  g_return_val_if_fail (TD_IS_ACCOUNT (self), NULL);

  return self->cache;
}

TdSync *
td_account_get_sync (TdAccount *self)
{
  g_return_val_if_fail (TD_IS_ACCOUNT (self), NULL);

  return self->sync;
}

/* Unread notifications, pending changes and conflicts of the offline copy (NULL without). */
TdCacheCounts *
td_account_get_counts (TdAccount *self)
{
  g_return_val_if_fail (TD_IS_ACCOUNT (self), NULL);

  return self->counts;
}

/* The server's answer to a change of the user's own settings (PATCH /me): the account
 * shows the new name, avatar and preferences everywhere ("user" notifies) at once, then
 * reads the user back, because of several answers the one that arrives last need not be
 * the newest (see reread_cancellable). Only while signed in, and only for the same user. */
void
td_account_update_user (TdAccount    *self,
                        const TdUser *user)
{
  g_return_if_fail (TD_IS_ACCOUNT (self));
  g_return_if_fail (user != NULL);

  if (self->state != TD_ACCOUNT_SIGNED_IN || self->user == NULL ||
      g_strcmp0 (self->user->id, user->id) != 0)
    return;
  take_user (self, user);
  reread_user (self);
}

/* Only while signed in. */
const TdUser *
td_account_get_user (TdAccount *self)
{
  g_return_val_if_fail (TD_IS_ACCOUNT (self), NULL);

  return self->user;
}

/* The server the app talks to: the one of the current session, else the one given on the
 * command line, else the remembered one; "" when there is none. */
char *
td_account_dup_server_url (TdAccount *self)
{
  g_return_val_if_fail (TD_IS_ACCOUNT (self), NULL);

  if (self->client != NULL)
    return g_strdup (td_api_client_get_base_url (self->client));
  if (self->server_override != NULL)
    return g_strdup (self->server_override);
  return g_settings_get_string (self->settings, "server-url");
}

char *
td_account_dup_last_user (TdAccount *self)
{
  g_return_val_if_fail (TD_IS_ACCOUNT (self), NULL);

  return g_settings_get_string (self->settings, "last-user");
}

/* A server given on the command line wins over the remembered one for this run, but is
 * only remembered once a sign-in to it succeeded. */
void
td_account_set_server_override (TdAccount  *self,
                                const char *server_url)
{
  g_autofree char *normalized = NULL;

  g_return_if_fail (TD_IS_ACCOUNT (self));

  g_clear_pointer (&self->server_override, g_free);
  if (server_url == NULL || *server_url == '\0')
    return;

  /* Keep what was typed when it is malformed: the login page shows it and explains. */
  if (td_validate_server_url (server_url, &normalized))
    self->server_override = g_steal_pointer (&normalized);
  else
    self->server_override = g_strstrip (g_strdup (server_url));
}

gboolean
td_account_can_restore (TdAccount *self)
{
  g_autofree char *server_url = NULL;
  g_autofree char *email = NULL;

  g_return_val_if_fail (TD_IS_ACCOUNT (self), FALSE);

  server_url = td_account_dup_server_url (self);
  email = td_account_dup_last_user (self);
  return td_validate_server_url (server_url, NULL) && *email != '\0';
}
