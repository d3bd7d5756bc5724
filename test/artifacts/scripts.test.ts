/**
 * The scripts and SQL under docker/: create-topics.sh and start-connect.sh run here against stub
 * commands (the real Kafka tools and confluent-hub live only in the images), init.sql runs on the
 * test MariaDB, and the connector config is checked against config/ and the Users table.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { allTopics, loadConfig } from '../../config/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/mariadb.ts';
import { loadCompose, readRepoFile, repoPath, serviceEnv } from './helpers.ts';

const config = loadConfig({});
const connector = JSON.parse(readRepoFile('config/connector-config.json')) as { name: string; config: Record<string, string> };
const tempDirs: string[] = [];

afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(label: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `artifacts-${label}-`));
  tempDirs.push(dir);
  return dir;
}

function writeStub(dir: string, name: string, body: string): void {
  const file = path.join(dir, name);
  writeFileSync(file, `#!/usr/bin/env bash\n${body}\n`);
  chmodSync(file, 0o755);
}

function runBash(script: string, env: Record<string, string>): { status: number | null; out: string } {
  const result = spawnSync('bash', [script], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

/** The Users columns of the brief, in order, as MySQL reports them. */
const USERS_COLUMNS = [
  { name: 'user_id', type: 'int unsigned', key: 'PRI', extra: 'auto_increment', nullable: 'NO' },
  { name: 'age', type: 'int', key: '', extra: '', nullable: 'YES' },
  { name: 'gender', type: 'varchar(10)', key: '', extra: '', nullable: 'YES' },
  { name: 'country', type: 'varchar(200)', key: '', extra: '', nullable: 'YES' },
  { name: 'subscription', type: 'varchar(20)', key: '', extra: '', nullable: 'YES' },
];

describe('docker/kafka/create-topics.sh', () => {
  const script = repoPath('docker/kafka/create-topics.sh');
  const text = readFileSync(script, 'utf8');

  it('lists exactly the config topics, in pipeline order, with the config partitions and RF', () => {
    const list = /DEFAULT_TOPICS=\(([\s\S]*?)\)/.exec(text)![1]!.split(/\s+/).filter(Boolean);
    expect(list).toEqual(allTopics(config.topics));
    expect(/PARTITIONS="\$\{PARTITIONS:-(\d+)\}"/.exec(text)![1]).toBe(String(config.kafka.partitions));
    expect(/REPLICATION_FACTOR="\$\{REPLICATION_FACTOR:-(\d+)\}"/.exec(text)![1]).toBe(String(config.kafka.replicationFactor));
    const initEnv = serviceEnv(loadCompose().services['kafka-init']!);
    expect(Number(initEnv.PARTITIONS)).toBe(config.kafka.partitions);
    expect(Number(initEnv.REPLICATION_FACTOR)).toBe(config.kafka.replicationFactor);
    expect(Number(initEnv.EXPECTED_BROKERS)).toBe(config.kafka.brokerCount);
  });

  /** Stub kafka-topics / kafka-broker-api-versions over a state file of "topic partitions rf" lines. */
  function stubKafka(brokersUp = 3): { bin: string; state: string; calls: string } {
    const dir = tempDir('kafka');
    const state = path.join(dir, 'topics.txt');
    const calls = path.join(dir, 'calls.txt');
    writeFileSync(state, '');
    writeStub(dir, 'kafka-broker-api-versions', `for i in $(seq 1 ${brokersUp}); do echo "kafka$i:29092 (id: $i rack: null) -> ("; done`);
    writeStub(
      dir,
      'kafka-topics',
      [
        `echo "$*" >> "${calls}"`,
        'args=("$@"); topic=""; partitions=""; rf=""; action=""',
        'for ((i = 0; i < ${#args[@]}; i++)); do',
        '  case "${args[$i]}" in',
        '    --list) action=list ;; --create) action=create ;; --describe) action=describe ;;',
        '    --topic) topic="${args[$((i + 1))]}" ;; --partitions) partitions="${args[$((i + 1))]}" ;;',
        '    --replication-factor) rf="${args[$((i + 1))]}" ;;',
        '  esac',
        'done',
        `case "$action" in`,
        `  list) cut -d' ' -f1 "${state}" ;;`,
        `  create) grep -q "^$topic " "${state}" || echo "$topic $partitions $rf" >> "${state}" ;;`,
        `  describe) line=$(grep "^$topic " "${state}"); set -- $line; printf 'Topic: %s\\tTopicId: x\\tPartitionCount: %s\\tReplicationFactor: %s\\tConfigs: \\n' "$1" "$2" "$3" ;;`,
        'esac',
      ].join('\n'),
    );
    return { bin: dir, state, calls };
  }

  it('creates every missing topic with the requested shape, then changes nothing on a second run', () => {
    const kafka = stubKafka();
    const env = { PATH: `${kafka.bin}:${process.env.PATH}` };
    const first = runBash(script, env);
    expect(first.status, first.out).toBe(0);
    expect(first.out).toContain(`created ${allTopics(config.topics).length} topic(s)`);
    const topics = readFileSync(kafka.state, 'utf8').trim().split('\n');
    expect(topics).toEqual(allTopics(config.topics).map((t) => `${t} 5 3`));
    expect(readFileSync(kafka.calls, 'utf8')).toContain('--bootstrap-server kafka1:29092,kafka2:29092,kafka3:29092');

    const second = runBash(script, env);
    expect(second.status, second.out).toBe(0);
    expect(second.out).toContain(`all ${allTopics(config.topics).length} topics already exist; nothing changed`);
    expect(readFileSync(kafka.state, 'utf8').trim().split('\n')).toEqual(topics);
  });

  it('fails, naming the topic, when an existing topic has the wrong partition count', () => {
    const kafka = stubKafka();
    writeFileSync(kafka.state, 'topic5 1 3\n');
    const result = runBash(script, { PATH: `${kafka.bin}:${process.env.PATH}` });
    expect(result.status).toBe(1);
    expect(result.out).toContain('topic5 exists with 1 partitions, RF 3; expected 5, RF 3');
  });

  it('honours TOPICS, PARTITIONS and REPLICATION_FACTOR overrides', () => {
    const kafka = stubKafka();
    const result = runBash(script, { PATH: `${kafka.bin}:${process.env.PATH}`, TOPICS: 'a b', PARTITIONS: '2', REPLICATION_FACTOR: '1' });
    expect(result.status, result.out).toBe(0);
    expect(readFileSync(kafka.state, 'utf8').trim().split('\n')).toEqual(['a 2 1', 'b 2 1']);
  });

  it('gives up with a clear message when the brokers do not all come up', () => {
    const kafka = stubKafka(2);
    const result = runBash(script, { PATH: `${kafka.bin}:${process.env.PATH}`, WAIT_SECONDS: '0' });
    expect(result.status).toBe(1);
    expect(result.out).toContain('only 2 of 3 brokers answered');
  });
});

