/** Pinot's JSON functions (JsonFunctions): a value at a JSON path, cast to the result type asked for. */
import { quoteString } from '../../db.ts';
import { CAST_TYPES, T } from '../types.ts';
import { asVarchar, literalArg, parsingError } from '../typed.ts';
import type { ScalarCall, ScalarFunction } from './function.ts';

/**
 * `json_extract_string` at a literal path, TRY_CAST to the result type (NULL when it does not fit), else
 * the default; named after the JSON, the path and (jsonExtractScalar only) the type.
 */
function extract(call: ScalarCall, resultType: () => string, defaultIndex: number, typeInName: boolean) {
  const { args } = call;
  const a = call.emit(args[0]!);
  const path = literalArg(args[1], 'JSON path');
  const typeText = resultType();
  const target = CAST_TYPES[typeText];
  if (!target) throw parsingError(`Unsupported result type: ${typeText}`);
  const defaultExpr = args[defaultIndex];
  let sql = `TRY_CAST(json_extract_string(${asVarchar(a)}, ${quoteString(path)}) AS ${target[0]})`;
  if (defaultExpr) sql = `COALESCE(${sql}, CAST(${call.emit(defaultExpr).sql} AS ${target[0]}))`;
  return call.make([a], sql, T(target[1]), [a.name, `'${path}'`, ...(typeInName ? [`'${literalArg(args[2], 'result type')}'`] : [])]);
}

export const JSON_FUNCTIONS: ScalarFunction[] = [
  {
    names: ['jsonextractscalar'],
    arity: [3, 4],
    signature: 'jsonExtractScalar(JSON, path literal, resultType literal[, default]) → resultType',
    emit: (call) => extract(call, () => literalArg(call.args[2], 'result type').toUpperCase(), 3, true),
  },
  ...(
    [
      ['jsonpathstring', 'STRING'],
      ['jsonpathlong', 'LONG'],
      ['jsonpathdouble', 'DOUBLE'],
    ] as const
  ).map(
    ([name, type]): ScalarFunction => ({
      names: [name],
      arity: [2, 3],
      signature: `${name}(JSON, path literal[, default]) → ${type}`,
      emit: (call) => extract(call, () => type, 2, false),
    }),
  ),
];
