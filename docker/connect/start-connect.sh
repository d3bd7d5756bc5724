#!/usr/bin/env bash
# Entry point of the `connect` service: installs the Confluent JDBC source plugin and the MySQL JDBC
# driver into the plugin path (once per container; needs internet on first start), then runs the
# image's normal start script. The connector itself is created later through the REST API (:8083)
# from config/connector-config.json.
set -euo pipefail

JDBC_PLUGIN="${JDBC_PLUGIN:-confluentinc/kafka-connect-jdbc:10.7.4}"
MYSQL_DRIVER_VERSION="${MYSQL_DRIVER_VERSION:-8.3.0}"
COMPONENT_DIR="${COMPONENT_DIR:-/usr/share/confluent-hub-components}"
PLUGIN_DIR="$COMPONENT_DIR/confluentinc-kafka-connect-jdbc"
DRIVER_JAR="mysql-connector-j-${MYSQL_DRIVER_VERSION}.jar"
DRIVER_URL="https://repo1.maven.org/maven2/com/mysql/mysql-connector-j/${MYSQL_DRIVER_VERSION}/${DRIVER_JAR}"
CONNECT_RUN="${CONNECT_RUN:-/etc/confluent/docker/run}"

log() { echo "[start-connect] $*"; }

if [[ -d "$PLUGIN_DIR/lib" ]]; then
  log "JDBC plugin already installed in $PLUGIN_DIR"
else
  log "installing $JDBC_PLUGIN into $COMPONENT_DIR"
  confluent-hub install --no-prompt --component-dir "$COMPONENT_DIR" "$JDBC_PLUGIN"
fi

if [[ -f "$PLUGIN_DIR/lib/$DRIVER_JAR" ]]; then
  log "MySQL driver $DRIVER_JAR already present"
else
  log "fetching $DRIVER_URL"
  curl -fsSL --retry 5 --retry-delay 3 -o "$PLUGIN_DIR/lib/$DRIVER_JAR.part" "$DRIVER_URL"
  mv "$PLUGIN_DIR/lib/$DRIVER_JAR.part" "$PLUGIN_DIR/lib/$DRIVER_JAR"
fi

exec "$CONNECT_RUN"
