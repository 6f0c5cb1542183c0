#!/usr/bin/env python3
"""Draw the 1024x1024 source icon (a simple backpack) with the standard library only.

Usage:
  python3 scripts/make-app-icon.py /tmp/app-icon.png
  npx tauri icon /tmp/app-icon.png -o icons
  cd icons && rm -rf android ios Square* StoreLogo.png 64x64.png   # keep only the desktop icons
"""
import math
import struct
import sys
import zlib

SIZE = 1024


def rounded_rect(px, py, x0, y0, x1, y1, r):
    """Signed distance from (px, py) to a rounded rectangle (negative inside)."""
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    hx, hy = (x1 - x0) / 2 - r, (y1 - y0) / 2 - r
    qx, qy = abs(px - cx) - hx, abs(py - cy) - hy
    outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
    inside = min(max(qx, qy), 0.0)
    return outside + inside - r


def ring(px, py, cx, cy, radius, width):
    return abs(math.hypot(px - cx, py - cy) - radius) - width / 2


def coverage(d):
    """Anti-aliased coverage for a signed distance in pixels."""
    return min(max(0.5 - d, 0.0), 1.0)


BODY = (0x2B, 0x6C, 0x8F)
DARK = (0x1E, 0x4D, 0x66)
POCKET = (0x4F, 0x93, 0xB8)
STRAP = (0xF2, 0xB1, 0x34)


def pixel(x, y):
    px, py = x + 0.5, y + 0.5
    layers = [
        # handle loop on top (only its upper half shows above the body)
        (DARK, ring(px, py, 512, 250, 110, 44) if py < 300 else 1e9),
        (BODY, rounded_rect(px, py, 222, 220, 802, 930, 170)),
        # lid seam
        (DARK, abs(py - 430) - 10 if rounded_rect(px, py, 222, 220, 802, 930, 170) < -30 else 1e9),
        (POCKET, rounded_rect(px, py, 332, 560, 692, 850, 70)),
        (DARK, abs(py - 650) - 8 if rounded_rect(px, py, 332, 560, 692, 850, 70) < -20 else 1e9),
        # buckle strap
        (STRAP, rounded_rect(px, py, 482, 600, 542, 720, 18)),
    ]
    r = g = b = a = 0.0
    for (cr, cg, cb), d in layers:
        c = coverage(d)
        if c <= 0.0:
            continue
        # "over" compositing, premultiplied
        r = cr * c + r * (1 - c)
        g = cg * c + g * (1 - c)
        b = cb * c + b * (1 - c)
        a = c + a * (1 - c)
    if a <= 0.0:
        return b"\0\0\0\0"
    return bytes((round(r / a), round(g / a), round(b / a), round(a * 255)))


def main(out):
    rows = bytearray()
    for y in range(SIZE):
        rows.append(0)  # filter: none
        for x in range(SIZE):
            rows += pixel(x, y)

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(bytes(rows), 9))
    png += chunk(b"IEND", b"")
    with open(out, "wb") as f:
        f.write(png)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "app-icon.png")
