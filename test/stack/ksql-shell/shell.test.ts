/**
 * `npm run ksql` against the embedded ksqlDB server, through a pseudo-terminal as a person uses it: a
 * statement over several lines (with a ';' inside quotes), a pull query's table, a push query ended by
 * Ctrl-C and the shell going on, Ctrl-C at the prompt dropping an unfinished statement, SET
 * 'auto.offset.reset'='earliest' taking effect, history recalled by the up arrow in a later session; and
 * for scripts, -e, -f and stdin with their exit codes and the server's message, basic auth, and one
 * line naming the URL when nothing answers there.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Partitioners, type Producer } from 'kafkajs';
import type { KafkaCluster } from '../../../embedded/kafka/index.ts';
import { startKsqlDb, type KsqlDbHandle } from '../../../embedded/ksqldb/index.ts';
import { kafkaClient, run, startTestCluster, tempDir } from '../../support/kafka.ts';
import { KEYS, PtySession } from '../../support/pty.ts';
import { caughtUp, postJson } from '../../ksqldb/pipeline-support.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = path.join(ROOT, 'stack/ksql-shell/cli.ts');
const PROMPT = 'ksql> ';

/** The rows of a query's table in `text`: the first cell of each `|…|` line after the header. */
function firstCells(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .map((l) => l.split('|')[1]!.trim());
}

