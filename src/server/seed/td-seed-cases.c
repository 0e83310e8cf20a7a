/* td-seed-cases.c: the demo data of the cases area, and the bulk generator
 *
 * td_seed_demo_cases() adds 300 tickets over every status and priority with messages,
 * updates, offers and ratings, 80 video sessions, 20 task events and 150 tasks, spread over
 * the demo devices and the last 90 days. The randomness is a GRand with a fixed seed: the
 * demo is the same on every machine (nothing here is a secret). It runs inside
 * td_seed_demo()'s transaction and adds nothing when any ticket exists.
 *
 * td_seed_bulk_cases() generates N tickets (plus N/10 devices, N/100 customers and two
 * messages per ticket) for benchmarks. The rows are computed by SQLite itself — one
 * INSERT … SELECT over a counter per table and chunk, ids and timestamps increasing with
 * the counter so that the B-trees grow at their ends — because a million rows through
 * per-row statements would spend most of the time preparing and binding.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-seed"

#include "config.h"

#include "td-seed-cases.h"
#include "td-seed-demo.h"

#include <stdarg.h>
#include <string.h>

#include "td-api-cases-private.h"
#include "td-json.h"
#include "td-random.h"
#include "td-resources.h"
#include "td-status.h"
#include "td-time.h"

#define DEMO_SEED          20261123
#define DEMO_TICKETS       300
#define DEMO_VIDEO         80
#define DEMO_TASK_EVENTS   20
#define DEMO_TASKS         150
#define DAY_USEC           ((gint64) 24 * 60 * 60 * G_USEC_PER_SEC)
#define HOUR_USEC          ((gint64) 60 * 60 * G_USEC_PER_SEC)

/* A value that binds SQL NULL in seed_insert's argument list. */
static const char seed_null[] = "\x01 null";
#define SEED_NULL seed_null

static const char * const ticket_titles[] = {
  "Heat pump loses pressure overnight",
  "Elevator door sensor triggers without obstruction",
  "Coffee machine needs descaling",
  "Chiller shows high-pressure alarm",
  "Boiler ignition fails on cold start",
  "Escalator handrail runs slower than the steps",
  "Air handling unit filter differential too high",
  "Ventilation noise in meeting room 3",
  "Water softener out of salt",
  "Emergency lighting battery test failed",
  "Fire door does not close by itself",
  "Refrigerated display case ices up",
  "Dishwasher rinse temperature too low",
  "Solar inverter reports isolation fault",
  "Compressor short-cycling",
  "Access control reader rejects valid badges",
  "Printer jams on duplex jobs",
  "Cooling tower fan vibrates",
  "Leak under the espresso machine",
  "Thermostat display stays blank",
  "Elevator stops half a step below floor level",
  "Heat pump defrost cycle takes too long",
  "Charging station refuses RFID cards",
  "Heating circuit pump makes grinding noise",
  "Server room air conditioner drips water",
  "Garage gate remote stopped working",
  "Ice machine produces no ice",
  "Pressure relief valve weeps",
  "Photovoltaic yield dropped by a third",
  "Sprinkler control panel shows trouble signal",
};

static const char * const ticket_descriptions[] = {
  "Noticed during the morning round. The display shows the fault code E-214 and the unit "
  "restarts by itself every few hours.",
  "Reported by the tenant on the second floor. It started after the weekend; nothing was "
  "changed on site as far as we know.",
  "The warning came up three times this week. We reset it each time but it keeps coming "
  "back. Photos of the display are in the messenger.",
  "Happens mostly in the afternoon when the building is fully occupied. Please check "
  "before the next maintenance visit.",
  "Customer asks for a technician on site. Access via the service entrance, key at the "
  "reception desk.",
  "Intermittent: works after a power cycle, then fails again after a day or two.",
  "Part of the quarterly inspection findings. **Not urgent**, but should be fixed before "
  "the audit at the end of the month.",
  "The unit is still running but the readings are outside the usual range:\n\n"
  "- supply 7.8 bar\n- return 2.1 bar\n\nPlease advise.",
};

static const char * const staff_messages[] = {
  "Thanks for the report. A technician is scheduled for tomorrow morning.",
  "Could you send us a photo of the rating plate?",
  "We ordered the replacement part; delivery is expected within three working days.",
  "The technician was on site and replaced the sensor. Please let us know if it happens again.",
  "Remote diagnosis shows a clogged filter. We will bring a new one on the next visit.",
  "Is the unit accessible on Friday between 8 and 10?",
  "We adjusted the settings remotely. The values look normal again.",
  "Closing this after the test run went fine for 48 hours.",
};

static const char * const customer_messages[] = {
  "It happened again this morning around 7.",
  "Friday works, the janitor will open the plant room.",
  "Photo attached, the plate is a bit dusty.",
  "Thank you, everything runs smoothly now.",
  "Any news on the spare part?",
  "The noise is back, a bit quieter than before.",
};

static const char * const public_updates[] = {
  "Technician assigned, visit planned.",
  "Spare part ordered.",
  "Repair completed, monitoring for 48 hours.",
  "Waiting for access to the site.",
};

static const char * const internal_updates[] = {
  "Warranty still valid until next spring — bill the manufacturer.",
  "Second call for the same unit this quarter; consider replacing the controller.",
  "Customer is sensitive about downtime, call before the visit.",
  "Part number checked against the template documentation.",
};

static const char * const rating_comments[] = {
  "Quick and friendly, thank you!",
  "Fixed on the first visit.",
  "Took a while, but the result is good.",
  "Technician was late, otherwise fine.",
  "Problem came back after a week.",
};

static const char * const video_reasons[] = {
  "Guide me through the filter change",
  "Show the technician the alarm on the display",
  "Remote check of the heat pump settings",
  "Help with the descaling program",
  "Elevator door keeps reopening, please have a look",
  "Walk-through of the new controller menu",
};

static const char * const requester_names[] = {
  "Anna Keller", "Tom Berger", "Sofia Marino", "Jonas Weber", "Emma Laurent", "Noah Fischer",
  "Lea Novak", "Lucas Martin",
};

static const char * const task_titles[] = {
  "Quarterly filter replacement", "Annual safety inspection", "Check refrigerant pressure",
  "Descale water circuit", "Test emergency stop", "Clean condenser coils",
  "Inspect door sensors", "Calibrate temperature probes",
};

