/* td-cache-page.c: the change-feed page reader
 *
 * A page of 2,000 changes is about 1.5 MB of JSON. Building a json-glib tree of it, only
 * for the cache to write each object back out as text, was most of a full sync's time on
 * the client. Instead one strict pass over the text checks it (the JSON grammar, UTF-8,
 * escapes, nesting) and notes where each change and each top-level member of its object
 * is; storing (td-cache.c) binds those pieces of the text to the upsert, and an object's
 * `json` column is its text as the server sent it. td_cache_store_object() goes through
 * the same pass over the text json-glib makes of its object, so both ways store the same
 * columns.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-cache"

#include "config.h"

#include "td-cache-page.h"

#include <string.h>

#include "td-json.h"

struct _TdCachePage
{
  GBytes   *body;
  GArray   *changes;      /* TdCacheChange */
  GArray   *members;      /* TdCacheMember */
  gboolean  has_changes;
  gint64    next_since;
  gint64    newest_seq;
  gboolean  has_more;
};

/* Text made here from json-glib values is only deep where those were; the bound is for the
 * recursion, not for trust. */
#define LOCAL_MAX_DEPTH 512

typedef struct
{
  const char *p;
  const char *end;
  guint       depth;
  guint       max_depth;
} Scanner;

/* Called at a member's value (after the colon and any space), which it must consume. */
typedef gboolean (*MemberFunc)  (Scanner           *s,
                                 const TdCacheSpan *name,
                                 gpointer           data);
/* Called at an array element, which it must consume. */
typedef gboolean (*ElementFunc) (Scanner           *s,
                                 gpointer           data);

static gboolean scan_value (Scanner     *s,
                            TdCacheSpan *out);

static inline void
skip_space (Scanner *s)
{
  while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
    s->p++;
}

static inline gboolean
at (Scanner *s,
    char     c)
{
  return s->p < s->end && *s->p == c;
}

static int
hex4 (const char *p)
{
  int value = 0;

  for (int i = 0; i < 4; i++)
    {
      int digit = g_ascii_xdigit_value (p[i]);

      if (digit < 0)
        return -1;
      value = value * 16 + digit;
    }
  return value;
}

/* At the opening quote. UTF-16 surrogates must come in pairs (as json-glib requires) so
 * that every decoded string is valid UTF-8. */
static gboolean
scan_string (Scanner     *s,
             TdCacheSpan *out)
{
  const char *p = s->p + 1;
  gboolean escaped = FALSE;

  while (p < s->end)
    {
      guchar c = *p;

      if (c == '"')
        {
          *out = (TdCacheSpan) { s->p + 1, p - (s->p + 1), TD_CACHE_VALUE_STRING, escaped };
          s->p = p + 1;
          return TRUE;
        }
      if (c < 0x20)
        return FALSE;
      if (c >= 0x80)
        {
          gunichar ch = g_utf8_get_char_validated (p, s->end - p);

          if (ch == (gunichar) -1 || ch == (gunichar) -2)
            return FALSE;
          p = g_utf8_next_char (p);
          continue;
        }
      if (c != '\\')
        {
          p++;
          continue;
        }

      escaped = TRUE;
      if (s->end - p < 2)
        return FALSE;
      if (p[1] != '\0' && strchr ("\"\\/bfnrt", p[1]) != NULL)
        {
          p += 2;
          continue;
        }
      if (p[1] == 'u')
        {
          int unit = s->end - p >= 6 ? hex4 (p + 2) : -1;
          int low;

          if (unit < 0 || (unit >= 0xdc00 && unit <= 0xdfff))
            return FALSE;
          p += 6;
          if (unit < 0xd800 || unit > 0xdbff)
            continue;
          low = s->end - p >= 6 && p[0] == '\\' && p[1] == 'u' ? hex4 (p + 2) : -1;
          if (low < 0xdc00 || low > 0xdfff)
            return FALSE;
          p += 6;
          continue;
        }
      return FALSE;
    }
  return FALSE;
}

static gboolean
scan_digits (Scanner *s)
{
  const char *start = s->p;

  while (s->p < s->end && g_ascii_isdigit (*s->p))
    s->p++;
  return s->p > start;
}

static gboolean
scan_number (Scanner     *s,
             TdCacheSpan *out)
{
  const char *start = s->p;
  TdCacheValueKind kind = TD_CACHE_VALUE_INT;

  if (at (s, '-'))
    s->p++;
  if (at (s, '0'))
    s->p++;
  else if (s->p >= s->end || *s->p < '1' || *s->p > '9' || !scan_digits (s))
    return FALSE;
  if (at (s, '.'))
    {
      s->p++;
      kind = TD_CACHE_VALUE_DOUBLE;
      if (!scan_digits (s))
        return FALSE;
    }
  if (at (s, 'e') || at (s, 'E'))
    {
      s->p++;
      kind = TD_CACHE_VALUE_DOUBLE;
      if (at (s, '+') || at (s, '-'))
        s->p++;
      if (!scan_digits (s))
        return FALSE;
    }
  *out = (TdCacheSpan) { start, s->p - start, kind, FALSE };
  return TRUE;
}

