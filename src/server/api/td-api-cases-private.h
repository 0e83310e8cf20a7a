/* td-api-cases-private.h: what the files of the cases area share
 *
 * The cases area is tickets (td-api-tickets.c), video sessions (td-api-video-sessions.c) and
 * task events and tasks (td-api-tasks.c); td-api-cases.c holds the route table and the
 * helpers below.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-resources.h"
#include "td-status.h"

G_BEGIN_DECLS

/* Body limits of the area. */
#define TD_CASES_TITLE_MAX    200
#define TD_CASES_TEXT_MAX     10000
#define TD_CASES_COMMENT_MAX  2000
#define TD_CASES_MAX_IDS      200

/* How far ahead of its due date a task event puts its task on the list. */
#define TD_TASKS_LOOKAHEAD_USEC ((gint64) 7 * 24 * 60 * 60 * G_USEC_PER_SEC)

/* Internal collections of the area: dependent rows written with td_resource_insert so that
 * they get versions and change-feed entries; they have no routes of their own. */
extern const TdResourceDef td_cases_ticket_messages;
extern const TdResourceDef td_cases_ticket_updates;
extern const TdResourceDef td_cases_ticket_offers;
extern const TdResourceDef td_cases_ticket_video_sessions;
extern const TdResourceDef td_cases_attachments;

/* td-api-cases.c */
gboolean       td_cases_is_customer          (TdApiCall            *call);
const char    *td_cases_user_id              (TdApiCall            *call);
const char    *td_cases_org_id               (TdApiCall            *call);
char         **td_cases_row_ids              (JsonObject           *row,
                                              const char           *member);
gboolean       td_cases_row_has_id           (JsonObject           *row,
                                              const char           *member,
                                              const char           *id);
JsonNode      *td_cases_ids_node             (const char * const   *ids);
const char    *td_cases_row_string           (JsonObject           *row,
                                              const char           *member);
TdApiResponse *td_cases_forbidden_field      (const char           *field);
TdApiResponse *td_cases_reject_staff_fields  (TdResourceWrite      *write,
                                              const char * const   *fields);
TdApiResponse *td_cases_invalid_transition   (TdCaseKind            kind,
                                              TdStatusActor         actor,
                                              const char           *from,
                                              const char           *to);
gboolean       td_cases_next_number          (TdDb                 *db,
                                              const char           *table,
                                              const char           *org_id,
                                              gint64               *out_number,
                                              GError              **error);
gboolean       td_cases_device_info          (TdDb                 *db,
                                              const char           *org_id,
                                              const char           *device_id,
                                              char                **out_customer_id,
                                              char                **out_template_id,
                                              char                **out_customer_department_id);
JsonObject    *td_cases_template_modules     (TdDb                 *db,
                                              const char           *org_id,
                                              const char           *template_id,
                                              gboolean             *out_rating_tickets,
                                              gboolean             *out_rating_video_sessions);
JsonObject    *td_cases_find_module_item     (JsonObject           *modules,
                                              const char           *kind,
                                              const char           *id);
const char    *td_cases_route_param          (TdApiCall            *call,
                                              const char           *name);
gboolean       td_cases_parse_id_list        (JsonObject           *body,
                                              const char           *member,
                                              GPtrArray           **out_ids,
                                              TdApiResponse       **out_error);
TdApiResponse *td_cases_respond_row          (TdApiCall            *call,
                                              const TdResourceDef  *def,
                                              guint                 status,
                                              JsonObject           *row);
TdApiResponse *td_cases_commit_error         (GError               *error);

/* Status writes by the server itself (accepted offers, ratings, materialized tasks) bypass
 * the actor check of the status hooks: set around td_resource_write, per thread. */
void           td_cases_system_write_begin   (void);
void           td_cases_system_write_end     (void);
gboolean       td_cases_system_write_active  (void);

/* td-api-tickets.c */
char         **td_cases_video_request_group   (TdDb       *db,
                                               const char *org_id,
                                               const char *device_id);
TdApiResponse *td_api_tickets_messages_list   (TdApiCall *call);
TdApiResponse *td_api_tickets_messages_create (TdApiCall *call);
TdApiResponse *td_api_tickets_updates_list    (TdApiCall *call);
TdApiResponse *td_api_tickets_updates_create  (TdApiCall *call);
TdApiResponse *td_api_tickets_offers_list     (TdApiCall *call);
TdApiResponse *td_api_tickets_offer_accept    (TdApiCall *call);
TdApiResponse *td_api_tickets_offer_decline   (TdApiCall *call);
TdApiResponse *td_api_tickets_assign          (TdApiCall *call);
TdApiResponse *td_api_tickets_withdraw        (TdApiCall *call);
TdApiResponse *td_api_tickets_rate            (TdApiCall *call);
TdApiResponse *td_api_tickets_video_list      (TdApiCall *call);
TdApiResponse *td_api_tickets_video_link      (TdApiCall *call);
TdApiResponse *td_api_tickets_video_unlink    (TdApiCall *call);

/* td-api-attachments.c */
TdApiResponse *td_api_attachments_upload      (TdApiCall *call);
TdApiResponse *td_api_attachments_get         (TdApiCall *call);
TdApiResponse *td_api_attachments_content     (TdApiCall *call);

/* td-api-video-sessions.c */
TdApiResponse *td_api_video_sessions_rate     (TdApiCall *call);

/* td-api-tasks.c */
TdApiResponse *td_api_tasks_step              (TdApiCall *call);

/* Creates the tasks of every task event of @org_id due before @now_usec plus the look-ahead
 * and moves the events' next_due_at on. Runs inside the caller's transaction. The server
 * calls it lazily before task lists and when an event is created; a deployment without
 * traffic gets its tasks on the next list request (see docs/api.md, Tasks). */
gboolean       td_tasks_materialize_due       (TdDb        *db,
                                               const char  *org_id,
                                               gint64       now_usec,
                                               guint       *out_created,
                                               GError     **error);

gboolean       td_cases_precheck    (TdApiCall            *call,
                                    const TdResourceDef  *def,
                                    TdPermission          permission,
                                    TdApiResponse       **out_error);
JsonObject    *td_cases_read_rating (TdApiCall      *call,
                                    gint64         *out_stars,
                                    const char    **out_comment,
                                    TdApiResponse **out_error);

TdApiResponse *td_cases_rate        (TdApiCall            *call,
                                    const TdResourceDef  *def,
                                    const char           *noun);

G_END_DECLS