static const char * const generic_steps[] = {
  "Switch the unit to service mode", "Visual inspection", "Replace the worn parts",
  "Test run", "Record the readings", "Sign the service report",
};

typedef struct
{
  char *id;
  char *customer_id;
  char *template_id;
  char *category;        /* first ticket flow of the template, "" if none */
  char *definition_id;   /* first task definition, "" if none */
  char *definition_title;
} SeedDevice;

static void
seed_device_free (SeedDevice *device)
{
  g_free (device->id);
  g_free (device->customer_id);
  g_free (device->template_id);
  g_free (device->category);
  g_free (device->definition_id);
  g_free (device->definition_title);
  g_free (device);
}

typedef struct
{
  TdDb       *db;
  const char *org_id;
  GRand      *rand;
  gint64      now;
  GPtrArray  *devices;        /* SeedDevice */
  GPtrArray  *staff;          /* employee ids */
  GHashTable *customer_users; /* customer id → GPtrArray of user ids */
  GPtrArray  *labels;         /* label ids */
  GRand      *label_rand;     /* a stream of its own: labels leave the rest of the demo as it was */
} Seed;

static void
seed_clear (Seed *seed)
{
  g_clear_pointer (&seed->rand, g_rand_free);
  g_clear_pointer (&seed->devices, g_ptr_array_unref);
  g_clear_pointer (&seed->staff, g_ptr_array_unref);
  g_clear_pointer (&seed->customer_users, g_hash_table_unref);
  g_clear_pointer (&seed->labels, g_ptr_array_unref);
  g_clear_pointer (&seed->label_rand, g_rand_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Seed, seed_clear)

#define PICK(seed, array) ((array)[g_rand_int_range ((seed)->rand, 0, G_N_ELEMENTS (array))])

/* Inserts a row of @table: id, org_id and the timestamps, then column/value pairs (text;
 * SEED_NULL for NULL) up to a NULL column; records the change. Returns the id. */
static char *
seed_insert (Seed        *seed,
             const char  *table,
             const char  *type,
             gint64       created,
             gint64       updated,
             GError     **error,
             ...)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GString) marks = g_string_new ("?, ?, ?, ?");
  g_autoptr(GPtrArray) values = g_ptr_array_new ();
  g_autoptr(TdDbStmt) stmt = NULL;
  g_autofree char *id = td_uuid_new ();
  g_autofree char *created_text = td_time_format (created);
  g_autofree char *updated_text = td_time_format (updated);
  const char *column;
  va_list args;

  g_string_printf (sql, "INSERT INTO %s (id, org_id, created_at, updated_at", table);
  va_start (args, error);
  while ((column = va_arg (args, const char *)) != NULL)
    {
      g_string_append_printf (sql, ", %s", column);
      g_string_append (marks, ", ?");
      g_ptr_array_add (values, va_arg (args, char *));
    }
  va_end (args);
  g_string_append_printf (sql, ") VALUES (%s)", marks->str);

  stmt = td_db_prepare (seed->db, sql->str, error);
  if (stmt == NULL)
    return NULL;
  td_db_stmt_bind_text (stmt, 1, id);
  td_db_stmt_bind_text (stmt, 2, seed->org_id);
  td_db_stmt_bind_text (stmt, 3, created_text);
  td_db_stmt_bind_text (stmt, 4, updated_text);
  for (guint i = 0; i < values->len; i++)
    {
      const char *value = g_ptr_array_index (values, i);

      if (value == SEED_NULL)
        td_db_stmt_bind_null (stmt, i + 5);
      else
        td_db_stmt_bind_text (stmt, i + 5, value);
    }
  if (!td_db_stmt_run (stmt, error) ||
      td_changes_record (seed->db, seed->org_id, type, id, "upsert", error) == 0)
    return NULL;

  return g_steal_pointer (&id);
}

static char *
ids_json (const char * const *ids,
          guint               n)
{
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; i < n; i++)
    if (ids[i] != NULL)
      json_array_add_string_element (array, ids[i]);
  json_node_set_array (node, array);
  return td_json_to_string (node);
}

/* About one ticket in five carries one or two of the organization's labels, so that the
 * label filter has something to show. */
static char *
random_labels_json (Seed *seed)
{
  const char *picked[2] = { NULL, NULL };

  if (seed->labels->len > 0 && g_rand_int_range (seed->label_rand, 0, 5) == 0)
    {
      picked[0] = g_ptr_array_index (seed->labels,
                                     g_rand_int_range (seed->label_rand, 0, seed->labels->len));
      if (g_rand_int_range (seed->label_rand, 0, 3) == 0)
        picked[1] = g_ptr_array_index (seed->labels,
                                       g_rand_int_range (seed->label_rand, 0, seed->labels->len));
      if (g_strcmp0 (picked[0], picked[1]) == 0)
        picked[1] = NULL;
    }
  return ids_json (picked, 2);
}

static const char *
random_staff (Seed *seed)
{
  if (seed->staff->len == 0)
    return SEED_NULL;
  return g_ptr_array_index (seed->staff, g_rand_int_range (seed->rand, 0, seed->staff->len));
}

static const char *
random_customer_user (Seed       *seed,
                      const char *customer_id)
{
  GPtrArray *users = customer_id != NULL ? g_hash_table_lookup (seed->customer_users, customer_id)
                                         : NULL;

  if (users == NULL || users->len == 0)
    return NULL;
  return g_ptr_array_index (users, g_rand_int_range (seed->rand, 0, users->len));
}

/* Reading what the other areas seeded; a missing table (while they are being built) is
 * an empty list, not an error. */
