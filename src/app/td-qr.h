/* td-qr.h: QR codes as crisp textures (libqrencode)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The quiet zone around the symbol, in modules, as the QR specification asks. */
#define TD_QR_QUIET_ZONE 4

/* @text as a QR code (error correction M): black modules on white, each @module_size ×
 * @module_size pixels, with a TD_QR_QUIET_ZONE-module white border. NULL with @error when
 * @text does not fit in a QR code. */
GdkTexture *td_qr_texture_new (const char  *text,
                               guint        module_size,
                               GError     **error);

/* Draws @qr (made with a module size of 1) centered in @width × @height at the largest
 * integer scale that fits, nearest neighbour: every module is a whole number of device
 * pixels, never smoothed. */
void        td_qr_draw        (cairo_t     *cr,
                               GdkTexture  *qr,
                               int          width,
                               int          height);

G_END_DECLS