static gboolean
scan_literal (Scanner          *s,
              const char       *word,
              TdCacheValueKind  kind,
              TdCacheSpan      *out)
{
  gsize length = strlen (word);

  if ((gsize) (s->end - s->p) < length || memcmp (s->p, word, length) != 0)
    return FALSE;
  *out = (TdCacheSpan) { s->p, length, kind, FALSE };
  s->p += length;
  return TRUE;
}

/* At '{' or '[': into the container (FALSE when nested too deep); *more says whether it
 * has items, or else it is already left. */
static gboolean
scan_open (Scanner  *s,
           char      close,
           gboolean *more)
{
  if (++s->depth > s->max_depth)
    return FALSE;
  s->p++;
  skip_space (s);
  *more = !at (s, close);
  if (!*more)
    s->p++;
  return TRUE;
}

/* After an item: at the next one (*more) or past the end of the container. */
static gboolean
scan_next (Scanner  *s,
           char      close,
           gboolean *more)
{
  skip_space (s);
  *more = at (s, ',');
  if (!*more && !at (s, close))
    return FALSE;
  s->p++;
  if (*more)
    skip_space (s);
  return TRUE;
}

/* At '{'. @func gets each member's value (NULL: checked and skipped). */
static gboolean
scan_object (Scanner     *s,
             MemberFunc   func,
             gpointer     data,
             TdCacheSpan *out)
{
  const char *start = s->p;
  gboolean more;

  if (!scan_open (s, '}', &more))
    return FALSE;
  while (more)
    {
      TdCacheSpan name;
      TdCacheSpan value;

      if (!at (s, '"') || !scan_string (s, &name))
        return FALSE;
      skip_space (s);
      if (!at (s, ':'))
        return FALSE;
      s->p++;
      skip_space (s);
      if (func != NULL ? !func (s, &name, data) : !scan_value (s, &value))
        return FALSE;
      if (!scan_next (s, '}', &more))
        return FALSE;
    }
  s->depth--;
  *out = (TdCacheSpan) { start, s->p - start, TD_CACHE_VALUE_OBJECT, FALSE };
  return TRUE;
}

/* At '['. @func gets each element (NULL: checked and skipped). */
static gboolean
scan_array (Scanner     *s,
            ElementFunc  func,
            gpointer     data,
            TdCacheSpan *out)
{
  const char *start = s->p;
  gboolean more;

  if (!scan_open (s, ']', &more))
    return FALSE;
  while (more)
    {
      TdCacheSpan value;

      if (func != NULL ? !func (s, data) : !scan_value (s, &value))
        return FALSE;
      if (!scan_next (s, ']', &more))
        return FALSE;
    }
  s->depth--;
  *out = (TdCacheSpan) { start, s->p - start, TD_CACHE_VALUE_ARRAY, FALSE };
  return TRUE;
}

static gboolean
scan_value (Scanner     *s,
            TdCacheSpan *out)
{
  if (s->p >= s->end)
    return FALSE;
  switch (*s->p)
    {
    case '{':
      return scan_object (s, NULL, NULL, out);
    case '[':
      return scan_array (s, NULL, NULL, out);
    case '"':
      return scan_string (s, out);
    case 't':
      return scan_literal (s, "true", TD_CACHE_VALUE_TRUE, out);
    case 'f':
      return scan_literal (s, "false", TD_CACHE_VALUE_FALSE, out);
    case 'n':
      return scan_literal (s, "null", TD_CACHE_VALUE_NULL, out);
    default:
      return scan_number (s, out);
    }
}

/* Decoding (the text was checked by scan_string()) */

char *
td_cache_span_decode (const TdCacheSpan *span)
{
  const char *p = span->text;
  const char *end = span->text + span->length;
  char *out;
  char *q;

  if (!span->escaped)
    return g_strndup (span->text, span->length);

  /* An escape never decodes to more bytes than it has. A \u0000 ends the C string, as it
   * does in json-glib. */
  q = out = g_malloc (span->length + 1);
  while (p < end)
    {
      if (*p != '\\')
        {
          *q++ = *p++;
          continue;
        }
      switch (p[1])
        {
        case 'b': *q++ = '\b'; break;
        case 'f': *q++ = '\f'; break;
        case 'n': *q++ = '\n'; break;
        case 'r': *q++ = '\r'; break;
        case 't': *q++ = '\t'; break;
        case 'u':
          {
            gunichar c = hex4 (p + 2);

            if (c >= 0xd800 && c <= 0xdbff)
              {
                c = 0x10000 + ((c - 0xd800) << 10) + (hex4 (p + 8) - 0xdc00);
                p += 6;
              }
            q += g_unichar_to_utf8 (c, q);
            p += 4;
          }
          break;
        default: *q++ = p[1]; break;
        }
      p += 2;
    }
  *q = '\0';
  return out;
}