static void
load_devices (Seed *seed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TdDbStmt) stmt = NULL;

  seed->devices = g_ptr_array_new_with_free_func ((GDestroyNotify) seed_device_free);
  stmt = td_db_prepare (seed->db, "SELECT d.id, d.customer_id, d.template_id, t.modules"
                                  " FROM devices d LEFT JOIN templates t ON t.id = d.template_id"
                                  " WHERE d.org_id = ? AND d.deleted = 0 ORDER BY d.serial_number",
                        &error);
  if (stmt == NULL)
    return;
  td_db_stmt_bind_text (stmt, 1, seed->org_id);
  while (td_db_stmt_step (stmt, &error) == TD_DB_STEP_ROW)
    {
      SeedDevice *device = g_new0 (SeedDevice, 1);
      const char *text = td_db_stmt_get_text (stmt, 3);
      g_autoptr(JsonObject) modules = text != NULL ? td_json_parse_object (text, strlen (text), NULL)
                                                   : NULL;
      JsonNode *flows = modules != NULL ? json_object_get_member (modules, "ticket_flows") : NULL;
      JsonNode *tasks = modules != NULL ? json_object_get_member (modules, "task_definitions") : NULL;

      device->id = td_db_stmt_dup_text (stmt, 0);
      device->customer_id = td_db_stmt_dup_text (stmt, 1);
      device->template_id = td_db_stmt_dup_text (stmt, 2);
      device->category = g_strdup ("");
      device->definition_id = g_strdup ("");
      if (flows != NULL && JSON_NODE_HOLDS_ARRAY (flows) &&
          json_array_get_length (json_node_get_array (flows)) > 0)
        {
          JsonNode *first = json_array_get_element (json_node_get_array (flows), 0);

          if (JSON_NODE_HOLDS_OBJECT (first) && td_json_get_string (json_node_get_object (first), "id"))
            {
              g_free (device->category);
              device->category = g_strdup (td_json_get_string (json_node_get_object (first), "id"));
            }
        }
      if (tasks != NULL && JSON_NODE_HOLDS_ARRAY (tasks) &&
          json_array_get_length (json_node_get_array (tasks)) > 0)
        {
          JsonNode *first = json_array_get_element (json_node_get_array (tasks), 0);

          if (JSON_NODE_HOLDS_OBJECT (first) && td_json_get_string (json_node_get_object (first), "id"))
            {
              g_free (device->definition_id);
              device->definition_id = g_strdup (td_json_get_string (json_node_get_object (first),
                                                                    "id"));
              device->definition_title = g_strdup (td_json_get_string (json_node_get_object (first),
                                                                       "title"));
            }
        }
      g_ptr_array_add (seed->devices, device);
    }
}

static gboolean
load_labels (Seed    *seed,
             GError **error)
{
  g_autoptr(TdDbStmt) stmt = td_db_prepare (seed->db, "SELECT id FROM labels WHERE org_id = ?"
                                                      " AND deleted = 0 ORDER BY created_at, id",
                                            error);
  TdDbStep step;

  seed->labels = g_ptr_array_new_with_free_func (g_free);
  if (stmt == NULL)
    return FALSE;
  td_db_stmt_bind_text (stmt, 1, seed->org_id);
  while ((step = td_db_stmt_step (stmt, error)) == TD_DB_STEP_ROW)
    g_ptr_array_add (seed->labels, td_db_stmt_dup_text (stmt, 0));
  return step == TD_DB_STEP_DONE;
}

static gboolean
load_people (Seed    *seed,
             GError **error)
{
  g_autoptr(TdDbStmt) stmt = NULL;
  TdDbStep step;

  seed->staff = g_ptr_array_new_with_free_func (g_free);
  seed->customer_users = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify) g_ptr_array_unref);
  stmt = td_db_prepare (seed->db, "SELECT id, customer_id FROM employees WHERE org_id = ?"
                                  " AND deleted = 0 ORDER BY email", error);
  if (stmt == NULL)
    return FALSE;
  td_db_stmt_bind_text (stmt, 1, seed->org_id);
  while ((step = td_db_stmt_step (stmt, error)) == TD_DB_STEP_ROW)
    {
      const char *customer_id = td_db_stmt_get_text (stmt, 1);

      if (customer_id == NULL)
        g_ptr_array_add (seed->staff, td_db_stmt_dup_text (stmt, 0));
      else
        {
          GPtrArray *users = g_hash_table_lookup (seed->customer_users, customer_id);

          if (users == NULL)
            {
              users = g_ptr_array_new_with_free_func (g_free);
              g_hash_table_insert (seed->customer_users, g_strdup (customer_id), users);
            }
          g_ptr_array_add (users, td_db_stmt_dup_text (stmt, 0));
        }
    }
  if (step != TD_DB_STEP_DONE)
    return FALSE;

  return load_labels (seed, error);
}

static gboolean
has_tickets (Seed     *seed,
             gboolean *out_has,
             GError  **error)
{
  g_autoptr(TdDbStmt) stmt = td_db_prepare (seed->db, "SELECT 1 FROM tickets WHERE org_id = ?"
                                                      " LIMIT 1", error);
  TdDbStep step;

  if (stmt == NULL)
    return FALSE;
  td_db_stmt_bind_text (stmt, 1, seed->org_id);
  step = td_db_stmt_step (stmt, error);
  *out_has = step == TD_DB_STEP_ROW;
  return step != TD_DB_STEP_ERROR;
}

typedef struct
{
  char       *id;
  SeedDevice *device;
} SeedTicket;

static void
seed_ticket_free (SeedTicket *ticket)
{
  g_free (ticket->id);
  g_free (ticket);
}

static gboolean
seed_ticket_thread (Seed        *seed,
                    const char  *ticket_id,
                    const char  *customer_user,
                    const char  *status,
                    gint64       created,
                    gint64       last,
                    GError     **error)
{
  guint n_messages = g_rand_int_range (seed->rand, 1, 7);
  guint n_updates = g_str_equal (status, "draft") ? 0 : g_rand_int_range (seed->rand, 0, 4);
  gint64 span = MAX (last - created, HOUR_USEC);

  for (guint m = 0; m < n_messages; m++)
    {
      g_autofree char *id = NULL;
      gint64 at = created + span * (m + 1) / (n_messages + 1);
      gboolean from_customer = customer_user != NULL && m % 2 == 1;

      id = seed_insert (seed, "ticket_messages", td_cases_ticket_messages.type, at, at, error,
                        "ticket_id", ticket_id,
                        "author_id", from_customer ? customer_user : random_staff (seed),
                        "body", from_customer ? PICK (seed, customer_messages)
                                              : PICK (seed, staff_messages),
                        "attachment_ids", "[]", NULL);
      if (id == NULL)
        return FALSE;
    }

  for (guint u = 0; u < n_updates; u++)
    {
      g_autofree char *id = NULL;
      gint64 at = created + span * (u + 1) / (n_updates + 2);
      gboolean internal = g_rand_boolean (seed->rand);

      id = seed_insert (seed, "ticket_updates", td_cases_ticket_updates.type, at, at, error,
                        "ticket_id", ticket_id, "author_id", random_staff (seed),
                        "kind", internal ? "internal" : "public",
                        "body", internal ? PICK (seed, internal_updates) : PICK (seed, public_updates),
                        NULL);
      if (id == NULL)
        return FALSE;
    }

  return TRUE;
}

