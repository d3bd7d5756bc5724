#!/bin/sh
# init.sh: one command to a running analytics stack (the PageView pipeline, or SCENARIO=<name>).
# Uses Docker Compose when a Docker engine answers (or STACK=docker), otherwise the embedded stack;
# STACK=external uses clusters of your own and starts none of its own.
set -eu

cd "$(dirname "$0")"

# The producers' default rate lives in config/index.ts (DEFAULT_PRODUCER_RATE); read it, do not repeat it.
default_rate=$(sed -n 's/^export const DEFAULT_PRODUCER_RATE = \([0-9][0-9]*\);.*/\1/p' config/index.ts)
: "${default_rate:?init.sh: no DEFAULT_PRODUCER_RATE in config/index.ts; restore that line (export const DEFAULT_PRODUCER_RATE = <n>;)}"

usage() {
  cat <<TXT
Usage: sh init.sh [--help]

Brings up the whole analytics stack and fills it with data (the PageView pipeline unless
SCENARIO names another: pageview, clickstream, course-activity, stay-categories):
  1. installs npm dependencies if node_modules is missing (npm ci);
  2. if a Docker engine answers (or STACK=docker): docker compose up -d, waits for every
     health check, runs the bootstrap (topics, Users table, connector, ksql statements,
     Pinot tables) and starts the producers;
     otherwise (or STACK=embedded): runs the embedded stack in this terminal (npm start),
     which does the same in one Node.js process, with no Docker and no JVM;
     with STACK=external: starts no server; checks every endpoint once (one line per service
     that cannot be reached or refuses the credentials, and stops), runs the bootstrap against
     them, and starts the producers, the session feed and the dashboard in the background;
  3. prints every URL.
Running it again is safe: the bootstrap reports what already exists and changes nothing.

Environment: STACK=auto|docker|embedded|external (default auto), SCENARIO (default pageview; a folder of
scenarios/), DATA_DIR (embedded mode: each scenario keeps its data in DATA_DIR/<scenario>, default
.data/<scenario>; start one over with: npm start -- --scenario <name> --reset),
PRODUCER_RATE (events/s per generator, default $default_rate), and every variable of config/.
External mode: KAFKA_BOOTSTRAP_SERVERS, KAFKA_SECURITY_PROTOCOL (PLAINTEXT|SSL|SASL_PLAINTEXT|
SASL_SSL), KAFKA_SASL_MECHANISM (PLAIN|SCRAM-SHA-256|SCRAM-SHA-512), KAFKA_SASL_USERNAME,
KAFKA_SASL_PASSWORD, KAFKA_SSL_CA_FILE, KAFKA_SSL_CERT_FILE, KAFKA_SSL_KEY_FILE, KAFKA_SSL_VERIFY,
CONNECT_URL, DEBEZIUM_CONNECT_URL, CONNECT_BASIC_AUTH_USER/_PASSWORD, KSQLDB_URL,
KSQLDB_BASIC_AUTH_USER/_PASSWORD, PINOT_CONTROLLER_URL, PINOT_BROKER_URL, PINOT_AUTH_TOKEN or
PINOT_BASIC_AUTH_USER/_PASSWORD, MYSQL_URL, CONNECT_MYSQL_URL, PINOT_KAFKA_BROKER_LIST (README).
Passwords and tokens are never printed.
TXT
}

case "${1:-}" in
  -h|--help) usage; exit 0 ;;
  "") ;;
  *) echo "init.sh: unknown option '$1'; see --help" >&2; exit 2 ;;
esac

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "init.sh: Node.js 20+ and npm are needed (https://nodejs.org); install them and run again" >&2
  exit 2
fi

if [ ! -d node_modules ]; then
  echo "init.sh: installing npm dependencies (npm ci)..."
  npm ci --no-audit --no-fund
fi

scenario="${SCENARIO:-pageview}"
if [ ! -f "scenarios/$scenario/index.ts" ]; then
  echo "init.sh: unknown SCENARIO '$scenario'; choose one of: $(ls -d scenarios/*/ | xargs -n1 basename | tr '\n' ' ')" >&2
  exit 2
fi
export SCENARIO="$scenario"

mode="${STACK:-auto}"
if [ "$mode" = auto ]; then
  if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then mode=docker; else mode=embedded; fi
fi

# Bootstraps the scenario against the services of mode $1 (docker or external), then starts its producers in
# the background at PRODUCER_RATE (the PageView pipeline: 10000 users first, then sessions and page views).
bootstrap_and_produce() {
  npm run --silent bootstrap -- --mode "$1" --scenario "$scenario"
  rate="${PRODUCER_RATE:-$default_rate}"
  echo "init.sh: starting the producers in the background at $rate events/s per generator (log: producers.log)"
  if [ "$scenario" = pageview ]; then
    nohup sh -c "npm run --silent produce -- users --count 10000 && \
      { npm run --silent produce -- sessions --count 0 --rate $rate & npm run --silent produce -- pageviews --count 0 --rate $rate; }" \
      > producers.log 2>&1 &
  else
    nohup npm run --silent scenario -- "$scenario" --mode "$1" --rate "$rate" > producers.log 2>&1 &
  fi
}

case "$mode" in
  embedded)
    echo "init.sh: no Docker engine in use; starting the embedded stack (Ctrl-C stops it)"
    exec npm start
    ;;
  docker)
    echo "init.sh: starting the distributed stack with Docker Compose"
    services="kafka1 kafka2 kafka3 mysql-server connect ksqldb-server pinot-controller pinot-broker pinot-server"
    # A scenario that needs more services has a compose profile of its name (course-activity: Debezium's Connect).
    if grep -q "profiles: \[\"$scenario\"\]" docker-compose.yml; then
      docker compose --profile "$scenario" up -d
      services="$services $(grep -B6 "profiles: \[\"$scenario\"\]" docker-compose.yml | sed -n 's/^  \([a-z0-9-]*\):$/\1/p' | tr '\n' ' ')"
    else
      docker compose up -d
    fi
    for service in $services; do
      printf 'init.sh: waiting for %s to be healthy' "$service"
      tries=0
      while :; do
        id=$(docker compose ps -q "$service")
        status=$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$id" 2>/dev/null || echo starting)
        [ "$status" = healthy ] || [ "$status" = running ] && break
        tries=$((tries + 1))
        if [ "$tries" -gt 180 ]; then
          echo; echo "init.sh: $service is not healthy after 6 minutes (status: $status); see: docker compose logs $service" >&2
          exit 1
        fi
        printf '.'
        sleep 2
      done
      echo " ok"
    done
    bootstrap_and_produce docker
    npm run --silent bootstrap -- --mode docker --urls
    ;;
  external)
    echo "init.sh: using the external services named by the environment (nothing is started here)"
    # The bootstrap checks every endpoint once, then creates what is missing; it stops here if an endpoint fails.
    bootstrap_and_produce external
    echo "init.sh: starting the session feed (log: session-feed.log) and the dashboard (log: dashboard.log) in the background"
    nohup npm run --silent session-feed -- --scenario "$scenario" > session-feed.log 2>&1 &
    nohup npm run --silent dashboard > dashboard.log 2>&1 &
    npm run --silent bootstrap -- --mode external --urls
    ;;
  *)
    echo "init.sh: STACK must be auto, docker, embedded or external, got '$mode'" >&2
    exit 2
    ;;
esac
