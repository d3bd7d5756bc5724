/**
 * The shell's pure parts: where statements end (quotes, comments, several lines), which statements stay
 * on the client, how row JSON becomes cells, and ksqlDB CLI's two table layouts.
 */
import { describe, expect, it } from 'vitest';
import { renderEntity } from '../../../stack/ksql-shell/entities.ts';
import { rowCells } from '../../../stack/ksql-shell/json-cells.ts';
import { classifyStatement, shellCommandOf } from '../../../stack/ksql-shell/shell-statements.ts';
import { splitStatements, withoutComments } from '../../../stack/ksql-shell/statement-text.ts';
import { renderQueryHeader, renderQueryRow, renderTable } from '../../../stack/ksql-shell/tables.ts';

describe('splitStatements', () => {
  it('ends a statement only at a ; outside quotes and comments', () => {
    const text = "INSERT INTO S (A, `b;c`, \"D;\") VALUES ('x;''y', 1); -- a ; comment\nSHOW /* ; */ STREAMS;";
    const split = splitStatements(text);
    expect(split.statements).toEqual(["INSERT INTO S (A, `b;c`, \"D;\") VALUES ('x;''y', 1);", '-- a ; comment\nSHOW /* ; */ STREAMS;']);
    expect(split.restIsBlank).toBe(true);
  });

  it('keeps an unfinished statement, an open quote or an open comment as the rest', () => {
    expect(splitStatements('SHOW\nTABLES')).toMatchObject({ statements: [], rest: 'SHOW\nTABLES', restIsBlank: false });
    expect(splitStatements("SELECT 'a;")).toMatchObject({ statements: [], restIsBlank: false });
    expect(splitStatements('SHOW TABLES; /* still open ;')).toMatchObject({ statements: ['SHOW TABLES;'], restIsBlank: false });
    expect(splitStatements('SHOW TABLES; -- done')).toMatchObject({ statements: ['SHOW TABLES;'], restIsBlank: true });
    expect(splitStatements('  \n')).toMatchObject({ statements: [], restIsBlank: true });
  });

  it('strips comments but not what looks like one inside quotes', () => {
    expect(withoutComments("-- head\nSET 'a--b'='c'; /* x */")).toBe("SET 'a--b'='c';");
  });
});

describe('classifyStatement and shellCommandOf', () => {
  it('keeps SET, UNSET, DEFINE and UNDEFINE on the client, and reads their quoted names and values', () => {
    expect(classifyStatement("SET 'auto.offset.reset' = 'earliest';")).toEqual({ kind: 'set', name: 'auto.offset.reset', value: 'earliest' });
    expect(classifyStatement("-- why\nset 'a' = 'it''s';")).toEqual({ kind: 'set', name: 'a', value: "it's" });
    expect(classifyStatement("UNSET 'auto.offset.reset';")).toEqual({ kind: 'unset', name: 'auto.offset.reset' });
    expect(classifyStatement("DEFINE page = 'it''s';")).toEqual({ kind: 'define', name: 'page', value: "it's" });
    expect(classifyStatement('undefine page;')).toEqual({ kind: 'undefine', name: 'page' });
    expect(classifyStatement('LIST VARIABLES;')).toEqual({ kind: 'listVariables' });
  });

  it('runs SELECT as a query, PRINT as a stream, RUN SCRIPT from a file, the rest on the server', () => {
    expect(classifyStatement('select * from T;').kind).toBe('query');
    expect(classifyStatement("PRINT 'topic' FROM BEGINNING;").kind).toBe('print');
    expect(classifyStatement("RUN SCRIPT '/tmp/a b.sql';")).toEqual({ kind: 'runScript', path: '/tmp/a b.sql' });
    expect(classifyStatement('CREATE TABLE T AS SELECT * FROM S;').kind).toBe('server');
  });

  it("knows the shell's own commands, with or without ;", () => {
    expect(shellCommandOf('help')).toEqual({ kind: 'help' });
    expect(shellCommandOf(' EXIT; ')).toEqual({ kind: 'exit' });
    expect(shellCommandOf('quit')).toEqual({ kind: 'exit' });
    expect(shellCommandOf('run script ./x.sql')).toEqual({ kind: 'runScript', path: './x.sql' });
    expect(shellCommandOf('SHOW STREAMS;')).toBeUndefined();
  });
});

describe('rowCells', () => {
  it('shows values as ksqlDB CLI does, numbers with every digit the server sent', () => {
    expect(rowCells('["a\\"b",12345678901234567890,1.50,null,true,[1,"x"],{"K":{"N":2}}]')).toEqual([
      'a"b',
      '12345678901234567890',
      '1.50',
      'null',
      'true',
      '[1, x]',
      '{K={N=2}}',
    ]);
  });

  it('refuses what is not a row', () => {
    expect(() => rowCells('{"a":1}')).toThrow(/expected a row array/);
    expect(() => rowCells('[1,')).toThrow(/bad JSON/);
  });
});

