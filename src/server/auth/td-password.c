/* td-password.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-password"

#include "config.h"

#include "td-password.h"

#include <argon2.h>
#include <string.h>

#include "td-random.h"
#include "td-server-error.h"

/* A valid argon2id hash with exactly the parameters above, of a password nobody knows.
 * Verifying against it for unknown or password-less users costs the same time as a real
 * check, so the answer time does not tell whether an account exists. */
static const char dummy_hash[] =
  "$argon2id$v=19$m=19456,t=2,p=1$"
  "RLZXlb+snke+Xn33QbH09Q$"
  "QQ3rHqxaX+RwywJEwCiQtvSGtjJO3IO5u4AQX1meZSA";

/* Returns the encoded hash ("$argon2id$v=19$m=19456,t=2,p=1$salt$hash") with a fresh
 * random salt from getrandom(). */
char *
td_password_hash (const char  *password,
                  GError     **error)
{
  guint8 salt[TD_PASSWORD_SALT_BYTES];
  g_autofree char *encoded = NULL;
  gsize encoded_length;
  int rc;

  g_return_val_if_fail (password != NULL, NULL);

  if (!td_random_fill (salt, sizeof salt, error))
    return NULL;

  encoded_length = argon2_encodedlen (TD_PASSWORD_T_COST, TD_PASSWORD_M_COST_KIB,
                                      TD_PASSWORD_PARALLELISM, sizeof salt,
                                      TD_PASSWORD_HASH_BYTES, Argon2_id);
  encoded = g_malloc0 (encoded_length);

  rc = argon2id_hash_encoded (TD_PASSWORD_T_COST, TD_PASSWORD_M_COST_KIB, TD_PASSWORD_PARALLELISM,
                              password, strlen (password), salt, sizeof salt,
                              TD_PASSWORD_HASH_BYTES, encoded, encoded_length);
  if (rc != ARGON2_OK)
    {
      g_set_error (error, TD_SERVER_ERROR, TD_SERVER_ERROR_PASSWORD,
                   "Hashing the password failed: %s", argon2_error_message (rc));
      return NULL;
    }

  return g_steal_pointer (&encoded);
}

/* Whether @password matches @encoded. The parameters come from @encoded, so hashes made
 * with older settings keep verifying. A malformed hash never matches. */
gboolean
td_password_verify (const char *encoded,
                    const char *password)
{
  if (encoded == NULL || password == NULL)
    return FALSE;

  return argon2id_verify (encoded, password, strlen (password)) == ARGON2_OK;
}

/* Spends the time of one verification and always fails. */
void
td_password_verify_dummy (const char *password)
{
  const char *input = password != NULL ? password : "";
  int rc = argon2id_verify (dummy_hash, input, strlen (input));

  /* Anything but a mismatch means the constant is broken and the timing protection gone. */
  if (rc != ARGON2_VERIFY_MISMATCH)
    g_critical ("Verifying against the dummy hash gave “%s”", argon2_error_message (rc));
}