describe('docker/connect/start-connect.sh', () => {
  const script = repoPath('docker/connect/start-connect.sh');

  function stubs(): { bin: string; components: string; log: string } {
    const dir = tempDir('connect');
    const components = path.join(dir, 'components');
    mkdirSync(components);
    const log = path.join(dir, 'log.txt');
    writeStub(
      dir,
      'confluent-hub',
      [
        `echo "confluent-hub $*" >> "${log}"`,
        'while [[ $# -gt 0 ]]; do case "$1" in --component-dir) dir="$2"; shift 2 ;; *) last="$1"; shift ;; esac; done',
        'name="${last%%:*}"; mkdir -p "$dir/${name/\\//-}/lib"',
      ].join('\n'),
    );
    writeStub(
      dir,
      'curl',
      [`echo "curl $*" >> "${log}"`, 'while [[ $# -gt 0 ]]; do case "$1" in -o) out="$2"; shift 2 ;; *) shift ;; esac; done', 'echo jar > "$out"'].join('\n'),
    );
    writeStub(dir, 'fake-run', `echo "run" >> "${log}"`);
    return { bin: dir, components, log };
  }

  it('installs the JDBC plugin and the MySQL driver into the plugin path once, then starts the worker', () => {
    const s = stubs();
    const connectEnv = serviceEnv(loadCompose().services.connect!);
    const env = {
      PATH: `${s.bin}:${process.env.PATH}`,
      COMPONENT_DIR: s.components,
      CONNECT_RUN: path.join(s.bin, 'fake-run'),
      JDBC_PLUGIN: connectEnv.JDBC_PLUGIN!,
      MYSQL_DRIVER_VERSION: connectEnv.MYSQL_DRIVER_VERSION!,
    };
    const first = runBash(script, env);
    expect(first.status, first.out).toBe(0);
    const driver = `mysql-connector-j-${connectEnv.MYSQL_DRIVER_VERSION}.jar`;
    expect(existsSync(path.join(s.components, 'confluentinc-kafka-connect-jdbc', 'lib', driver))).toBe(true);
    let log = readFileSync(s.log, 'utf8').trim().split('\n');
    expect(log[0]).toBe(`confluent-hub install --no-prompt --component-dir ${s.components} ${connectEnv.JDBC_PLUGIN}`);
    expect(log[1]).toContain(`https://repo1.maven.org/maven2/com/mysql/mysql-connector-j/${connectEnv.MYSQL_DRIVER_VERSION}/${driver}`);
    expect(log[2]).toBe('run');

    const second = runBash(script, env);
    expect(second.status, second.out).toBe(0);
    log = readFileSync(s.log, 'utf8').trim().split('\n');
    expect(log.slice(3)).toEqual(['run']);
    expect(second.out).toContain('already installed');
  });

  it('installs where the worker looks for plugins', () => {
    const text = readFileSync(script, 'utf8');
    const defaultDir = /COMPONENT_DIR="\$\{COMPONENT_DIR:-([^}]+)\}"/.exec(text)![1]!;
    const pluginPath = serviceEnv(loadCompose().services.connect!).CONNECT_PLUGIN_PATH!.split(',');
    expect(pluginPath).toContain(defaultDir);
    expect(text).toMatch(/exec "\$CONNECT_RUN"/);
    expect(text).toContain('CONNECT_RUN="${CONNECT_RUN:-/etc/confluent/docker/run}"');
  });
});

