#!/usr/bin/env bash
# Start Penggerak on the embedded default: migrate, load the okoce-2020 demo into an empty
# database, start one task worker and the periodic-job loop, then serve http://127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
mkdir -p var/static

"$BIN/penggerak" migrate --noinput
"$BIN/penggerak" demo --preset "${PENGGERAK_DEMO_PRESET:-okoce-2020}" --if-empty

"$BIN/penggerak" db_worker --queue-name '*' --no-reload &
worker=$!
# Periodic jobs (stuck alerts, reminders, monthly reports); production uses cron/systemd.
"$BIN/penggerak" run_periodic --loop &
scheduler=$!
trap 'kill $worker $scheduler 2>/dev/null || true' EXIT INT TERM

"$BIN/penggerak" demo_logins
echo "Penggerak: http://127.0.0.1:${PENGGERAK_PORT:-8000}"
"$BIN/gunicorn" penggerak.wsgi \
  --bind "127.0.0.1:${PENGGERAK_PORT:-8000}" \
  --workers "${PENGGERAK_WEB_WORKERS:-2}" \
  --access-logfile - --log-level warning