static gboolean
seed_tickets (Seed       *seed,
              GPtrArray  *tickets,
              GError    **error)
{
  const char * const *statuses = td_status_all (TD_CASE_TICKET);
  guint n_statuses = g_strv_length ((char **) statuses);
  static const char * const priorities[] = { "low", "normal", "normal", "high" };

  for (guint i = 0; i < DEMO_TICKETS; i++)
    {
      SeedDevice *device = seed->devices->len > 0
                           ? g_ptr_array_index (seed->devices, g_rand_int_range (seed->rand, 0,
                                                                                 seed->devices->len))
                           : NULL;
      const char *status = statuses[i % n_statuses];
      const char *customer_id = device != NULL ? device->customer_id : NULL;
      const char *customer_user = random_customer_user (seed, customer_id);
      gboolean by_customer = customer_user != NULL && !g_str_equal (status, "draft") &&
                             g_rand_int_range (seed->rand, 0, 4) == 0;
      gint64 created = seed->now - 90 * DAY_USEC + g_rand_double (seed->rand) * 88 * DAY_USEC;
      gint64 updated = MIN (seed->now, created + g_rand_int_range (seed->rand, 1, 96) * HOUR_USEC);
      gboolean worked = !g_str_equal (status, "draft") && !g_str_equal (status, "open");
      gboolean final = td_status_is_final (TD_CASE_TICKET, status);
      const char *responsible[2] = { NULL, NULL };
      g_autofree char *responsible_json = NULL;
      g_autofree char *labels_json = random_labels_json (seed);
      g_autofree char *number = g_strdup_printf ("%u", i + 1);
      g_autofree char *closed_at = final ? td_time_format (updated) : NULL;
      g_autofree char *rating = NULL;
      g_autofree char *title = NULL;
      SeedTicket *ticket;
      gboolean rated = g_str_equal (status, "closed") && g_rand_int_range (seed->rand, 0, 10) < 7;

      if (worked && seed->staff->len > 0)
        {
          responsible[0] = random_staff (seed);
          if (g_rand_boolean (seed->rand))
            responsible[1] = random_staff (seed);
          if (g_strcmp0 (responsible[0], responsible[1]) == 0)
            responsible[1] = NULL;
        }
      responsible_json = ids_json (responsible, 2);
      if (rated)
        rating = g_strdup_printf ("%d", g_rand_int_range (seed->rand, 2, 6));

      ticket = g_new0 (SeedTicket, 1);
      ticket->device = device;
      ticket->id = seed_insert (seed, "tickets", td_resource_tickets.type, created, updated, error,
                                "number", number,
                                "title", PICK (seed, ticket_titles),
                                "description", PICK (seed, ticket_descriptions),
                                "device_id", device != NULL ? device->id : SEED_NULL,
                                "customer_id", customer_id != NULL ? customer_id : SEED_NULL,
                                "category", device != NULL ? device->category : "",
                                "priority", priorities[g_rand_int_range (seed->rand, 0, 4)],
                                "visibility", by_customer || g_rand_int_range (seed->rand, 0, 10) < 3
                                              ? "public" : "internal",
                                "status", status,
                                "responsible_ids", responsible_json,
                                "receiver_ids", "[]",
                                "labels", labels_json,
                                "created_by", by_customer ? customer_user : random_staff (seed),
                                "rating", rated ? rating : SEED_NULL,
                                "rating_comment", rated ? PICK (seed, rating_comments) : SEED_NULL,
                                "closed_at", closed_at != NULL ? closed_at : SEED_NULL,
                                NULL);
      if (ticket->id == NULL)
        {
          seed_ticket_free (ticket);
          return FALSE;
        }
      g_ptr_array_add (tickets, ticket);

      if (!seed_ticket_thread (seed, ticket->id, customer_user, status, created, updated, error))
        return FALSE;

      /* Open tickets wait for someone to accept their offers. */
      if (g_str_equal (status, "open"))
        for (guint o = 0; o < 2 && o < seed->staff->len; o++)
          {
            g_autofree char *offer = seed_insert (seed, "ticket_offers", td_cases_ticket_offers.type,
                                                  created, created, error,
                                                  "ticket_id", ticket->id,
                                                  "employee_id", random_staff (seed),
                                                  "team_id", SEED_NULL, "status", "pending", NULL);

            if (offer == NULL)
              return FALSE;
          }
    }

  return TRUE;
}

