#!/usr/bin/env bash
# Makes assets/base.mp4, the clip every simulated task's video starts with.
# Run once; the result is committed. 2 s, 160x120, 12 fps, H.264 baseline, moov first
# (+faststart), no audio, no metadata, bit-exact flags so a rerun with the same ffmpeg/x264
# gives the same bytes (made with ffmpeg 5.1.9, Debian 12: 12,738 bytes,
# sha256 6152235660fe1b068f7b8929ef99b6ac217e4cfb027b59190edd2c170ce982fe).
set -euo pipefail
cd "$(dirname "$0")"
ffmpeg -hide_banner -loglevel error \
  -f lavfi -i "testsrc2=size=160x120:rate=12:duration=2" \
  -c:v libx264 -profile:v baseline -pix_fmt yuv420p -preset veryslow -crf 30 -threads 1 \
  -an -map_metadata -1 -fflags +bitexact -flags:v +bitexact \
  -movflags +faststart \
  -y base.mp4
ls -l base.mp4
