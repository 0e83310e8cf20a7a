/* td-resources.h: every collection definition, for references across areas
 *
 * A REF or ID_LIST field names the collection its ids belong to; these are the definitions
 * each area exports from its td-api-<area>.c. The tables they describe, with the columns
 * other areas read directly in SQL, are listed with them (see also td-schema.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-resource.h"

G_BEGIN_DECLS

/* Organization area (td-api-organization.c) */
extern const TdResourceDef td_resource_departments;        /* departments: name, address, contact */
extern const TdResourceDef td_resource_employees;          /* employees (+ departments JSON, added by the engine migration) */
extern const TdResourceDef td_resource_teams;              /* teams: name, logo, member_ids JSON */
extern const TdResourceDef td_resource_meta_teams;         /* meta_teams: name, team_ids JSON, default_team_id */
extern const TdResourceDef td_resource_customers;          /* customers: kind, name, customer_number, address, contact, departments */
extern const TdResourceDef td_resource_customer_departments; /* customer_departments: customer_id, name, contact, head_office */
extern const TdResourceDef td_resource_team_mappings;      /* customer_team_mappings: customer_id, customer_department_id, meta_team_id, team_id */
extern const TdResourceDef td_resource_invitations;        /* invitations: user_id, customer_id, email, first/last name, language, role, status */
extern const TdResourceDef td_resource_labels;             /* labels: titles JSON, description, color, availability, visibility */

/* Assets area (td-api-assets.c) */
extern const TdResourceDef td_resource_templates;          /* templates: name, description, departments, modules JSON, rating_tickets, rating_video_sessions */
extern const TdResourceDef td_resource_devices;            /* devices: name, serial_number, template_id, customer_id, customer_department_id, location, departments, labels, attributes, overrides */
extern const TdResourceDef td_resource_codes;              /* codes: token, enabled, device_id, departments, labels (+ pin_hash) */

/* Cases area (td-api-cases.c) */
extern const TdResourceDef td_resource_tickets;            /* tickets: number, title, description, device_id, customer_id, ... */
extern const TdResourceDef td_resource_video_sessions;
extern const TdResourceDef td_resource_task_events;
extern const TdResourceDef td_resource_tasks;

/* Notifications area (td-api-notifications.c) */
extern const TdResourceDef td_resource_notifications;      /* notifications: user_id (owner), event_type, subject_type, subject_id, title, body, actor_id, count, event_at, read_at, unread */

G_END_DECLS
