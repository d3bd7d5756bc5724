/**
 * A small ConfigDef: typed config keys with defaults, validators, groups and documentation, validated
 * the way Connect's ConfigDef does it, and rendered as the ConfigInfos JSON of
 * `PUT /connector-plugins/{class}/config/validate`.
 */

export type ConfigType = 'STRING' | 'INT' | 'LONG' | 'BOOLEAN' | 'LIST' | 'PASSWORD' | 'CLASS' | 'DOUBLE';
export type Importance = 'HIGH' | 'MEDIUM' | 'LOW';
export type Width = 'NONE' | 'SHORT' | 'MEDIUM' | 'LONG';

export interface ConfigKey {
  name: string;
  type: ConfigType;
  /** null with required=false means "default null". */
  default: string | null;
  required: boolean;
  importance: Importance;
  documentation: string;
  group: string | null;
  order: number;
  width: Width;
  displayName: string;
  dependents?: string[];
  /** Validator on the (typed) value; returns the reason, which becomes "Invalid value V for configuration K: reason". */
  validate?: (value: string) => string | undefined;
  recommended?: string[];
}

export interface ConfigValueInfo {
  name: string;
  value: string | null;
  recommended_values: string[];
  errors: string[];
  visible: boolean;
}

export interface ConfigInfo {
  definition: {
    name: string;
    type: string;
    required: boolean;
    default_value: string | null;
    importance: string;
    documentation: string;
    group: string | null;
    width: string;
    display_name: string;
    dependents: string[];
    order: number;
  };
  value: ConfigValueInfo;
}

export interface ConfigInfos {
  name: string;
  error_count: number;
  groups: string[];
  configs: ConfigInfo[];
}

export function invalidValue(value: string, name: string, reason?: string): string {
  return `Invalid value ${value} for configuration ${name}${reason === undefined ? '' : `: ${reason}`}`;
}

export function missingRequired(name: string): string {
  return `Missing required configuration "${name}" which has no default value.`;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** The parse step of ConfigDef: the type check with Connect's wording. */
function typeError(key: ConfigKey, raw: string): string | undefined {
  const text = raw.trim();
  switch (key.type) {
    case 'INT':
    case 'LONG': {
      if (!/^[+-]?\d+$/.test(text)) return `Not a number of type ${key.type}`;
      const n = Number(text);
      if (key.type === 'INT' && (n < INT32_MIN || n > INT32_MAX)) return `Not a number of type ${key.type}`;
      return undefined;
    }
    case 'DOUBLE':
      return text === '' || !Number.isFinite(Number(text)) ? 'Not a number of type DOUBLE' : undefined;
    case 'BOOLEAN':
      return ['true', 'false'].includes(text.toLowerCase()) ? undefined : 'Expected value to be either true or false';
    default:
      return undefined;
  }
}

/** Errors of one key's value (none when it is valid or absent with a default). */
export function validateKey(key: ConfigKey, raw: string | undefined): string[] {
  if (raw === undefined || raw === null) {
    return key.required ? [missingRequired(key.name)] : [];
  }
  const typeProblem = typeError(key, raw);
  if (typeProblem !== undefined) return [invalidValue(raw, key.name, typeProblem)];
  const reason = key.validate?.(key.type === 'STRING' || key.type === 'PASSWORD' ? raw : raw.trim());
  return reason === undefined ? [] : [invalidValue(raw, key.name, reason)];
}

export function configInfo(key: ConfigKey, raw: string | undefined, errors: string[]): ConfigInfo {
  return {
    definition: {
      name: key.name,
      type: key.type,
      required: key.required,
      default_value: key.default,
      importance: key.importance,
      documentation: key.documentation,
      group: key.group,
      width: key.width,
      display_name: key.displayName,
      dependents: key.dependents ?? [],
      order: key.order,
    },
    value: {
      name: key.name,
      value: raw === undefined ? key.default : key.type === 'PASSWORD' ? '[hidden]' : raw,
      recommended_values: key.recommended ?? [],
      errors,
      visible: true,
    },
  };
}

/** Helper to declare keys tersely, with orders assigned per group in declaration order. */
export class KeyList {
  readonly keys: ConfigKey[] = [];
  private readonly orders = new Map<string, number>();

  add(
    group: string | null,
    name: string,
    type: ConfigType,
    def: string | null | typeof REQUIRED,
    importance: Importance,
    documentation: string,
    extra: Partial<ConfigKey> = {},
  ): this {
    const order = (this.orders.get(group ?? '') ?? 0) + 1;
    this.orders.set(group ?? '', order);
    this.keys.push({
      name,
      type,
      default: def === REQUIRED ? null : def,
      required: def === REQUIRED,
      importance,
      documentation,
      group,
      order: group === null ? -1 : order,
      width: 'NONE',
      displayName: name,
      ...extra,
    });
    return this;
  }
}

export const REQUIRED = Symbol('required');

export function oneOf(values: string[], caseInsensitive = false): (v: string) => string | undefined {
  return (v) => {
    const ok = caseInsensitive ? values.some((x) => x.toLowerCase() === v.toLowerCase()) : values.includes(v);
    if (ok) return undefined;
    return caseInsensitive ? `String must be one of (case insensitive): ${values.join(', ')}` : `String must be one of: ${values.join(', ')}`;
  };
}

export function atLeast(min: number): (v: string) => string | undefined {
  return (v) => (Number(v) < min ? `Value must be at least ${min}` : undefined);
}