static gboolean
span_is (const TdCacheSpan *span,
         const char        *word)
{
  g_autofree char *decoded = NULL;

  if (!span->escaped)
    return span->length == strlen (word) && memcmp (span->text, word, span->length) == 0;
  decoded = td_cache_span_decode (span);
  return strcmp (decoded, word) == 0;
}

gint64
td_cache_span_int (const TdCacheSpan *span)
{
  char buffer[32];
  g_autofree char *longer = NULL;
  const char *text = buffer;

  if (span->length < sizeof buffer)
    {
      memcpy (buffer, span->text, span->length);
      buffer[span->length] = '\0';
    }
  else
    text = longer = g_strndup (span->text, span->length);
  return g_ascii_strtoll (text, NULL, 10);
}

double
td_cache_span_double (const TdCacheSpan *span)
{
  g_autofree char *text = g_strndup (span->text, span->length);

  return g_ascii_strtod (text, NULL);
}

/* What json_node_get_boolean() makes of a value. */
gboolean
td_cache_span_truthy (const TdCacheSpan *span)
{
  switch (span->kind)
    {
    case TD_CACHE_VALUE_TRUE:
      return TRUE;
    case TD_CACHE_VALUE_INT:
      return td_cache_span_int (span) != 0;
    case TD_CACHE_VALUE_DOUBLE:
      return td_cache_span_double (span) != 0.0;
    default:
      return FALSE;
    }
}

/* A member of an object: the last of that name, as json-glib keeps it. */
const TdCacheMember *
td_cache_members_find (const TdCacheMember *members,
                       guint                n_members,
                       const char          *name)
{
  gsize length = strlen (name);

  for (guint i = n_members; i-- > 0;)
    {
      const TdCacheSpan *key = &members[i].name;

      if (key->escaped ? span_is (key, name)
                       : key->length == length && memcmp (key->text, name, length) == 0)
        return &members[i];
    }
  return NULL;
}

/* Scanning pages */

static gboolean
record_member (Scanner           *s,
               const TdCacheSpan *name,
               gpointer           data)
{
  GArray *members = data;
  TdCacheMember member = { *name, { NULL, 0, TD_CACHE_VALUE_NONE, FALSE } };

  if (!scan_value (s, &member.value))
    return FALSE;
  g_array_append_val (members, member);
  return TRUE;
}

GArray *
td_cache_members_scan (const char *json,
                       gsize       length)
{
  g_autoptr(GArray) members = g_array_new (FALSE, FALSE, sizeof (TdCacheMember));
  Scanner s = { json, json + length, 0, LOCAL_MAX_DEPTH };
  TdCacheSpan span;

  if (length > G_MAXINT || !at (&s, '{') || !scan_object (&s, record_member, members, &span) ||
      s.p != s.end)
    return NULL;
  return g_steal_pointer (&members);
}

static gboolean
change_member (Scanner           *s,
               const TdCacheSpan *name,
               gpointer           data)
{
  TdCachePage *page = data;
  TdCacheChange *change = &g_array_index (page->changes, TdCacheChange, page->changes->len - 1);
  TdCacheSpan ignored;

  if (span_is (name, "object"))
    {
      guint first = page->members->len;

      if (!at (s, '{'))
        return scan_value (s, &change->object);
      if (!scan_object (s, record_member, page->members, &change->object))
        return FALSE;
      change->first_member = first;
      change->n_members = page->members->len - first;
      return TRUE;
    }
  if (span_is (name, "type"))
    return scan_value (s, &change->type);
  if (span_is (name, "id"))
    return scan_value (s, &change->id);
  if (span_is (name, "op"))
    return scan_value (s, &change->op);
  return scan_value (s, &ignored);
}

/* Every element becomes a change: one that is not an object has no type and fails when
 * the page is applied, like any other malformed change. */
static gboolean
change_element (Scanner  *s,
                gpointer  data)
{
  TdCachePage *page = data;
  TdCacheChange change = { { NULL, 0, TD_CACHE_VALUE_NONE, FALSE }, };
  TdCacheSpan span;

  g_array_append_val (page->changes, change);
  if (at (s, '{'))
    return scan_object (s, change_member, page, &span);
  return scan_value (s, &span);
}