describe('tables', () => {
  it("lays out a statement answer as ksqlDB CLI's Table does", () => {
    expect(
      renderTable(
        {
          headers: ['Name', 'Type'],
          rows: [
            ['A', 'INTEGER'],
            ['LONGER_NAME', 'BIGINT'],
          ],
          after: ['end'],
        },
        80,
      ),
    ).toEqual([' Name        | Type    ', '-----------------------', ' A           | INTEGER ', ' LONGER_NAME | BIGINT  ', '-----------------------', 'end']);
  });

  it("lays out query rows as ksqlDB CLI's TabularRow does: the width shared, long values wrapped", () => {
    expect(renderQueryHeader(['ID', 'NAME'], 20)).toEqual(['+--------+--------+', '|ID      |NAME    |', '+--------+--------+']);
    expect(renderQueryRow(['1', 'abcdefghijk'], 8)).toEqual(['|1       |abcdefgh|', '|        |ijk     |']);
  });

  it('describes a table with its key marked and its window type', () => {
    const lines = renderEntity(
      {
        '@type': 'sourceDescription',
        sourceDescription: {
          name: 'T',
          type: 'TABLE',
          windowType: 'TUMBLING',
          extended: false,
          fields: [
            { name: 'K', schema: { type: 'STRING' }, type: 'KEY' },
            { name: 'V', schema: { type: 'ARRAY', memberSchema: { type: 'BIGINT' } } },
          ],
        },
      },
      80,
    );
    expect(lines).toEqual([
      'Name                 : T',
      ' Field | Type                                                   ',
      '----------------------------------------------------------------',
      ' K     | VARCHAR(STRING)  (primary key) (Window type: TUMBLING) ',
      ' V     | ARRAY<BIGINT>                                          ',
      '----------------------------------------------------------------',
      'For runtime statistics and query details run: DESCRIBE <Stream,Table> EXTENDED;',
    ]);
  });

  it('prints an EXPLAIN answer (queryDescription) as ksqlDB CLI does', () => {
    const lines = renderEntity(
      {
        '@type': 'queryDescription',
        queryDescription: {
          id: 'CTAS_T_0',
          queryType: 'PERSISTENT',
          statementText: 'CREATE TABLE T AS SELECT K, COUNT(*) AS N FROM S GROUP BY K;',
          fields: [
            { name: 'K', schema: { type: 'INTEGER' }, type: 'KEY' },
            { name: 'N', schema: { type: 'BIGINT' } },
          ],
          sources: ['S'],
          sinks: ['T'],
          executionPlan: ' > [ SINK ] | Schema: K INTEGER KEY, N BIGINT',
          topology: '',
          overriddenProperties: { 'auto.offset.reset': 'earliest' },
        },
      },
      80,
    );
    expect(lines).toEqual([
      'ID                   : CTAS_T_0',
      'Query Type           : PERSISTENT',
      'SQL                  : CREATE TABLE T AS SELECT K, COUNT(*) AS N FROM S GROUP BY K;',
      '',
      ' Field | Type                   ',
      '--------------------------------',
      ' K     | INTEGER          (key) ',
      ' N     | BIGINT                 ',
      '--------------------------------',
      '',
      'Sources that this query reads from: ',
      '-----------------------------------',
      'S',
      '',
      'For source description please run: DESCRIBE [EXTENDED] <SourceId>',
      '',
      'Sinks that this query writes to: ',
      '-----------------------------------',
      'T',
      '',
      'For sink description please run: DESCRIBE [EXTENDED] <SinkId>',
      '',
      'Execution plan',
      '--------------',
      ' > [ SINK ] | Schema: K INTEGER KEY, N BIGINT',
      '',
      'Overridden Properties',
      '---------------------',
      ' Property          | Value    ',
      '------------------------------',
      ' auto.offset.reset | earliest ',
      '------------------------------',
    ]);
  });

  it('prints an ASSERT that held as ksqlDB CLI does', () => {
    expect(renderEntity({ '@type': 'assert_topic', topicName: 'clicks', exists: true }, 80)).toEqual(['Topic clicks exists.']);
    expect(renderEntity({ '@type': 'assert_topic', topicName: 'gone', exists: false }, 80)).toEqual(['Topic gone does not exist.']);
    expect(renderEntity({ '@type': 'assert_schema', subject: 's-value', id: 3, exists: true }, 80)).toEqual(['Schema with subject s-value id 3 exists.']);
    expect(renderEntity({ '@type': 'assert_schema', subject: null, id: 7, exists: false }, 80)).toEqual(['Schema with id 7 does not exist.']);
  });
});
