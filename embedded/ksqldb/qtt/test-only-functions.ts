// Functions that exist only in ksqlDB's own test build, never in a released server.
// ksqlDB's functional tests run with a registry that also loads the UDFs, UDAFs and UDTFs
// of ksqldb-engine/src/test/java/io/confluent/ksql/function/{udf,udaf} and the example
// jars under ksqldb-engine/src/test/resources (udf-example*, udf-isolated). A case that
// calls one of them is reported as skipped: no user can call these functions.

/** Upper-case names of the test-build functions (scalar, aggregate and table). */
export const TEST_ONLY_FUNCTIONS: readonly string[] = [
  // scalar UDFs (function/udf)
  'TEST_UDF',
  'BAD_TEST_UDF',
  'BAD_UDF',
  'WHENCONDITION',
  'WHENRESULT',
  // table functions (function/udf)
  'TEST_UDTF',
  'BAD_TEST_UDTF',
  'THROWING_UDTF',
  // aggregate functions (function/udaf)
  'TEST_UDAF',
  'BAD_TEST_UDAF',
  'VAR_ARG',
  'MID_VAR_ARG',
  'MULTI_ARG',
  'FOUR_ARG',
  'FIVE_ARG',
  'GENERIC_VAR_ARG',
  'OBJ_COL_ARG',
  // example jars (test/resources/udf-example, udf-example-2, udf-isolated)
  'MULTIPLY',
  'MULTIPLY2',
  'TOLIST',
  'TOMAP',
  'TOSTRING',
  'TOSTRUCT',
  'BACKWARD_CONCAT',
];

const CALL = new RegExp(`\\b(${TEST_ONLY_FUNCTIONS.join('|')})\\s*\\(`, 'i');

/** The first test-only function the statements call (outside string literals), or undefined. */
export function testOnlyFunctionIn(sql: string): string | undefined {
  const m = CALL.exec(sql.replace(/'(?:[^']|'')*'/g, "''"));
  return m ? m[1]!.toUpperCase() : undefined;
}