describe('npm run ksql, the ksql shell', () => {
  let cluster: KafkaCluster;
  let server: KsqlDbHandle;
  let producer: Producer;
  let home: string;
  let env: NodeJS.ProcessEnv;

  const shell = (...args: string[]) => new PtySession(process.execPath, ['--import', 'tsx', CLI, server.url, ...args], { env, cwd: ROOT, columns: 100 });
  const oneShot = (...args: string[]) => run(process.execPath, ['--import', 'tsx', CLI, ...args], undefined, 60_000);

  beforeAll(async () => {
    cluster = await startTestCluster({ brokers: 1 });
    server = await startKsqlDb({ port: 0, bootstrap: cluster.bootstrap() });
    const r = await postJson(`${server.url}/ksql`, {
      ksql:
        "CREATE STREAM HITS (ID INT KEY, PAGE VARCHAR) WITH (KAFKA_TOPIC='hits', KEY_FORMAT='JSON', VALUE_FORMAT='JSON', PARTITIONS=1);" +
        'CREATE TABLE PER_PAGE AS SELECT PAGE, COUNT(*) AS N FROM HITS GROUP BY PAGE;',
      streamsProperties: { 'auto.offset.reset': 'earliest' },
    });
    expect(r.status, r.text).toBe(200);
    producer = kafkaClient(cluster).producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic: 'hits', messages: ['a', 'b', 'a'].map((page, i) => ({ key: String(i), value: JSON.stringify({ page }) })) });
    await caughtUp(server);
    home = tempDir('ksql-shell-home');
    env = { ...process.env, HOME: home, KSQL_HISTORY_FILE: path.join(home, 'history'), KSQLDB_URL: undefined };
  });

  afterAll(async () => {
    await producer?.disconnect();
    await server?.stop();
    await cluster?.stop();
  });

  it('runs multi-line statements, pull and push queries, Ctrl-C and SET in one session, and recalls history in the next', async () => {
    const session = shell();
    try {
      await session.waitFor(PROMPT);

      // a push query from the latest offset: only rows produced after it started, until Ctrl-C
      let mark = session.mark();
      session.type(`SELECT PAGE FROM HITS EMIT CHANGES;${KEYS.enter}`);
      const header = await session.waitFor(/\|PAGE\s+\|\n\+-+\+\n/, mark);
      let live = 0;
      const shown = async () => {
        await producer.send({ topic: 'hits', messages: [{ key: String(100 + live), value: JSON.stringify({ page: `live-${live++}` }) }] });
        return session.waitFor('|live-', header, 500).then(
          () => true,
          () => false,
        );
      };
      while (!(await shown())) expect(live).toBeLessThan(40);
      session.type(KEYS.ctrlC);
      const terminated = await session.waitFor('Query terminated', header);
      expect(firstCells(session.screen().slice(header, terminated)).every((page) => page.startsWith('live-'))).toBe(true);
      await session.waitFor(PROMPT, terminated);

      // Ctrl-C at the prompt drops the unfinished statement: its second line alone is what runs next
      mark = session.mark();
      session.type(`SHOW${KEYS.enter}`);
      await session.waitFor(/\n>$/, mark);
      session.type(KEYS.ctrlC);
      await session.waitFor(`^C\n${PROMPT}`, mark);
      session.type(`TABLES;${KEYS.enter}`);
      const refused = await session.waitFor(/Syntax Error[^]*ksql> $/, mark);
      expect(session.screen().slice(mark, refused)).not.toMatch(/Table Name/);

      // a statement over two lines holding a ';' inside its quotes is sent whole, after its last line
      mark = session.mark();
      session.type(`INSERT INTO HITS (ID, PAGE) VALUES (7,${KEYS.enter}`);
      await session.waitFor(/\n>$/, mark);
      session.type(`'semi;colon');${KEYS.enter}`);
      await session.waitFor(PROMPT, mark);

      // SET earliest is sent with the next query: it starts from the stream's first row
      mark = session.mark();
      session.type(`SET 'auto.offset.reset'='earliest';${KEYS.enter}`);
      await session.waitFor("Successfully changed local property 'auto.offset.reset' to 'earliest'.", mark);
      mark = session.mark();
      session.type(`SELECT PAGE FROM HITS EMIT CHANGES;${KEYS.enter}`);
      await session.waitFor('|semi;colon', mark);
      session.type(KEYS.ctrlC);
      const ended = await session.waitFor('Query terminated', mark);
      expect(firstCells(session.screen().slice(mark, ended)).slice(1, 4)).toEqual(['a', 'b', 'a']);
      await session.waitFor(PROMPT, ended);

      // a pull query over two lines: its table, then the prompt again
      mark = session.mark();
      session.type(`SELECT PAGE, N FROM PER_PAGE${KEYS.enter}`);
      await session.waitFor(/\n>$/, mark);
      session.type(`WHERE PAGE = 'a';${KEYS.enter}`);
      const pulled = await session.waitFor('Query terminated', mark);
      expect(session.screen().slice(mark, pulled)).toMatch(/\+-+\+-+\+\n\|PAGE +\|N +\|\n\+-+\+-+\+\n\|a +\|2 +\|\n/);
      await session.waitFor(PROMPT, pulled);

      mark = session.mark();
      session.type(KEYS.ctrlD);
      await session.waitFor('Exiting the ksql shell.', mark);
      expect(await session.exited).toBe(0);
    } finally {
      await session.close();
    }

    // the history file keeps the two-line statement as one entry, and the up arrow brings it back
    expect(fs.readFileSync(path.join(home, 'history'), 'utf8').trim().split('\n').at(-1)).toBe("SELECT PAGE, N FROM PER_PAGE WHERE PAGE = 'a';");
    const next = shell();
    try {
      await next.waitFor(PROMPT);
      const mark = next.mark();
      next.type(KEYS.up);
      await next.waitFor("SELECT PAGE, N FROM PER_PAGE WHERE PAGE = 'a';", mark);
      next.type(KEYS.enter);
      const pulled = await next.waitFor('Query terminated', mark);
      expect(next.screen().slice(mark, pulled)).toMatch(/\|a +\|2 +\|/);
      next.type(`exit${KEYS.enter}`);
      expect(await next.exited).toBe(0);
    } finally {
      await next.close();
    }
  });

  it('-e (and statements on stdin, with DEFINE variables substituted) run in order and exit 0, or 1 with the server message at the first refused one', async () => {
    const help = await oneShot('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/-e, --execute TEXT/);
    expect(help.stdout).toMatch(/-f, --file FILE/);

    const ok = await oneShot(server.url, '-e', "SHOW TABLES; DEFINE page = 'b'; SHOW VARIABLES; SELECT PAGE, N FROM PER_PAGE WHERE PAGE = '${page}';");
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/ PER_PAGE +\| PER_PAGE +\| JSON +\| JSON +\| false +\n/);
    expect(ok.stdout).toMatch(/ Variable Name \| Value \n-+\n page +\| b +\n/);
    expect(ok.stdout).toMatch(/\|b +\|1 +\|\nQuery terminated\n/);

    const explained = await oneShot(server.url, '-e', 'EXPLAIN CTAS_PER_PAGE_0;');
    expect(explained.code, explained.stderr).toBe(0);
    expect(explained.stdout).toContain(
      [
        'ID                   : CTAS_PER_PAGE_0',
        'Query Type           : PERSISTENT',
        'SQL                  : CREATE TABLE PER_PAGE AS SELECT PAGE, COUNT(*) AS N FROM HITS GROUP BY PAGE;',
        '',
        ' Field | Type                   ',
        '--------------------------------',
        ' PAGE  | VARCHAR(STRING)  (key) ',
      ].join('\n'),
    );
    // the engine's plan and topology, under the CLI's headings
    expect(explained.stdout).toContain(
      'Execution plan\n--------------\n > [ SINK ] | Schema: PAGE STRING KEY, N BIGINT | Logger: CTAS_PER_PAGE_0.PER_PAGE\n\t\t > [ PROJECT ] | Schema: PAGE STRING KEY, N BIGINT | Logger: CTAS_PER_PAGE_0.Aggregate.Project\n',
    );
    expect(explained.stdout).toMatch(
      /Processing topology\n-------------------\nTopologies:\n   Sub-topology: 0\n    Source: KSTREAM-SOURCE-0000000000 \(topics: \[hits\]\)\n/,
    );

    const extended = await oneShot(server.url, '-e', 'DESCRIBE PER_PAGE EXTENDED;');
    expect(extended.code, extended.stderr).toBe(0);
    expect(extended.stdout).toMatch(/Kafka topic +: PER_PAGE \(partitions: 1, replication: 1\)\n/);
    expect(extended.stdout).toMatch(/Consumer Groups summary:\n\nConsumer Group +: _confluent-ksql-\S+\n\nKafka topic +: hits\nMax lag +: \d+\n/);
    expect(extended.stdout).toMatch(/ Partition \| Start Offset \| End Offset \| Offset \| Lag \n-+\n 0 +\| 0 +\| \d+ +\| \d+ +\| \d+ +\n/);

    const piped = await run(
      process.execPath,
      ['--import', 'tsx', CLI, server.url],
      "SELECT PAGE, N FROM PER_PAGE\n  WHERE PAGE = 'b';\nDROP STREAM NOPE;\n",
      60_000,
    );
    expect(piped.code).toBe(1);
    expect(piped.stdout).toMatch(/\|b +\|1 +\|\nQuery terminated\n/);
    expect(piped.stderr).toMatch(/NOPE does not exist/);

    const refused = await oneShot(server.url, '-e', 'SELECT * FROM NOPE EMIT CHANGES; SHOW STREAMS;');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/NOPE/);
    expect(refused.stdout).not.toMatch(/Stream Name/);
  });

  it('-f runs a file (SET and RUN SCRIPT included) and exits 0, or 1 at its first error', async () => {
    const dir = tempDir('ksql-shell-scripts');
    fs.writeFileSync(path.join(dir, 'inner.sql'), 'SHOW STREAMS;\n');
    fs.writeFileSync(
      path.join(dir, 'good.sql'),
      [
        '-- the first two rows of the stream',
        "SET 'auto.offset.reset'='earliest';",
        'SELECT PAGE FROM HITS',
        '  EMIT CHANGES LIMIT 2;',
        `RUN SCRIPT '${path.join(dir, 'inner.sql')}';`,
      ].join('\n'),
    );
    const good = await oneShot(server.url, '-f', path.join(dir, 'good.sql'));
    expect(good.code, good.stderr).toBe(0);
    expect(firstCells(good.stdout)).toEqual(['PAGE', 'a', 'b']);
    expect(good.stdout).toMatch(/ HITS +\| hits +\| JSON +\| JSON +\| false/);

    fs.writeFileSync(path.join(dir, 'bad.sql'), 'DROP STREAM NOPE;\nSHOW STREAMS;\n');
    const bad = await oneShot(server.url, '-f', path.join(dir, 'bad.sql'));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/NOPE does not exist/);
    expect(bad.stdout).not.toMatch(/Stream Name/);
  });

  it('says in one line which URL does not answer and how to start the stack', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(free));
      });
    });
    const down = await oneShot(`http://127.0.0.1:${port}`, '-e', 'SHOW STREAMS;');
    expect(down.code).toBe(1);
    expect(down.stdout).toBe('');
    expect(down.stderr.trim().split('\n')).toEqual([
      `ksql: cannot reach ksqlDB at http://127.0.0.1:${port} (connection refused); start the stack with \`npm start\` (embedded) or \`sh init.sh\`, or give the URL of a running ksqlDB: npm run ksql -- http://host:8088`,
    ]);
  });

  it('sends basic auth from KSQLDB_BASIC_AUTH_USER/_PASSWORD or the URL, and names the variables when refused', async () => {
    // ksqlDB with authentication.method=BASIC in front of the embedded server: 401 unless user:secret
    const expected = `Basic ${Buffer.from('user:secret').toString('base64')}`;
    const seen: (string | undefined)[] = [];
    const guard = http.createServer((req, res) => {
      seen.push(req.headers.authorization);
      if (req.headers.authorization !== expected) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"@type":"generic_error","error_code":40100,"message":"Unauthorized"}');
        return;
      }
      const upstream = http.request(
        `${server.url}${req.url}`,
        { method: req.method, headers: { ...req.headers, host: new URL(server.url).host } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => guard.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(guard.address() as net.AddressInfo).port}`;
    const withEnv = (extra: NodeJS.ProcessEnv, ...args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const env = { ...process.env, KSQLDB_URL: undefined, ...extra };
        execFile(process.execPath, ['--import', 'tsx', CLI, ...args], { env, cwd: ROOT, timeout: 60_000 }, (error, stdout, stderr) => {
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
        });
      });
    try {
      const fromEnv = await withEnv({ KSQLDB_BASIC_AUTH_USER: 'user', KSQLDB_BASIC_AUTH_PASSWORD: 'secret' }, url, '-e', 'SHOW TABLES;');
      expect(fromEnv.code, fromEnv.stderr).toBe(0);
      expect(fromEnv.stdout).toMatch(/ PER_PAGE +\| PER_PAGE /);
      const fromUrl = await withEnv({}, url.replace('//', '//user:secret@'), '-e', 'SHOW TABLES;');
      expect(fromUrl.code, fromUrl.stderr).toBe(0);
      const refused = await withEnv({ KSQLDB_BASIC_AUTH_USER: 'user', KSQLDB_BASIC_AUTH_PASSWORD: 'wrong' }, url, '-e', 'SHOW TABLES;');
      expect(refused.code).toBe(1);
      expect(refused.stderr.trim()).toBe(
        `ksql: ksqlDB at ${url} answered HTTP 401 (the credentials were refused); set KSQLDB_BASIC_AUTH_USER and KSQLDB_BASIC_AUTH_PASSWORD, or put them in the URL (http://user:password@host:8088)`,
      );
      expect(refused.stderr).not.toMatch(/wrong/);
      expect(seen).toContain(expected);
    } finally {
      await new Promise((resolve) => guard.close(resolve));
    }
  });
});