static gboolean
page_member (Scanner           *s,
             const TdCacheSpan *name,
             gpointer           data)
{
  TdCachePage *page = data;
  TdCacheSpan value;

  if (span_is (name, "changes"))
    {
      /* A repeated member: the last one counts, as in json-glib. */
      g_array_set_size (page->changes, 0);
      g_array_set_size (page->members, 0);
      page->has_changes = at (s, '[');
      if (page->has_changes)
        return scan_array (s, change_element, page, &value);
      return scan_value (s, &value);
    }
  if (!scan_value (s, &value))
    return FALSE;
  if (span_is (name, "next_since"))
    page->next_since = value.kind == TD_CACHE_VALUE_INT ? td_cache_span_int (&value) : -1;
  else if (span_is (name, "newest_seq"))
    page->newest_seq = value.kind == TD_CACHE_VALUE_INT ? td_cache_span_int (&value) : 0;
  else if (span_is (name, "has_more"))
    page->has_more = td_cache_span_truthy (&value);
  return TRUE;
}

static TdCachePage *
page_alloc (GBytes *body)
{
  TdCachePage *page = g_new0 (TdCachePage, 1);
  gsize length = g_bytes_get_size (body);

  /* Room for about what a feed page holds (a change is some 700 bytes, a member some 40),
   * so that the arrays rarely grow while scanning. */
  page->body = body;
  page->changes = g_array_sized_new (FALSE, FALSE, sizeof (TdCacheChange), length / 512 + 1);
  page->members = g_array_sized_new (FALSE, FALSE, sizeof (TdCacheMember), length / 32 + 1);
  page->next_since = -1;
  return page;
}

void
td_cache_page_free (TdCachePage *page)
{
  if (page == NULL)
    return;
  g_bytes_unref (page->body);
  g_array_unref (page->changes);
  g_array_unref (page->members);
  g_free (page);
}

/* The page's text is a whole feed page, or (@changes_only) just its array of changes. */
static gboolean
page_scan (TdCachePage *page,
           gboolean     changes_only,
           guint        max_depth)
{
  gsize length = 0;
  const char *text = g_bytes_get_data (page->body, &length);
  Scanner s = { text, text + length, 0, max_depth };
  TdCacheSpan value;

  /* Lengths go to SQLite as int. */
  if (text == NULL || length > G_MAXINT)
    return FALSE;
  skip_space (&s);
  if (changes_only)
    {
      if (!at (&s, '[') || !scan_array (&s, change_element, page, &value))
        return FALSE;
      page->has_changes = TRUE;
    }
  else if (!at (&s, '{') || !scan_object (&s, page_member, page, &value))
    return FALSE;
  skip_space (&s);
  return s.p == s.end;
}

TdCachePage *
td_cache_page_new (GBytes  *body,
                   GError **error)
{
  TdCachePage *page;

  g_return_val_if_fail (body != NULL, NULL);

  page = page_alloc (g_bytes_ref (body));
  if (!page_scan (page, FALSE, TD_JSON_MAX_DEPTH))
    {
      g_set_error_literal (error, TD_CACHE_ERROR, TD_CACHE_ERROR_INVALID,
                           "The change page is not well-formed JSON");
      td_cache_page_free (page);
      return NULL;
    }
  if (!page->has_changes || page->next_since < 0)
    {
      g_set_error_literal (error, TD_CACHE_ERROR, TD_CACHE_ERROR_INVALID,
                           "The change page has no changes or no next_since");
      td_cache_page_free (page);
      return NULL;
    }
  return page;
}

TdCachePage *
td_cache_page_new_from_changes (GBytes *changes)
{
  g_autoptr(TdCachePage) page = page_alloc (g_bytes_ref (changes));

  if (!page_scan (page, TRUE, LOCAL_MAX_DEPTH))
    return NULL;
  return g_steal_pointer (&page);
}

gint64
td_cache_page_get_next_since (TdCachePage *page)
{
  return page->next_since;
}

gboolean
td_cache_page_get_has_more (TdCachePage *page)
{
  return page->has_more;
}

gint64
td_cache_page_get_newest_seq (TdCachePage *page)
{
  return page->newest_seq;
}

guint
td_cache_page_get_n_changes (TdCachePage *page)
{
  return page->changes->len;
}

const TdCacheChange *
td_cache_page_get_change (TdCachePage *page,
                          guint        index)
{
  g_return_val_if_fail (index < page->changes->len, NULL);

  return &g_array_index (page->changes, TdCacheChange, index);
}

const TdCacheMember *
td_cache_page_get_members (TdCachePage         *page,
                           const TdCacheChange *change)
{
  return (const TdCacheMember *) page->members->data + change->first_member;
}
