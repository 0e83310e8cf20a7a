/* td-credentials.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-credentials"

#include "config.h"

#include "td-credentials.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>

#include "td-validate.h"

struct _TdCredentials
{
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (TdCredentials, td_credentials, G_TYPE_OBJECT)

/* Attributes are not secret (anyone who can read the keyring sees them); the token is. */
static const SecretSchema session_schema = {
  "io.github.twindesk.Twindesk.Session",
  SECRET_SCHEMA_NONE,
  {
    { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "user", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
};

/* Tokens that could not go to the keyring, for the rest of this run. Shared by every
 * TdCredentials of the process, as the keyring would be; keyed by "server\nuser". The
 * values are wiped when they are dropped. */
static GMutex memory_lock;
static GHashTable *memory_tokens;

typedef enum
{
  KEYRING_CANCELLED,   /* the caller cancelled */
  KEYRING_ABSENT,      /* no session bus, or nothing owns org.freedesktop.secrets */
  KEYRING_LOCKED,      /* locked, or the unlock prompt was dismissed */
  KEYRING_UNUSABLE,    /* a service without a default collection it can open */
  KEYRING_FAILED,      /* anything else */
} KeyringProblem;

typedef struct
{
  char *server;
  char *user;
  char *token;
} Entry;

static void
entry_free (Entry *entry)
{
  g_free (entry->server);
  g_free (entry->user);
  secret_password_free (entry->token);
  g_free (entry);
}

/* The same account must find its token however its address was typed. */
static Entry *
entry_new (const char *server_url,
           const char *email,
           const char *token)
{
  Entry *entry = g_new0 (Entry, 1);

  if (!td_validate_server_url (server_url, &entry->server))
    entry->server = g_strdup (server_url);
  entry->user = td_normalize_email (email);
  entry->token = g_strdup (token);
  return entry;
}

static char *
memory_key (const Entry *entry)
{
  return g_strconcat (entry->server, "\n", entry->user, NULL);
}

static void
memory_remember (const Entry *entry)
{
  g_mutex_lock (&memory_lock);
  if (memory_tokens == NULL)
    memory_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) secret_password_free);
  g_hash_table_replace (memory_tokens, memory_key (entry), g_strdup (entry->token));
  g_mutex_unlock (&memory_lock);
}

static char *
memory_lookup (const Entry *entry)
{
  g_autofree char *key = memory_key (entry);
  char *token = NULL;

  g_mutex_lock (&memory_lock);
  if (memory_tokens != NULL)
    token = g_strdup (g_hash_table_lookup (memory_tokens, key));
  g_mutex_unlock (&memory_lock);
  return token;
}

static void
memory_forget (const Entry *entry)
{
  g_autofree char *key = memory_key (entry);

  g_mutex_lock (&memory_lock);
  if (memory_tokens != NULL)
    g_hash_table_remove (memory_tokens, key);
  g_mutex_unlock (&memory_lock);
}

static KeyringProblem
classify_error (const GError *error,
                GCancellable *cancellable)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* libsecret also reports a dismissed unlock or create-keyring prompt as cancelled. */
      return g_cancellable_is_cancelled (cancellable) ? KEYRING_CANCELLED : KEYRING_LOCKED;
    }

  if (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
    return KEYRING_LOCKED;

  /* gnome-keyring started by D-Bus activation without a login keyring, and no prompter to
   * create one (a headless session): the "default" alias points nowhere. */
  if (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_NO_SUCH_OBJECT) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT))
    return KEYRING_UNUSABLE;

  if (error->domain == G_DBUS_ERROR)
    {
      switch (error->code)
        {
        case G_DBUS_ERROR_SERVICE_UNKNOWN:
        case G_DBUS_ERROR_NAME_HAS_NO_OWNER:
        case G_DBUS_ERROR_NO_SERVER:
        case G_DBUS_ERROR_NO_REPLY:
        case G_DBUS_ERROR_TIMEOUT:
        case G_DBUS_ERROR_TIMED_OUT:
        case G_DBUS_ERROR_DISCONNECTED:
        case G_DBUS_ERROR_BAD_ADDRESS:
        case G_DBUS_ERROR_FILE_NOT_FOUND:
        case G_DBUS_ERROR_NOT_SUPPORTED:
        case G_DBUS_ERROR_ACCESS_DENIED:
        case G_DBUS_ERROR_AUTH_FAILED:
        case G_DBUS_ERROR_SPAWN_EXEC_FAILED:
        case G_DBUS_ERROR_SPAWN_FORK_FAILED:
        case G_DBUS_ERROR_SPAWN_CHILD_EXITED:
        case G_DBUS_ERROR_SPAWN_CHILD_SIGNALED:
        case G_DBUS_ERROR_SPAWN_FAILED:
        case G_DBUS_ERROR_SPAWN_SETUP_FAILED:
        case G_DBUS_ERROR_SPAWN_CONFIG_INVALID:
        case G_DBUS_ERROR_SPAWN_SERVICE_INVALID:
        case G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND:
        case G_DBUS_ERROR_SPAWN_PERMISSIONS_INVALID:
        case G_DBUS_ERROR_SPAWN_FILE_INVALID:
          return KEYRING_ABSENT;
        default:
          return KEYRING_FAILED;
        }
    }

  /* Errors in the G_IO_ERROR domain come from getting the session bus itself, e.g.
   * "Cannot autolaunch D-Bus without X11 $DISPLAY"; a remote error nobody registered is
   * G_IO_ERROR_DBUS_ERROR and says nothing about the service being absent. */
  if (error->domain == G_IO_ERROR && error->code != G_IO_ERROR_DBUS_ERROR)
    return KEYRING_ABSENT;

  return KEYRING_FAILED;
}

