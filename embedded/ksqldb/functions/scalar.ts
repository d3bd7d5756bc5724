// Scalar (row-level) functions: one registry (registry.ts) filled by one module per family.
import './string.ts';
import './math.ts';
import './conditional.ts';
import './date.ts';
import './temporal.ts';
import './arrays.ts';
import './maps.ts';
import './json.ts';
import './url.ts';
import './encoding.ts';
import './bytes.ts';
import './geo.ts';

export { getScalarFunction, listScalarFunctions, type ResolvedFn, type ScalarFunction } from './registry.ts';
export { formatTimestamp, parseTimestamp, zoneOffsetMinutes } from './date.ts';
export { javaDouble, javaString } from '../expr/javaText.ts';
