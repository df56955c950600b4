#!/usr/bin/env bash
# Hands a published BBB recording to Ensemble (docs/decisions/101-recording-transfer-protocol.md).
#
#   ensemble-recording-upload.sh -m <record id> -f <format>   one format, as BBB's post_publish calls it
#   ensemble-recording-upload.sh --pending                    every published format not yet handed over
#                                                             (the ensemble-recording-sync timer)
#
# One PUT per format of a deterministic tar.gz of published/<format>/<record id>/ (metadata.xml
# included), with its SHA-256 in Content-Digest and the node's token as a bearer token. Ensemble
# makes it visible only once it is whole and its digest matches, and answers a repeat with 200.
# Transient failures (no connection, 408/425/429/5xx) are retried with a doubling wait; anything
# else is final. Exit: 0 handed over, 1 still pending after the retries, 2 refused, 64 usage.
set -euo pipefail

CONF=${ENSEMBLE_RECORDING_CONF:-/etc/ensemble/recording-upload.conf}
PUBLISHED=${BBB_PUBLISHED_DIR:-/var/bigbluebutton/published}
STATE=${ENSEMBLE_STATE_DIR:-/var/lib/ensemble/recordings}
ATTEMPTS=${ENSEMBLE_UPLOAD_ATTEMPTS:-8}
# First wait in seconds, doubled per attempt up to 300: about 10 minutes in all, because BBB's
# publish worker waits for its post_publish scripts; longer outages are the timer's job.
BACKOFF=${ENSEMBLE_UPLOAD_BACKOFF_S:-5}

log() { printf 'ensemble-recording-upload: %s\n' "$*" >&2; }
usage() {
  log "usage: $0 -m <record id> -f <format> | --pending"
  exit 64
}

# KEY=value lines of the root-only config file; never sourced, never on a command line.
conf() { sed -n "s/^$1=//p" "$CONF" | tail -n 1; }
[ -r "$CONF" ] || { log "cannot read $CONF"; exit 2; }
URL=$(conf ENSEMBLE_URL)
TOKEN=$(conf ENSEMBLE_NODE_TOKEN)
URL=${URL%/}
[[ $TOKEN =~ ^[A-Za-z0-9._~-]{16,}$ ]] || { log "ENSEMBLE_NODE_TOKEN in $CONF is missing or malformed"; exit 2; }
# The token travels only over HTTPS (plain HTTP to this machine itself is for tests).
[[ $URL =~ ^https://[^/]+ || $URL =~ ^http://(127\.0\.0\.1|localhost)(:[0-9]+)?$ ]] ||
  { log "ENSEMBLE_URL in $CONF must be https://…"; exit 2; }

# RFC 9530 Content-Digest value of a file: sha-256=:<base64 of the raw digest>:
content_digest() {
  local hex
  hex=$(sha256sum "$1" | cut -d' ' -f1)
  printf 'sha-256=:%s:' "$(printf '%b' "$(sed 's/../\\x&/g' <<<"$hex")" | base64 -w0)"
}

# The same files always give the same bytes (sorted names, fixed owner and times, no gzip
# timestamp): a repeated upload carries the same digest, which Ensemble treats as a no-op.
archive() {
  tar --sort=name --format=gnu --owner=0 --group=0 --numeric-owner --mtime=@0 \
    -C "$PUBLISHED/$2" -cf - "$1" | gzip -n
}

# upload <record id> <format>: 0 handed over, 1 transient failure after retries, 2 refused.
upload() {
  local id=$1 format=$2 dir="$PUBLISHED/$2/$1"
  [[ $id =~ ^[0-9a-f]+-[0-9]+$ && $format =~ ^[a-z0-9_-]+$ ]] || { log "not a recording: -m '$id' -f '$format'"; return 2; }
  [ -f "$dir/metadata.xml" ] || { log "$dir/metadata.xml does not exist"; return 2; }
  mkdir -p "$STATE"
  chmod 700 "$STATE"
  # post_publish and the timer may meet: one upload of a format at a time.
  exec {lock}>"$STATE/$id-$format.lock"
  flock -n "$lock" || { log "$id/$format: another upload is running"; return 0; }
  local tmp resp digest status wait=$BACKOFF attempt
  tmp=$(mktemp "$STATE/.upload-XXXXXX")
  resp=$(mktemp "$STATE/.response-XXXXXX")
  archive "$id" "$format" >"$tmp"
  digest=$(content_digest "$tmp")
  for ((attempt = 1; attempt <= ATTEMPTS; attempt++)); do
    # The bearer token reaches curl on stdin (-K -), not in its argv where ps would show it.
    status=$(printf 'header = "Authorization: Bearer %s"\n' "$TOKEN" |
      curl -K - -sS -o "$resp" -w '%{http_code}' -T "$tmp" \
        -H 'Content-Type: application/gzip' -H "Content-Digest: $digest" \
        --connect-timeout 10 --max-time 3600 \
        "$URL/api/recordings/transfer/v1/$id/$format") || status=000
    case $status in
      200 | 201 | 204)
        printf '%s\n' "$digest" >"$STATE/$id-$format.done"
        log "$id/$format: handed over ($status, $(stat -c %s "$tmp") bytes, $digest)"
        rm -f "$tmp" "$resp"
        return 0
        ;;
      000 | 408 | 425 | 429 | 5??)
        log "$id/$format: attempt $attempt/$ATTEMPTS failed ($status); next in ${wait}s"
        ((attempt < ATTEMPTS)) && sleep "$wait"
        wait=$((wait * 2 > 300 ? 300 : wait * 2))
        ;;
      *)
        log "$id/$format: refused ($status): $(head -c 300 "$resp" | tr -d '\n')"
        rm -f "$tmp" "$resp"
        return 2
        ;;
    esac
  done
  rm -f "$tmp" "$resp"
  log "$id/$format: still pending after $ATTEMPTS attempts; the sync timer retries"
  return 1
}

# Every published format whose metadata.xml is newer than its last hand-over.
pending() {
  local worst=0 meta rest format id code
  shopt -s nullglob
  for meta in "$PUBLISHED"/*/*/metadata.xml; do
    rest=${meta#"$PUBLISHED"/}
    format=${rest%%/*}
    id=${rest#*/}
    id=${id%/metadata.xml}
    [ "$meta" -nt "$STATE/$id-$format.done" ] || continue
    code=0
    # A subshell per recording: its lock's file descriptor closes with it.
    (upload "$id" "$format") || code=$?
    ((code > worst)) && worst=$code
  done
  return "$worst"
}

if [ "${1:-}" = --pending ]; then
  [ $# -eq 1 ] || usage
  pending
  exit
fi
id='' format=''
while getopts 'm:f:' opt; do
  case $opt in
    m) id=$OPTARG ;;
    f) format=$OPTARG ;;
    *) usage ;;
  esac
done
[ -n "$id" ] && [ -n "$format" ] || usage
upload "$id" "$format"