static GError *
store_error_new (KeyringProblem  problem,
                 const GError   *error)
{
  switch (problem)
    {
    case KEYRING_ABSENT:
      return g_error_new_literal (TD_CREDENTIALS_ERROR, TD_CREDENTIALS_ERROR_UNAVAILABLE,
                                  _("No keyring service is running, so the login can’t be "
                                    "remembered after Twindesk closes"));
    case KEYRING_LOCKED:
      return g_error_new_literal (TD_CREDENTIALS_ERROR, TD_CREDENTIALS_ERROR_UNAVAILABLE,
                                  _("The keyring is locked, so the login can’t be "
                                    "remembered after Twindesk closes"));
    case KEYRING_UNUSABLE:
      return g_error_new_literal (TD_CREDENTIALS_ERROR, TD_CREDENTIALS_ERROR_UNAVAILABLE,
                                  _("The keyring has no default collection to keep the "
                                    "login in, so it can’t be remembered after Twindesk "
                                    "closes"));
    case KEYRING_CANCELLED:
      return g_error_copy (error);
    case KEYRING_FAILED:
    default:
      return g_error_new (TD_CREDENTIALS_ERROR, TD_CREDENTIALS_ERROR_FAILED,
                          _("The login could not be saved in the keyring: %s"),
                          error->message);
    }
}

static void
store_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Entry *entry = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  KeyringProblem problem;

  if (secret_password_store_finish (result, &error))
    {
      /* The keyring holds it now; an older in-memory copy would shadow it. */
      memory_forget (entry);
      g_task_return_boolean (task, TRUE);
      return;
    }

  problem = classify_error (error, g_task_get_cancellable (task));
  if (problem != KEYRING_CANCELLED)
    {
      /* The session goes on for this run either way; only remembering it across runs
       * failed. Never a plaintext file instead. */
      g_debug ("Keeping the session token in memory only: %s", error->message);
      memory_remember (entry);
    }

  g_task_return_error (task, store_error_new (problem, error));
}

static void
lookup_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  char *secret;

  secret = secret_password_lookup_finish (result, &error);
  if (error == NULL)
    {
      char *token = g_strdup (secret);

      secret_password_free (secret);
      g_task_return_pointer (task, token, (GDestroyNotify) secret_password_free);
      return;
    }

  switch (classify_error (error, g_task_get_cancellable (task)))
    {
    case KEYRING_CANCELLED:
      g_task_return_error (task, g_steal_pointer (&error));
      break;
    case KEYRING_ABSENT:
    case KEYRING_UNUSABLE:
      /* Nothing can have been stored there, so there is no token: not an error. */
      g_debug ("No keyring to look the session up in: %s", error->message);
      g_task_return_pointer (task, NULL, NULL);
      break;
    case KEYRING_LOCKED:
      g_task_return_new_error (task, TD_CREDENTIALS_ERROR, TD_CREDENTIALS_ERROR_UNAVAILABLE,
                               _("The keyring is locked, so the saved login can’t be read"));
      break;
    case KEYRING_FAILED:
    default:
      g_task_return_new_error (task, TD_CREDENTIALS_ERROR, TD_CREDENTIALS_ERROR_FAILED,
                               _("The saved login could not be read from the keyring: %s"),
                               error->message);
      break;
    }
}

