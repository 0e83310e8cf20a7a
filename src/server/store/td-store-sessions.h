/* td-store-sessions.h: login sessions, found by the SHA-256 of their bearer token
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-db.h"

G_BEGIN_DECLS

typedef struct
{
  char   *id;
  char   *org_id;
  char   *user_id;
  gint64  last_seen_usec;
  gint64  expires_usec;
} TdSessionRecord;

/* What td_store_sessions_create() needs; the store adds the id and timestamps. */
typedef struct
{
  const char *org_id;
  const char *user_id;
  const char *token_hash;  /* td_token_hash() of the token, never the token */
  const char *issued_by;   /* "password" or "transfer" */
  const char *user_agent;
  const char *device_label; /* for the session list; NULL: "" */
  gint64      now_usec;
  gint64      expires_usec;
} TdSessionNew;

/* A row of the session list (GET /api/v1/me/sessions); timestamps as stored (RFC 3339). */
typedef struct
{
  char *id;
  char *device_label;
  char *user_agent;
  char *created_at;
  char *last_seen_at;
  char *issued_by;
} TdSessionInfo;

void             td_session_record_free       (TdSessionRecord     *record);
void             td_session_info_free         (TdSessionInfo       *info);

/* Like td_store_sessions_create(), inside the caller's transaction. */
char            *td_store_sessions_insert     (TdDb                *db,
                                               const TdSessionNew  *session,
                                               GError             **error);
GPtrArray       *td_store_sessions_list       (TdDb                *db,
                                               const char          *user_id,
                                               gint64               now_usec,
                                               GError             **error);
gboolean         td_store_sessions_revoke_own (TdDb                *db,
                                               const char          *user_id,
                                               const char          *id,
                                               gint64               now_usec,
                                               gboolean            *out_found,
                                               GError             **error);
gboolean         td_store_sessions_revoke_others_in_transaction (TdDb       *db,
                                                                 const char *user_id,
                                                                 const char *keep_id,
                                                                 gint64      now_usec,
                                                                 GError    **error);
gboolean         td_store_sessions_revoke_others (TdDb             *db,
                                                  const char       *user_id,
                                                  const char       *keep_id,
                                                  gint64            now_usec,
                                                  GError          **error);

char            *td_store_sessions_create     (TdDb                *db,
                                               const TdSessionNew  *session,
                                               GError             **error);
TdSessionRecord *td_store_sessions_find_valid (TdDb                *db,
                                               const char          *token_hash,
                                               gint64               now_usec,
                                               GError             **error);
gboolean         td_store_sessions_touch      (TdDb                *db,
                                               const char          *id,
                                               gint64               now_usec,
                                               gint64               min_interval_usec,
                                               GError             **error);
gboolean         td_store_sessions_revoke     (TdDb                *db,
                                               const char          *id,
                                               gint64               now_usec,
                                               GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdSessionRecord, td_session_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdSessionInfo, td_session_info_free)

G_END_DECLS
