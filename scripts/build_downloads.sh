#!/usr/bin/env bash
# The downloads for reading offline, next to a built site: the PDF of the whole FAQ and the
# offline copy (a zip that works opened from file://, with the PDF inside).
#   bash scripts/build_downloads.sh SITE_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
export NO_MKDOCS_2_WARNING=1 DISABLE_MKDOCS_2_WARNING=true
site=$(realpath "${1:?usage: build_downloads.sh SITE_DIR}")
py=.venv/bin/python
# The PDF's dates and the archive's entries carry the last commit's time, not today's.
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$($py scripts/source_date.py)}
export SOURCE_DATE_EPOCH
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
start=$EPOCHREALTIME

# The book for the PDF is made from the HTML pages just built (half a second, no second MkDocs
# build); Chromium prints it while the offline build runs beside it, at a lower priority: the
# PDF takes longer, so the offline build takes the time Chromium leaves.
$py scripts/assemble_print_page.py "$site" "$work/print" >/dev/null
# The offline copy is zipped as soon as it is built; the PDF joins it once printed.
offline_copy() {
  nice -n 10 $py scripts/build_variant.py offline "$work/offline/backprop-faq" 2>"$work/offline.log" \
    && nice -n 10 $py scripts/zip_folder.py "$work/archive.zip" "$work/offline/backprop-faq"
}
offline_copy &
offline_job=$!
if ! $py scripts/print_pdf.py "$work/print" "$site/backprop-faq.pdf"; then
  kill "$offline_job" 2>/dev/null || true; exit 1
fi
pdf_done=$EPOCHREALTIME

if ! wait "$offline_job"; then
  cat "$work/offline.log" >&2; echo "the offline build failed" >&2; exit 1
fi
$py scripts/zip_folder.py --add "$work/archive.zip" "$site/backprop-faq.pdf" backprop-faq/backprop-faq.pdf
mv "$work/archive.zip" "$site/backprop-faq-offline.zip"
end=$EPOCHREALTIME
awk -v s="$start" -v p="$pdf_done" -v e="$end" -v kb="$(( $(stat -c %s "$site/backprop-faq-offline.zip") / 1024 ))" \
  'BEGIN { printf "PDF after %.1f s; offline archive (%d KB) after %.1f s\n", p - s, kb, e - s }'