static gboolean
seed_video_sessions (Seed       *seed,
                     GPtrArray  *tickets,
                     GError    **error)
{
  const char * const *statuses = td_status_all (TD_CASE_VIDEO_SESSION);
  guint n_statuses = g_strv_length ((char **) statuses);

  for (guint i = 0; i < DEMO_VIDEO; i++)
    {
      SeedDevice *device = seed->devices->len > 0
                           ? g_ptr_array_index (seed->devices, g_rand_int_range (seed->rand, 0,
                                                                                 seed->devices->len))
                           : NULL;
      const char *status = statuses[i % n_statuses];
      const char *customer_id = device != NULL ? device->customer_id : NULL;
      const char *customer_user = random_customer_user (seed, customer_id);
      gint64 created = seed->now - 90 * DAY_USEC + g_rand_double (seed->rand) * 88 * DAY_USEC;
      gint64 scheduled = created + g_rand_int_range (seed->rand, 2, 72) * HOUR_USEC;
      const char *staff[1] = { random_staff (seed) };
      g_autofree char *staff_json = ids_json (staff[0] != SEED_NULL ? staff : NULL,
                                              staff[0] != SEED_NULL ? 1 : 0);
      g_autofree char *number = g_strdup_printf ("%u", i + 1);
      g_autofree char *scheduled_text = td_time_format (scheduled);
      g_autofree char *duration = g_strdup_printf ("%d", 15 * g_rand_int_range (seed->rand, 1, 5));
      g_autofree char *rating = g_strdup_printf ("%d", g_rand_int_range (seed->rand, 3, 6));
      g_autofree char *id = NULL;
      gboolean rated = g_str_equal (status, "closed") && g_rand_boolean (seed->rand);
      gboolean requested = customer_user != NULL && g_rand_boolean (seed->rand);

      id = seed_insert (seed, "video_sessions", td_resource_video_sessions.type, created,
                        MIN (seed->now, scheduled), error,
                        "number", number,
                        "device_id", device != NULL ? device->id : SEED_NULL,
                        "customer_id", customer_id != NULL ? customer_id : SEED_NULL,
                        "requester_name", PICK (seed, requester_names),
                        "reason", PICK (seed, video_reasons),
                        "recording_consent", g_rand_boolean (seed->rand) ? "1" : "0",
                        "visibility", g_rand_int_range (seed->rand, 0, 5) == 0 ? "internal" : "public",
                        "status", status,
                        "requested_ids", staff_json,
                        "responsible_ids", g_str_equal (status, "requested") ? "[]" : staff_json,
                        "scheduled_at", scheduled_text,
                        "duration_minutes", duration,
                        "rating", rated ? rating : SEED_NULL,
                        "rating_comment", rated ? PICK (seed, rating_comments) : SEED_NULL,
                        "created_by", requested ? customer_user : random_staff (seed),
                        NULL);
      if (id == NULL)
        return FALSE;

      /* Every other session is linked to a ticket of the same device. */
      if (i % 2 == 0 && device != NULL)
        for (guint t = 0; t < tickets->len; t++)
          {
            SeedTicket *ticket = g_ptr_array_index (tickets, (t + i * 7) % tickets->len);

            if (ticket->device == device)
              {
                g_autofree char *link = seed_insert (seed, "ticket_video_sessions",
                                                     td_cases_ticket_video_sessions.type,
                                                     created, created, error,
                                                     "ticket_id", ticket->id,
                                                     "video_session_id", id, NULL);

                if (link == NULL)
                  return FALSE;
                break;
              }
          }
    }

  return TRUE;
}

static char *
steps_json (Seed     *seed,
            guint     n,
            gboolean  all_done)
{
  g_autoptr(JsonArray) steps = json_array_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
  guint first = g_rand_int_range (seed->rand, 0, G_N_ELEMENTS (generic_steps));
  guint done = all_done ? n : (guint) g_rand_int_range (seed->rand, 0, (gint32) n + 1);

  for (guint s = 0; s < n; s++)
    {
      JsonObject *step = json_object_new ();

      json_object_set_string_member (step, "title",
                                     generic_steps[(first + s) % G_N_ELEMENTS (generic_steps)]);
      json_object_set_boolean_member (step, "completed", s < done);
      json_array_add_object_element (steps, step);
    }
  json_node_set_array (node, steps);
  return td_json_to_string (node);
}

static gboolean
seed_tasks (Seed    *seed,
            GError **error)
{
  static const char * const frequencies[] = { "daily", "weekly", "monthly", "yearly" };
  const char * const *statuses = td_status_all (TD_CASE_TASK);
  guint n_statuses = g_strv_length ((char **) statuses);
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_free);

  if (seed->devices->len == 0)
    return TRUE;  /* tasks and events always belong to a device */

  for (guint i = 0; i < DEMO_TASK_EVENTS; i++)
    {
      SeedDevice *device = g_ptr_array_index (seed->devices, (i * 3) % seed->devices->len);
      gboolean recurring = i % 5 < 3;
      gint64 created = seed->now - 60 * DAY_USEC + i * DAY_USEC;
      /* Far enough ahead that the demo does not materialize tasks on its first list. */
      gint64 next_due = seed->now + (10 + i * 3) * DAY_USEC;
      g_autofree char *next_text = td_time_format (next_due);
      g_autofree char *recurrence = recurring
        ? g_strdup_printf ("{\"freq\":\"%s\",\"interval\":%d}", frequencies[i % 4], 1 + (int) (i % 3))
        : NULL;
      char *id;

      id = seed_insert (seed, "task_events", td_resource_task_events.type, created, created, error,
                        "device_id", device->id,
                        "definition_id", device->definition_id,
                        "title", device->definition_title != NULL ? device->definition_title
                                                                  : PICK (seed, task_titles),
                        "recurrence", recurrence != NULL ? recurrence : SEED_NULL,
                        "next_due_at", next_text,
                        "visibility", i % 4 == 0 ? "external" : "internal",
                        "created_by", random_staff (seed), NULL);
      if (id == NULL)
        return FALSE;
      g_ptr_array_add (events, id);
    }

  for (guint i = 0; i < DEMO_TASKS; i++)
    {
      SeedDevice *device = g_ptr_array_index (seed->devices,
                                              g_rand_int_range (seed->rand, 0, seed->devices->len));
      const char *status = statuses[i % n_statuses];
      /* Due dates from 30 days ago to 30 days ahead: the open ones in the past are overdue. */
      gint64 due = seed->now + (g_rand_int_range (seed->rand, 0, 60 * 24) - 30 * 24) * HOUR_USEC;
      gint64 created = MIN (due, seed->now) - g_rand_int_range (seed->rand, 1, 30) * DAY_USEC;
      const char *responsible[1] = { random_staff (seed) };
      g_autofree char *responsible_json = ids_json (responsible[0] != SEED_NULL ? responsible : NULL,
                                                    responsible[0] != SEED_NULL ? 1 : 0);
      g_autofree char *due_text = td_time_format (due);
      g_autofree char *steps = steps_json (seed, g_rand_int_range (seed->rand, 2, 6),
                                           g_str_equal (status, "done"));
      g_autofree char *id = NULL;
      const char *event = i % 3 == 0 ? g_ptr_array_index (events, i % events->len) : SEED_NULL;

      id = seed_insert (seed, "tasks", td_resource_tasks.type, created, MIN (seed->now, created + DAY_USEC),
                        error,
                        "task_event_id", event,
                        "device_id", device->id,
                        "definition_id", device->definition_id,
                        "title", PICK (seed, task_titles),
                        "due_at", due_text,
                        "visibility", i % 4 == 0 ? "external" : "internal",
                        "steps", steps,
                        "status", status,
                        "responsible_ids", responsible_json,
                        "created_by", random_staff (seed), NULL);
      if (id == NULL)
        return FALSE;
    }

  return TRUE;
}

