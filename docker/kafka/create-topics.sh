#!/usr/bin/env bash
# Create the pipeline's topics on the compose cluster, idempotently (run by the one-shot `kafka-init`
# service of docker-compose.yml; safe to run again by hand: existing topics are checked, not recreated).
#
# Environment (defaults match config/):
#   BOOTSTRAP_SERVERS   in-network listeners, default kafka1:29092,kafka2:29092,kafka3:29092
#   EXPECTED_BROKERS    brokers that must be up before creating anything, default 3
#   PARTITIONS          default 5
#   REPLICATION_FACTOR  default 3
#   TOPICS              space-separated topic names, default the nine below (config/ allTopics order)
#   WAIT_SECONDS        how long to wait for the brokers, default 180
set -euo pipefail

BOOTSTRAP_SERVERS="${BOOTSTRAP_SERVERS:-kafka1:29092,kafka2:29092,kafka3:29092}"
EXPECTED_BROKERS="${EXPECTED_BROKERS:-3}"
PARTITIONS="${PARTITIONS:-5}"
REPLICATION_FACTOR="${REPLICATION_FACTOR:-3}"
WAIT_SECONDS="${WAIT_SECONDS:-180}"

DEFAULT_TOPICS=(
  topic1_PageView
  topic2_UserSession
  topic3_Users
  topic4
  topic5
  topic6
  topic7
  topic8
  topic8_pinot
)
if [[ -n "${TOPICS:-}" ]]; then
  read -r -a TOPIC_LIST <<< "$TOPICS"
else
  TOPIC_LIST=("${DEFAULT_TOPICS[@]}")
fi

log() { echo "[create-topics] $*"; }

# Wait until the cluster answers and every expected broker has registered.
deadline=$(( $(date +%s) + WAIT_SECONDS ))
while :; do
  brokers=$(kafka-broker-api-versions --bootstrap-server "$BOOTSTRAP_SERVERS" 2>/dev/null | grep -c '(id:' || true)
  if [[ "$brokers" -ge "$EXPECTED_BROKERS" ]]; then
    log "cluster is up: $brokers brokers"
    break
  fi
  if [[ $(date +%s) -ge $deadline ]]; then
    log "ERROR: only $brokers of $EXPECTED_BROKERS brokers answered on $BOOTSTRAP_SERVERS after ${WAIT_SECONDS}s"
    exit 1
  fi
  log "waiting for brokers ($brokers of $EXPECTED_BROKERS up)"
  sleep 3
done

existing=$(kafka-topics --bootstrap-server "$BOOTSTRAP_SERVERS" --list)
created=0
failed=0
for topic in "${TOPIC_LIST[@]}"; do
  if grep -qx -- "$topic" <<< "$existing"; then
    # Exists already: check that it has the shape the pipeline needs (joins need equal partition counts).
    summary=$(kafka-topics --bootstrap-server "$BOOTSTRAP_SERVERS" --describe --topic "$topic" | head -n 1)
    have_partitions=$(sed -n 's/.*PartitionCount: *\([0-9]*\).*/\1/p' <<< "$summary")
    have_rf=$(sed -n 's/.*ReplicationFactor: *\([0-9]*\).*/\1/p' <<< "$summary")
    if [[ "$have_partitions" != "$PARTITIONS" || "$have_rf" != "$REPLICATION_FACTOR" ]]; then
      log "ERROR: $topic exists with $have_partitions partitions, RF $have_rf; expected $PARTITIONS, RF $REPLICATION_FACTOR"
      failed=$(( failed + 1 ))
    else
      log "$topic exists ($have_partitions partitions, RF $have_rf), unchanged"
    fi
  else
    log "creating $topic ($PARTITIONS partitions, RF $REPLICATION_FACTOR)"
    kafka-topics --bootstrap-server "$BOOTSTRAP_SERVERS" --create --if-not-exists \
      --topic "$topic" --partitions "$PARTITIONS" --replication-factor "$REPLICATION_FACTOR"
    created=$(( created + 1 ))
  fi
done

if [[ $failed -gt 0 ]]; then
  log "$failed topic(s) have the wrong shape; delete them (kafka-topics --delete) and run again"
  exit 1
fi
if [[ $created -eq 0 ]]; then
  log "all ${#TOPIC_LIST[@]} topics already exist; nothing changed"
else
  log "created $created topic(s); ${#TOPIC_LIST[@]} in place"
fi
