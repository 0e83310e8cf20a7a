/* td-qr.c: QR codes as crisp textures
 *
 * A phone camera reads a QR code best when every module has sharp edges. GTK 4.8 scales
 * textures linearly (GtkPicture blurs them), so the symbol is built at an integer module
 * size in memory and drawn through cairo with a nearest-neighbour filter.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-qr"

#include "config.h"

#include "td-qr.h"

#include <glib/gi18n-lib.h>
#include <qrencode.h>
#include <string.h>

/* B8G8R8A8 premultiplied, 4 bytes a pixel: what cairo's ARGB32 is on little-endian. */
#define BYTES_PER_PIXEL 4

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QRcode, QRcode_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (cairo_surface_t, cairo_surface_destroy)

GdkTexture *
td_qr_texture_new (const char  *text,
                   guint        module_size,
                   GError     **error)
{
  g_autoptr(QRcode) code = NULL;
  g_autoptr(GBytes) bytes = NULL;
  guchar *pixels;
  gsize stride, side;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (module_size > 0 && module_size <= 64, NULL);

  code = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (code == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The address is too long for a QR code"));
      return NULL;
    }

  side = (gsize) (code->width + 2 * TD_QR_QUIET_ZONE) * module_size;
  stride = side * BYTES_PER_PIXEL;
  /* White everywhere (opaque), then the dark modules. */
  pixels = g_malloc (stride * side);
  memset (pixels, 0xff, stride * side);

  for (int y = 0; y < code->width; y++)
    for (int x = 0; x < code->width; x++)
      {
        if ((code->data[y * code->width + x] & 1) == 0)
          continue;

        for (guint dy = 0; dy < module_size; dy++)
          {
            gsize row = ((gsize) (y + TD_QR_QUIET_ZONE) * module_size + dy) * stride;

            for (guint dx = 0; dx < module_size; dx++)
              {
                guchar *pixel = pixels + row +
                                ((gsize) (x + TD_QR_QUIET_ZONE) * module_size + dx) * BYTES_PER_PIXEL;

                pixel[0] = pixel[1] = pixel[2] = 0x00;
                pixel[3] = 0xff;
              }
          }
      }

  bytes = g_bytes_new_take (pixels, stride * side);
  return gdk_memory_texture_new ((int) side, (int) side, GDK_MEMORY_B8G8R8A8_PREMULTIPLIED,
                                 bytes, stride);
}

void
td_qr_draw (cairo_t    *cr,
            GdkTexture *qr,
            int         width,
            int         height)
{
  g_autoptr(cairo_surface_t) surface = NULL;
  cairo_pattern_t *pattern;
  int side, scale;

  g_return_if_fail (GDK_IS_TEXTURE (qr));

  side = gdk_texture_get_width (qr);
  scale = MIN (width, height) / MAX (side, 1);
  if (scale < 1)
    return;

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, side, side);
  cairo_surface_flush (surface);
  gdk_texture_download (qr, cairo_image_surface_get_data (surface),
                        cairo_image_surface_get_stride (surface));
  cairo_surface_mark_dirty (surface);

  cairo_save (cr);
  /* Whole logical pixels are whole device pixels at any integer scale factor. */
  cairo_translate (cr, (width - side * scale) / 2, (height - side * scale) / 2);
  cairo_scale (cr, scale, scale);
  cairo_set_source_surface (cr, surface, 0, 0);
  pattern = cairo_get_source (cr);
  cairo_pattern_set_filter (pattern, CAIRO_FILTER_NEAREST);
  cairo_paint (cr);
  cairo_restore (cr);
}