gboolean
td_seed_demo_cases (TdDb        *db,
                    const char  *org_id,
                    GError     **error)
{
  g_auto(Seed) seed = { 0 };
  g_autoptr(GPtrArray) tickets = g_ptr_array_new_with_free_func ((GDestroyNotify) seed_ticket_free);
  gboolean exists = FALSE;

  seed.db = db;
  seed.org_id = org_id;
  if (!has_tickets (&seed, &exists, error))
    return FALSE;
  if (exists)
    return TRUE;

  seed.rand = g_rand_new_with_seed (DEMO_SEED);
  seed.label_rand = g_rand_new_with_seed (DEMO_SEED + 1);
  seed.now = td_time_now_usec ();
  load_devices (&seed);
  if (!load_people (&seed, error))
    return FALSE;

  if (!seed_tickets (&seed, tickets, error) ||
      !seed_video_sessions (&seed, tickets, error) ||
      !seed_tasks (&seed, error))
    return FALSE;

  g_message ("Demo cases: %u tickets, %u video sessions, %u task events, %u tasks on %u devices",
             DEMO_TICKETS, DEMO_VIDEO, seed.devices->len > 0 ? DEMO_TASK_EVENTS : 0,
             seed.devices->len > 0 ? DEMO_TASKS : 0, seed.devices->len);
  return TRUE;
}

/* Bulk */

#define BULK_CHUNK 50000

/* Ids of the bulk rows: a random run prefix, the kind of row and the counter, so that the
 * rows of one run sort by their counter. */
#define BULK_ID_SQL(kind, expr) \
  "printf('%08x-" kind "-4000-8000-%012x', ?1, " expr ")"

/* A timestamp of the run: ?2 is the start (unix seconds) and ?3 the seconds per unit. */
#define BULK_TIME_SQL(expr) \
  "strftime('%Y-%m-%dT%H:%M:%fZ', ?2 + (" expr ") * ?3, 'unixepoch')"

static gboolean
bulk_exec (TdDb        *db,
           const char  *sql,
           guint        run,
           gint64       start_seconds,
           double       step_seconds,
           const char  *org_id,
           gint64       first,
           gint64       last,
           const char  *extra1,
           const char  *extra2,
           gint64       extra3,
           GError     **error)
{
  g_autoptr(TdDbStmt) stmt = td_db_prepare (db, sql, error);
  g_autofree char *step_text = g_strdup_printf ("%.6f", step_seconds);

  if (stmt == NULL)
    return FALSE;
  td_db_stmt_bind_int64 (stmt, 1, run);
  td_db_stmt_bind_int64 (stmt, 2, start_seconds);
  td_db_stmt_bind_text (stmt, 3, step_text);
  td_db_stmt_bind_text (stmt, 4, org_id);
  td_db_stmt_bind_int64 (stmt, 5, first);
  td_db_stmt_bind_int64 (stmt, 6, last);
  if (extra1 != NULL)
    td_db_stmt_bind_text (stmt, 7, extra1);
  else
    td_db_stmt_bind_null (stmt, 7);
  if (extra2 != NULL)
    td_db_stmt_bind_text (stmt, 8, extra2);
  else
    td_db_stmt_bind_null (stmt, 8);
  td_db_stmt_bind_int64 (stmt, 9, extra3);
  return td_db_stmt_run (stmt, error);
}

static char *
bulk_lookup (TdDb        *db,
             const char  *sql,
             const char  *org_id,
             GError     **error)
{
  g_autoptr(TdDbStmt) stmt = td_db_prepare (db, sql, error);
  TdDbStep step;

  if (stmt == NULL)
    return NULL;
  td_db_stmt_bind_text (stmt, 1, org_id);
  step = td_db_stmt_step (stmt, error);
  if (step == TD_DB_STEP_ROW)
    return td_db_stmt_dup_text (stmt, 0);
  if (step == TD_DB_STEP_DONE)
    return g_strdup ("");
  return NULL;
}

/* The counter of a chunk: ?5 to ?6. */
#define BULK_SERIES \
  "WITH RECURSIVE s(i) AS (SELECT ?5 UNION ALL SELECT i + 1 FROM s WHERE i < ?6) "

static const char bulk_customers_sql[] =
  BULK_SERIES
  "INSERT INTO customers (id, org_id, kind, name, customer_number, version, created_at,"
  " updated_at, deleted)"
  " SELECT " BULK_ID_SQL ("0001", "i") ", ?4, CASE WHEN i % 4 = 0 THEN 'private' ELSE 'corporate' END,"
  " 'Bulk customer ' || i, printf('B%08x-%d', ?1, i), 1, " BULK_TIME_SQL ("i") ", "
  BULK_TIME_SQL ("i") ", 0 FROM s "
  "WHERE ?7 IS NULL AND ?8 IS NULL AND ?9 = 0";

static const char bulk_devices_sql[] =
  BULK_SERIES
  "INSERT INTO devices (id, org_id, name, serial_number, template_id, customer_id, version,"
  " created_at, updated_at, deleted)"
  " SELECT " BULK_ID_SQL ("0002", "i") ", ?4, 'Bulk device ' || i, printf('BULK-%08x-%d', ?1, i),"
  " ?7, " BULK_ID_SQL ("0001", "(i / 10) % ?9") ", 1, " BULK_TIME_SQL ("i") ", " BULK_TIME_SQL ("i")
  ", 0 FROM s WHERE ?8 IS NULL";

/* ?7: the category, ?8: the statuses as a JSON array, ?9: the number of devices; the
 * number continues after the organization's highest (bulk_meta.base). Ten consecutive
 * tickets share a device and a hundred a customer, so that the device and customer indexes
 * grow at their ends too. */
static const char bulk_tickets_sql[] =
  BULK_SERIES
  "INSERT INTO tickets (id, org_id, version, created_at, updated_at, deleted, number, title,"
  " description, device_id, customer_id, category, priority, visibility, status,"
  " responsible_ids, receiver_ids, labels, created_by, rating, rating_comment, closed_at)"
  " SELECT " BULK_ID_SQL ("0003", "i") ", ?4, 1, " BULK_TIME_SQL ("i") ", "
  BULK_TIME_SQL ("i + 0.5") ", 0, i + (SELECT base FROM bulk_meta), bt.title, bt.description,"
  " " BULK_ID_SQL ("0002", "(i / 10) % ?9") ","
  " " BULK_ID_SQL ("0001", "((i / 10) % ?9 / 10) % (SELECT n FROM bulk_meta)") ","
  " ?7, CASE i % 3 WHEN 0 THEN 'low' WHEN 1 THEN 'normal' ELSE 'high' END,"
  " CASE WHEN i % 5 = 0 THEN 'public' ELSE 'internal' END,"
  " json_extract(?8, '$[' || (i % 7) || ']'), '[]', '[]', '[]', NULL,"
  " CASE WHEN i % 7 = 5 THEN 1 + i % 5 END, NULL,"
  " CASE WHEN i % 7 IN (5, 6) THEN " BULK_TIME_SQL ("i + 0.5") " END"
  " FROM s JOIN bulk_titles bt ON bt.k = i % (SELECT count(*) FROM bulk_titles)";