describe('config/connector-config.json against the stack', () => {
  it('writes the users topic: topic.prefix + table = config.topics.users', () => {
    expect(connector.config['topic.prefix']! + connector.config['table.whitelist']!).toBe(config.topics.users);
    expect(connector.config['table.whitelist']).toBe(config.mysql.table);
  });

  it('keys records by user_id as a JSON number, values as JSON without schemas (what USERS reads)', () => {
    const c = connector.config;
    expect(c.mode).toBe('incrementing');
    expect(c['incrementing.column.name']).toBe('user_id');
    expect(c['key.converter']).toBe('org.apache.kafka.connect.json.JsonConverter');
    expect(c['key.converter.schemas.enable']).toBe('false');
    expect(c['value.converter']).toBe('org.apache.kafka.connect.json.JsonConverter');
    expect(c['value.converter.schemas.enable']).toBe('false');
    expect(c['transforms.createKey.fields']).toBe('user_id');
    expect(c['transforms.extractKey.field']).toBe('user_id');
  });
});

describe('docker/mysql/init.sql', () => {
  const sql = readRepoFile('docker/mysql/init.sql');

  it('creates demo.Users with exactly the columns of the brief, and never drops it', () => {
    expect(sql).toMatch(new RegExp(`CREATE DATABASE IF NOT EXISTS ${config.mysql.database};`));
    expect(sql).toMatch(new RegExp(`USE ${config.mysql.database};`));
    expect(sql).toMatch(new RegExp(`CREATE TABLE IF NOT EXISTS ${config.mysql.table} \\(`));
    expect(sql).not.toMatch(/\bDROP\b/i);
    expect(sql).not.toMatch(/\bTRUNCATE\b|\bDELETE\b/i);
    const body = /CREATE TABLE IF NOT EXISTS Users \(([\s\S]*?)\n\);/.exec(sql)![1]!;
    const lines = body
      .split('\n')
      .map((l) => l.trim().replace(/,$/, ''))
      .filter(Boolean);
    expect(lines).toEqual([
      'user_id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY',
      'age INT',
      'gender VARCHAR(10)',
      'country VARCHAR(200)',
      'subscription VARCHAR(20)',
    ]);
  });

  describe('run on a real server', () => {
    let db: TestDatabase;
    let connection: mysql.Connection;
    const forDb = (name: string): string => sql.replace(/\bdemo\b/g, `\`${name}\``);

    beforeAll(async () => {
      db = await createTestDatabase(inject('mysqlUrl'), 'initsql');
      connection = await mysql.createConnection({ uri: db.url, multipleStatements: true });
    });

    afterAll(async () => {
      await connection?.end();
      await db?.drop();
    });

    it('creates the table with the brief columns, and a second run keeps the rows', async () => {
      await connection.query(forDb(db.name));
      const [columns] = await connection.query(
        `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, COLUMN_KEY AS \`key\`, EXTRA AS extra, IS_NULLABLE AS nullable
           FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'Users' ORDER BY ORDINAL_POSITION`,
        [db.name],
      );
      expect((columns as Record<string, string>[]).map((c) => ({ ...c, type: c.type!.replace(/int\(\d+\)/, 'int') }))).toEqual(USERS_COLUMNS);

      await connection.query(`INSERT INTO \`${db.name}\`.Users (age, gender, country, subscription) VALUES (30, 'f', 'Chile', 'Gold')`);
      await connection.query(forDb(db.name));
      const [rows] = await connection.query(`SELECT user_id, country FROM \`${db.name}\`.Users`);
      expect(rows).toEqual([{ user_id: 1, country: 'Chile' }]);
    });
  });
});
