/**
 * The ksql statement files: rendering from config, splitting, and what each statement reads and writes.
 * Syntax against real ksqlDB 0.29 was checked separately with its grammar (see the report); here we pin the
 * properties the rest of the stack relies on.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import {
  STATEMENT_FILES,
  describeStatement,
  readStatementFile,
  renderStatements,
  renderTemplate,
  renderedStatements,
  splitStatements,
  statementVariables,
  type CreatedSource,
} from '../../ksql/statements.ts';

const config = loadConfig({});

function created(cfg = config): CreatedSource[] {
  return renderedStatements(cfg).map((s) => {
    const described = describeStatement(s);
    if (!described) throw new Error(`not a CREATE statement: ${s}`);
    return described;
  });
}

function statementFor(name: string, cfg = config): string {
  const found = renderedStatements(cfg).find((s) => describeStatement(s)?.name === name);
  if (!found) throw new Error(`no statement creates ${name}`);
  return found;
}

describe('ksql/statements.ts: rendering', () => {
  it('renders the four files in order, with no placeholder left', () => {
    const files = renderStatements(config);
    expect(files.map((f) => f.file)).toEqual(['01-sources.sql', '02-cleaned-users.sql', '03-pageview-country.sql', '04-windows.sql']);
    expect(files.map((f) => f.file)).toEqual([...STATEMENT_FILES]);
    for (const { file, sql } of files) {
      expect(sql, file).not.toMatch(/\$\{/);
      expect(sql, file).not.toMatch(/\$\$/);
    }
  });

  it('uses only placeholders it can fill, and every variable somewhere', () => {
    const known = new Set(Object.keys(statementVariables(config)));
    const used = new Set<string>();
    for (const file of STATEMENT_FILES) {
      for (const m of readStatementFile(file).matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) {
        expect(known.has(m[1]!.toUpperCase()), `${file}: \${${m[1]}}`).toBe(true);
        used.add(m[1]!.toUpperCase());
      }
    }
    expect([...used].sort()).toEqual([...known].sort());
  });

  it('yields eight statements in dependency order, each a CREATE … IF NOT EXISTS ending in ;', () => {
    const statements = renderedStatements(config);
    expect(statements.map((s) => describeStatement(s)?.name)).toEqual([
      'PAGEVIEW',
      'USERSESSION',
      'USERS',
      'CLEANED_USERS',
      'PAGEVIEW_COUNTRY',
      'PAGEVIEW_TUMBLING',
      'PAGEVIEW_HOPPING',
      'PAGEVIEW_SESSION',
    ]);
    for (const s of statements) {
      expect(s).toMatch(/^CREATE (STREAM|TABLE) IF NOT EXISTS /);
      expect(s.endsWith(';')).toBe(true);
      expect(s.slice(0, -1)).not.toContain(';');
      expect(s).not.toContain('--');
    }
    // Every source a statement reads was created by an earlier statement.
    const seen = new Set<string>();
    for (const s of statements) {
      for (const m of s.matchAll(/\b(?:FROM|JOIN)\s+([A-Za-z_][A-Za-z0-9_]*)/gi)) expect(seen, s).toContain(m[1]!.toUpperCase());
      seen.add(describeStatement(s)!.name);
    }
  });

  it('writes every collection to its configured topic, with the configured partitions and replicas', () => {
    const topics = Object.fromEntries(created().map((c) => [c.name, c.topic]));
    expect(topics).toEqual({
      PAGEVIEW: config.topics.pageview,
      USERSESSION: config.topics.userSession,
      USERS: config.topics.users,
      CLEANED_USERS: config.topics.cleanedUsers,
      PAGEVIEW_COUNTRY: config.topics.pageviewCountry,
      PAGEVIEW_TUMBLING: config.topics.pageviewTumbling,
      PAGEVIEW_HOPPING: config.topics.pageviewHopping,
      PAGEVIEW_SESSION: config.topics.pageviewSession,
    });
    expect(topics.CLEANED_USERS).toBe('topic4');
    for (const s of renderedStatements(config)) {
      expect(s).toMatch(/\bPARTITIONS=5\b/);
      expect(s).toMatch(/\bREPLICAS=3\b/);
      expect(s).toMatch(/\bVALUE_FORMAT='JSON'/);
    }
  });

  it('follows topic, partition and replica overrides from the environment', () => {
    const custom = loadConfig({
      TOPIC_PAGEVIEW: 'pv',
      TOPIC_USERS: 'users',
      TOPIC_PAGEVIEW_COUNTRY: 'by_country',
      TOPIC_PAGEVIEW_SESSION: 'sessions_out',
      KAFKA_PARTITIONS: '7',
      KAFKA_BROKERS: '1',
    });
    const topics = Object.fromEntries(created(custom).map((c) => [c.name, c.topic]));
    expect(topics.PAGEVIEW).toBe('pv');
    expect(topics.USERS).toBe('users');
    expect(topics.PAGEVIEW_COUNTRY).toBe('by_country');
    expect(topics.PAGEVIEW_SESSION).toBe('sessions_out');
    for (const s of renderedStatements(custom)) {
      expect(s).toMatch(/\bPARTITIONS=7\b/);
      expect(s).toMatch(/\bREPLICAS=1\b/);
    }
  });

  it('takes the window sizes from config, in seconds', () => {
    expect(statementFor('PAGEVIEW_TUMBLING')).toContain('WINDOW TUMBLING (SIZE 60 SECONDS)');
    expect(statementFor('PAGEVIEW_HOPPING')).toContain('WINDOW HOPPING (SIZE 120 SECONDS, ADVANCE BY 30 SECONDS)');
    expect(statementFor('PAGEVIEW_SESSION')).toContain('WINDOW SESSION (30 SECONDS)');
    const custom = loadConfig({
      WINDOW_TUMBLING_SECONDS: '15',
      WINDOW_HOPPING_SECONDS: '45',
      WINDOW_HOPPING_ADVANCE_SECONDS: '5',
      WINDOW_SESSION_GAP_SECONDS: '90',
    });
    expect(statementFor('PAGEVIEW_TUMBLING', custom)).toContain('WINDOW TUMBLING (SIZE 15 SECONDS)');
    expect(statementFor('PAGEVIEW_HOPPING', custom)).toContain('WINDOW HOPPING (SIZE 45 SECONDS, ADVANCE BY 5 SECONDS)');
    expect(statementFor('PAGEVIEW_SESSION', custom)).toContain('WINDOW SESSION (90 SECONDS)');
    // Nothing else changes.
    const strip = (s: string): string => s.replace(/\(SIZE \d+ SECONDS(, ADVANCE BY \d+ SECONDS)?\)|SESSION \(\d+ SECONDS\)/, '');
    expect(renderedStatements(custom).map(strip)).toEqual(renderedStatements(config).map(strip));
  });
});

describe('ksql statements: sources, keys and time', () => {
  it('reads PAGEVIEW keyed by user_id (JSON key) with event_timestamp as event time', () => {
    const s = statementFor('PAGEVIEW');
    expect(s).toMatch(/\buser_id INT KEY\b/);
    expect(s).toMatch(/KEY_FORMAT='JSON'/);
    expect(s).toMatch(/TIMESTAMP='event_timestamp'/);
    for (const column of ['session_id VARCHAR', 'source VARCHAR', 'event_timestamp BIGINT']) expect(s).toContain(column);
  });

  it('reads USERS as a table with user_id INT PRIMARY KEY (JSON number key from the JDBC source)', () => {
    const s = statementFor('USERS');
    expect(s).toMatch(/^CREATE TABLE /);
    expect(s).toMatch(/\buser_id INT PRIMARY KEY\b/);
    expect(s).toMatch(/KEY_FORMAT='JSON'/);
    for (const column of ['age INT', 'gender VARCHAR', 'country VARCHAR', 'subscription VARCHAR']) expect(s).toContain(column);
  });

  it('reads USERSESSION from the value only, with login_timestamp as event time', () => {
    const s = statementFor('USERSESSION');
    expect(s).not.toMatch(/\bKEY\b/);
    expect(s).toMatch(/TIMESTAMP='login_timestamp'/);
    for (const column of ['session_id', 'user_id', 'user_name', 'login_timestamp', 'device']) expect(s).toContain(column);
  });

  it('keeps only users with no NULL column in CLEANED_USERS, keyed like PAGEVIEW for the join', () => {
    const s = statementFor('CLEANED_USERS');
    for (const column of ['age', 'gender', 'country', 'subscription']) expect(s).toMatch(new RegExp(`\\b${column} IS NOT NULL\\b`));
    expect(describeStatement(s)!.columns).toEqual(['USER_ID', 'AGE', 'GENDER', 'COUNTRY', 'SUBSCRIPTION']);
    expect(s).toMatch(/KEY_FORMAT='JSON'/);
  });

  it('joins PAGEVIEW to CLEANED_USERS on the table primary key and groups by country', () => {
    const s = statementFor('PAGEVIEW_COUNTRY');
    expect(s).toMatch(/FROM PAGEVIEW P\s+INNER JOIN CLEANED_USERS C ON P\.user_id = C\.user_id/);
    expect(s).toMatch(/GROUP BY C\.country\b/);
    const d = describeStatement(s)!;
    expect(d.keyColumns).toEqual(['country_key']);
    expect(d.expressions).toEqual({
      country_key: 'C.country',
      country: 'AS_VALUE(C.country)',
      avg_age: 'AVG(C.age)',
      user_count: 'COUNT_DISTINCT(P.user_id)',
      view_count: 'COUNT(*)',
      last_event_ts: 'MAX(P.event_timestamp)',
    });
  });

  it('aggregates users and views per source in each window, copying source and bounds into the value', () => {
    for (const name of ['PAGEVIEW_TUMBLING', 'PAGEVIEW_HOPPING', 'PAGEVIEW_SESSION']) {
      const d = describeStatement(statementFor(name))!;
      expect(d.keyColumns, name).toEqual(['source_key']);
      expect(d.expressions, name).toEqual({
        source_key: 'source',
        source: 'AS_VALUE(source)',
        user_count: 'COUNT_DISTINCT(user_id)',
        view_count: 'COUNT(*)',
        window_start: 'WINDOWSTART',
        window_end: 'WINDOWEND',
      });
      expect(statementFor(name)).toMatch(/GROUP BY source\s+EMIT CHANGES;$/);
    }
  });

  it('names every column of the topics Pinot reads in back-quoted lower case', () => {
    for (const d of created().filter((c) => c.name.startsWith('PAGEVIEW_'))) {
      expect(d.valueColumns.length, d.name).toBeGreaterThan(0);
      for (const column of d.columns) expect(column, d.name).toMatch(/^[a-z][a-z0-9_]*$/);
    }
  });
});

describe('splitStatements', () => {
  it('splits at top-level semicolons and drops comments', () => {
    expect(splitStatements('SELECT 1; -- one; two\nSELECT 2;\n/* three; */ SELECT 3;')).toEqual(['SELECT 1;', 'SELECT 2;', 'SELECT 3;']);
  });

  it('does not split inside strings, back-quoted or double-quoted identifiers', () => {
    const sql = "INSERT INTO s (`a;b`, \"c;d\") VALUES ('x;y', 'it''s; fine'); SELECT '--not a comment' FROM t;";
    expect(splitStatements(sql)).toEqual(["INSERT INTO s (`a;b`, \"c;d\") VALUES ('x;y', 'it''s; fine');", "SELECT '--not a comment' FROM t;"]);
  });

  it('skips empty statements and keeps a final statement without a semicolon', () => {
    expect(splitStatements(' ;\n;  -- only a comment\n')).toEqual([]);
    expect(splitStatements('SHOW STREAMS;\nSHOW TABLES')).toEqual(['SHOW STREAMS;', 'SHOW TABLES;']);
  });

  it('reports unterminated strings, identifiers and comments with their position', () => {
    expect(() => splitStatements("SELECT 1;\nSELECT 'oops FROM t;")).toThrow(/unterminated string starting at line 2:8/);
    expect(() => splitStatements('SELECT `x FROM t;')).toThrow(/unterminated quoted identifier/);
    expect(() => splitStatements('SELECT 1; /* no end')).toThrow(/unterminated block comment/);
  });

  it('splits each statement file into the statements it holds', () => {
    const counts = renderStatements(config).map(({ sql }) => splitStatements(sql).length);
    expect(counts).toEqual([3, 1, 1, 3]);
  });
});

describe('renderTemplate', () => {
  it('fills placeholders case-insensitively, as ksqlDB variables are', () => {
    expect(renderTemplate("KAFKA_TOPIC='${topic}', PARTITIONS=${Parts}", { TOPIC: 't1', PARTS: '5' })).toBe("KAFKA_TOPIC='t1', PARTITIONS=5");
  });

  it('leaves an escaped $${name} as ${name}', () => {
    expect(renderTemplate("SELECT '$${x}' FROM s", { X: '1' })).toBe("SELECT '${x}' FROM s");
  });

  it('names the source and line of an unknown placeholder', () => {
    expect(() => renderTemplate('a\nb ${NOPE}', { X: '1' }, 'ksql/x.sql')).toThrow(/ksql\/x\.sql:2: unknown placeholder \$\{NOPE\}/);
  });
});