static const char bulk_messages_sql[] =
  BULK_SERIES
  "INSERT INTO ticket_messages (id, org_id, version, created_at, updated_at, deleted, ticket_id,"
  " author_id, body, attachment_ids)"
  " SELECT " BULK_ID_SQL ("0004", "i") ", ?4, 1, " BULK_TIME_SQL ("i / 2 + 0.25") ", "
  BULK_TIME_SQL ("i / 2 + 0.25") ", 0, " BULK_ID_SQL ("0003", "i / 2") ", ?7,"
  " CASE i % 2 WHEN 0 THEN 'Thanks for the report, we are looking into it.'"
  " ELSE 'A technician is scheduled for the next working day.' END, '[]' FROM s"
  " WHERE ?8 IS NULL AND ?9 = 0";

/* The change-feed rows of a chunk, in the engine's `changes` format (td_changes_record). */
static gboolean
bulk_changes (TdDb        *db,
              guint        run,
              const char  *org_id,
              const char  *kind,
              const char  *type,
              gint64       first,
              gint64       last,
              GError     **error)
{
  g_autofree char *sql = g_strdup_printf (BULK_SERIES
                                          "INSERT INTO changes (org_id, type, object_id, op,"
                                          " changed_at) SELECT ?4, ?7, "
                                          "printf('%%08x-%s-4000-8000-%%012x', ?1, i),"
                                          " 'upsert', strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ', 'now')"
                                          " FROM s WHERE ?2 = ?2 AND ?3 = ?3 AND ?8 IS NULL"
                                          " AND ?9 = 0", kind);

  return bulk_exec (db, sql, run, 0, 0, org_id, first, last, type, NULL, 0, error);
}

/* Runs the chunks of one table, each in its own transaction. */
typedef gboolean (*BulkChunkFunc) (TdDb *db, gint64 first, gint64 last, gpointer data,
                                   GError **error);

static gboolean
bulk_chunks (TdDb           *db,
             gint64          first,
             gint64          last,
             BulkChunkFunc   func,
             gpointer        data,
             GError        **error)
{
  for (gint64 start = first; start <= last; start += BULK_CHUNK)
    {
      g_autoptr(TdDbTransaction) transaction = td_db_transaction_begin (db, error);

      if (transaction == NULL ||
          !func (db, start, MIN (last, start + BULK_CHUNK - 1), data, error) ||
          !td_db_transaction_commit (transaction, error))
        return FALSE;
    }
  return TRUE;
}

typedef struct
{
  guint       run;
  const char *org_id;
  gint64      start_seconds;
  double      step_seconds;
  gint64      n_customers;
  gint64      n_devices;
  gint64      number_base;
  const char *template_id;
  const char *category;
  const char *author_id;
  char       *statuses;
} Bulk;

static gboolean
bulk_customers_chunk (TdDb *db, gint64 first, gint64 last, gpointer data, GError **error)
{
  Bulk *bulk = data;

  return bulk_exec (db, bulk_customers_sql, bulk->run, bulk->start_seconds, bulk->step_seconds * 100,
                    bulk->org_id, first, last, NULL, NULL, 0, error) &&
         bulk_changes (db, bulk->run, bulk->org_id, "0001", td_resource_customers.type, first,
                       last, error);
}

static gboolean
bulk_devices_chunk (TdDb *db, gint64 first, gint64 last, gpointer data, GError **error)
{
  Bulk *bulk = data;

  return bulk_exec (db, bulk_devices_sql, bulk->run, bulk->start_seconds, bulk->step_seconds * 10,
                    bulk->org_id, first, last, bulk->template_id, NULL, bulk->n_customers, error) &&
         bulk_changes (db, bulk->run, bulk->org_id, "0002", td_resource_devices.type, first, last,
                       error);
}

static gboolean
bulk_tickets_chunk (TdDb *db, gint64 first, gint64 last, gpointer data, GError **error)
{
  Bulk *bulk = data;

  return bulk_exec (db, bulk_tickets_sql, bulk->run, bulk->start_seconds, bulk->step_seconds,
                    bulk->org_id, first, last, bulk->category, bulk->statuses, bulk->n_devices,
                    error) &&
         bulk_changes (db, bulk->run, bulk->org_id, "0003", td_resource_tickets.type, first, last,
                       error);
}

static gboolean
bulk_messages_chunk (TdDb *db, gint64 first, gint64 last, gpointer data, GError **error)
{
  Bulk *bulk = data;

  return bulk_exec (db, bulk_messages_sql, bulk->run, bulk->start_seconds, bulk->step_seconds,
                    bulk->org_id, first, last, bulk->author_id, NULL, 0, error) &&
         bulk_changes (db, bulk->run, bulk->org_id, "0004", td_cases_ticket_messages.type, first,
                       last, error);
}