static void
clear_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* FALSE without an error only means there was nothing to remove. */
  if (secret_password_clear_finish (result, &error) || error == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  switch (classify_error (error, g_task_get_cancellable (task)))
    {
    case KEYRING_CANCELLED:
      g_task_return_error (task, g_steal_pointer (&error));
      break;
    case KEYRING_ABSENT:
    case KEYRING_UNUSABLE:
      /* No keyring, so nothing was ever stored there; the memory copy is gone already. */
      g_debug ("No keyring to remove the session from: %s", error->message);
      g_task_return_boolean (task, TRUE);
      break;
    case KEYRING_LOCKED:
      g_task_return_new_error (task, TD_CREDENTIALS_ERROR, TD_CREDENTIALS_ERROR_UNAVAILABLE,
                               _("The keyring is locked, so the saved login can’t be "
                                 "removed from it"));
      break;
    case KEYRING_FAILED:
    default:
      g_task_return_new_error (task, TD_CREDENTIALS_ERROR, TD_CREDENTIALS_ERROR_FAILED,
                               _("The saved login could not be removed from the keyring: %s"),
                               error->message);
      break;
    }
}

static void
td_credentials_class_init (TdCredentialsClass *klass)
{
}

static void
td_credentials_init (TdCredentials *self)
{
}

TdCredentials *
td_credentials_new (void)
{
  return g_object_new (TD_TYPE_CREDENTIALS, NULL);
}

/* A task whose data is the normalized entry the call is about. */
static GTask *
entry_task_new (TdCredentials       *self,
                const char          *server_url,
                const char          *email,
                const char          *token,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data,
                gpointer             source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, entry_new (server_url, email, token), (GDestroyNotify) entry_free);
  return task;
}

void
td_credentials_store_async (TdCredentials       *self,
                            const char          *server_url,
                            const char          *email,
                            const char          *token,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autofree char *label = NULL;
  GTask *task;
  Entry *entry;

  g_return_if_fail (TD_IS_CREDENTIALS (self));
  g_return_if_fail (server_url != NULL && email != NULL);
  g_return_if_fail (token != NULL && *token != '\0');
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = entry_task_new (self, server_url, email, token, cancellable, callback, user_data,
                         td_credentials_store_async);
  entry = g_task_get_task_data (task);

  /* Shown by Seahorse and other keyring managers. */
  label = g_strdup_printf (_("Twindesk session for %s on %s"), entry->user, entry->server);

  secret_password_store (&session_schema, SECRET_COLLECTION_DEFAULT, label, entry->token,
                         cancellable, store_cb, task,
                         "server", entry->server,
                         "user", entry->user,
                         NULL);
}

gboolean
td_credentials_store_finish (TdCredentials  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (TD_IS_CREDENTIALS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == td_credentials_store_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
td_credentials_lookup_async (TdCredentials       *self,
                             const char          *server_url,
                             const char          *email,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;
  Entry *entry;
  char *token;

  g_return_if_fail (TD_IS_CREDENTIALS (self));
  g_return_if_fail (server_url != NULL && email != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = entry_task_new (self, server_url, email, NULL, cancellable, callback, user_data,
                         td_credentials_lookup_async);
  entry = g_task_get_task_data (task);

  /* A token kept in memory is the newest one: it exists only because storing it failed. */
  token = memory_lookup (entry);
  if (token != NULL)
    {
      g_task_return_pointer (task, token, (GDestroyNotify) secret_password_free);
      g_object_unref (task);
      return;
    }

  secret_password_lookup (&session_schema, cancellable, lookup_cb, task,
                          "server", entry->server,
                          "user", entry->user,
                          NULL);
}

char *
td_credentials_lookup_finish (TdCredentials  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_return_val_if_fail (TD_IS_CREDENTIALS (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == td_credentials_lookup_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
td_credentials_clear_async (TdCredentials       *self,
                            const char          *server_url,
                            const char          *email,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task;
  Entry *entry;

  g_return_if_fail (TD_IS_CREDENTIALS (self));
  g_return_if_fail (server_url != NULL && email != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = entry_task_new (self, server_url, email, NULL, cancellable, callback, user_data,
                         td_credentials_clear_async);
  entry = g_task_get_task_data (task);

  memory_forget (entry);

  secret_password_clear (&session_schema, cancellable, clear_cb, task,
                         "server", entry->server,
                         "user", entry->user,
                         NULL);
}

gboolean
td_credentials_clear_finish (TdCredentials  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (TD_IS_CREDENTIALS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == td_credentials_clear_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