static gboolean
bulk_prepare_tables (TdDb        *db,
                     const char  *org_id,
                     gint64       n_customers,
                     gint64       number_base,
                     GError     **error)
{
  g_autoptr(TdDbStmt) meta = NULL;
  g_autoptr(GString) titles = g_string_new ("INSERT INTO bulk_titles (k, title, description) VALUES ");

  if (!td_db_exec (db, "DROP TABLE IF EXISTS temp.bulk_titles;"
                       "DROP TABLE IF EXISTS temp.bulk_meta;"
                       "CREATE TEMP TABLE bulk_titles (k INTEGER PRIMARY KEY, title TEXT, description TEXT);"
                       "CREATE TEMP TABLE bulk_meta (n INTEGER, base INTEGER)", error))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (ticket_titles); i++)
    g_string_append_printf (titles, "%s(%u, ?, ?)", i > 0 ? ", " : "", i);
  {
    g_autoptr(TdDbStmt) stmt = td_db_prepare (db, titles->str, error);

    if (stmt == NULL)
      return FALSE;
    for (guint i = 0; i < G_N_ELEMENTS (ticket_titles); i++)
      {
        td_db_stmt_bind_text (stmt, 2 * i + 1, ticket_titles[i]);
        td_db_stmt_bind_text (stmt, 2 * i + 2,
                              ticket_descriptions[i % G_N_ELEMENTS (ticket_descriptions)]);
      }
    if (!td_db_stmt_run (stmt, error))
      return FALSE;
  }

  meta = td_db_prepare (db, "INSERT INTO bulk_meta (n, base) VALUES (?, ?)", error);
  if (meta == NULL)
    return FALSE;
  td_db_stmt_bind_int64 (meta, 1, n_customers);
  td_db_stmt_bind_int64 (meta, 2, number_base + 1);
  return td_db_stmt_run (meta, error);
}

gboolean
td_seed_bulk_cases (TdDb        *db,
                    const char  *org_id,
                    guint64      n_tickets,
                    GError     **error)
{
  g_autoptr(GTimer) timer = g_timer_new ();
  g_autofree char *template_id = NULL;
  g_autofree char *modules = NULL;
  g_autofree char *author_id = NULL;
  g_autofree char *max_number = NULL;
  g_autoptr(JsonObject) parsed = NULL;
  JsonNode *statuses_node;
  Bulk bulk = { 0 };
  guint32 run;

  g_return_val_if_fail (n_tickets > 0, FALSE);

  if (!td_random_fill ((guint8 *) &run, sizeof run, error))
    return FALSE;

  template_id = bulk_lookup (db, "SELECT id FROM templates WHERE org_id = ? AND deleted = 0"
                                 " ORDER BY created_at, id LIMIT 1", org_id, error);
  if (template_id == NULL)
    return FALSE;
  if (*template_id == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           "The bulk data needs a template: seed the demo first");
      return FALSE;
    }
  modules = bulk_lookup (db, "SELECT modules FROM templates WHERE org_id = ? AND deleted = 0"
                             " ORDER BY created_at, id LIMIT 1", org_id, error);
  author_id = bulk_lookup (db, "SELECT id FROM employees WHERE org_id = ? AND deleted = 0"
                               " AND customer_id IS NULL ORDER BY email LIMIT 1", org_id, error);
  max_number = bulk_lookup (db, "SELECT coalesce(max(number), 0) FROM tickets WHERE org_id = ?",
                            org_id, error);
  if (modules == NULL || author_id == NULL || max_number == NULL)
    return FALSE;

  parsed = *modules != '\0' ? td_json_parse_object (modules, strlen (modules), NULL) : NULL;
  statuses_node = td_cases_ids_node (td_status_all (TD_CASE_TICKET));

  bulk.run = run;
  bulk.org_id = org_id;
  bulk.n_customers = MAX (1, (gint64) n_tickets / 100);
  bulk.n_devices = MAX (1, (gint64) n_tickets / 10);
  bulk.number_base = g_ascii_strtoll (max_number, NULL, 10);
  bulk.template_id = template_id;
  bulk.author_id = *author_id != '\0' ? author_id : NULL;
  bulk.statuses = td_json_to_string (statuses_node);
  json_node_unref (statuses_node);
  {
    JsonObject *flow = td_cases_find_module_item (parsed, "ticket_flows", NULL);

    bulk.category = flow != NULL && td_json_get_string (flow, "id") != NULL
                    ? td_json_get_string (flow, "id") : "";
  }
  /* Spread over the last 90 days, increasing with the counter. */
  bulk.step_seconds = 90.0 * 24 * 60 * 60 / (double) n_tickets;
  bulk.start_seconds = td_time_now_usec () / G_USEC_PER_SEC - 91 * 24 * 60 * 60;

  /* Bigger page cache for the index B-trees while generating; restored afterwards. */
  if (!td_db_exec (db, "PRAGMA cache_size = -524288", error) ||
      !bulk_prepare_tables (db, org_id, bulk.n_customers, bulk.number_base, error))
    goto failed;

  if (!bulk_chunks (db, 0, bulk.n_customers - 1, bulk_customers_chunk, &bulk, error))
    goto failed;
  g_message ("Bulk: %" G_GINT64_FORMAT " customers after %.1f s", bulk.n_customers,
             g_timer_elapsed (timer, NULL));
  if (!bulk_chunks (db, 0, bulk.n_devices - 1, bulk_devices_chunk, &bulk, error))
    goto failed;
  g_message ("Bulk: %" G_GINT64_FORMAT " devices after %.1f s", bulk.n_devices,
             g_timer_elapsed (timer, NULL));
  if (!bulk_chunks (db, 0, (gint64) n_tickets - 1, bulk_tickets_chunk, &bulk, error))
    goto failed;
  g_message ("Bulk: %" G_GUINT64_FORMAT " tickets after %.1f s", n_tickets,
             g_timer_elapsed (timer, NULL));
  if (!bulk_chunks (db, 0, 2 * (gint64) n_tickets - 1, bulk_messages_chunk, &bulk, error))
    goto failed;
  g_message ("Bulk: %" G_GUINT64_FORMAT " messages after %.1f s", 2 * n_tickets,
             g_timer_elapsed (timer, NULL));

  /* Statistics for the query planner: without them SQLite walks the updated_at index of a
   * million tickets to find the few of one customer (the scope predicate goes through the
   * devices). analysis_limit keeps this to a sample: seconds, not a full scan. */
  if (!td_db_exec (db, "PRAGMA analysis_limit = 2000;"
                       "ANALYZE tickets; ANALYZE ticket_messages; ANALYZE devices;"
                       "ANALYZE customers; ANALYZE employees;"
                       "PRAGMA analysis_limit = 0", error))
    goto failed;
  g_message ("Bulk: statistics after %.1f s", g_timer_elapsed (timer, NULL));

  g_free (bulk.statuses);
  return td_db_exec (db, "PRAGMA cache_size = -2000;"
                         "DROP TABLE IF EXISTS temp.bulk_titles;"
                         "DROP TABLE IF EXISTS temp.bulk_meta", error);

failed:
  g_free (bulk.statuses);
  td_db_exec (db, "PRAGMA cache_size = -2000", NULL);
  return FALSE;
}
