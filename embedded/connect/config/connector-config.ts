/**
 * Validation of a whole connector config, as the herder does for POST/PUT and
 * `PUT /connector-plugins/{class}/config/validate`: the connector-level keys every Connect connector has,
 * the converters' and transforms' keys, the connector class's own keys, and (unlike Apache Kafka Connect,
 * which only logs them) unknown keys, each reported on its key. The result is Connect's ConfigInfos.
 */
import { CONVERTER_CLASSES, CONVERTER_SUBKEYS } from '../converters/index.ts';
import { TRANSFORMS, splitList, transformPlugin } from '../transforms/index.ts';
import { JDBC_KEYS, JDBC_SOURCE_CLASS, jdbcCrossChecks } from '../jdbc/jdbc-config.ts';
import { DEBEZIUM_VERSION, MYSQL_CDC_CLASS, MYSQL_CDC_KEYS, MYSQL_CDC_TASK_CLASS, mysqlCdcCrossChecks } from '../mysql-cdc/cdc-config.ts';
import { atLeast, configInfo, invalidValue, KeyList, oneOf, REQUIRED, validateKey, type ConfigInfo, type ConfigInfos, type ConfigKey } from './config-def.ts';

export const COMMON = 'Common';

function nonEmptyName(v: string): string | undefined {
  if (v.trim() === '') return 'String may not be empty';
  if (/[\u0000-\u001f\u007f]/.test(v))
    return `String may not contain control sequences but had the following ASCII chars: ${[...v]
      .filter((c) => c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127)
      .map((c) => c.charCodeAt(0))
      .join(', ')}`;
  return undefined;
}

function converterClass(v: string): string | undefined {
  return (CONVERTER_CLASSES as readonly string[]).includes(v) ? undefined : `Class ${v} could not be found.`;
}

export const CONNECTOR_KEYS: ConfigKey[] = new KeyList()
  .add(COMMON, 'name', 'STRING', REQUIRED, 'HIGH', 'Globally unique name to use for this connector.', {
    validate: nonEmptyName,
    width: 'MEDIUM',
    displayName: 'Connector name',
  })
  .add(COMMON, 'connector.class', 'STRING', REQUIRED, 'HIGH', 'Name or alias of the class for this connector.', {
    width: 'LONG',
    displayName: 'Connector class',
  })
  .add(COMMON, 'tasks.max', 'INT', '1', 'HIGH', 'Maximum number of tasks to use for this connector.', {
    validate: atLeast(1),
    width: 'SHORT',
    displayName: 'Tasks max',
  })
  .add(COMMON, 'tasks.max.enforce', 'BOOLEAN', 'true', 'LOW', '(Deprecated) Whether to enforce that the tasks.max property is respected by the connector.', {
    width: 'SHORT',
    displayName: 'Enforce tasks max',
  })
  .add(
    COMMON,
    'key.converter',
    'CLASS',
    null,
    'LOW',
    'Converter class used to convert between Kafka Connect format and the serialized form that is written to Kafka.',
    { validate: converterClass, width: 'SHORT', displayName: 'Key converter class' },
  )
  .add(
    COMMON,
    'value.converter',
    'CLASS',
    null,
    'LOW',
    'Converter class used to convert between Kafka Connect format and the serialized form that is written to Kafka.',
    { validate: converterClass, width: 'SHORT', displayName: 'Value converter class' },
  )
  .add(
    COMMON,
    'header.converter',
    'CLASS',
    null,
    'LOW',
    'HeaderConverter class used to convert between Kafka Connect format and the serialized form that is written to Kafka.',
    { width: 'SHORT', displayName: 'Header converter class' },
  )
  .add(
    COMMON,
    'config.action.reload',
    'STRING',
    'restart',
    'LOW',
    "The action that Connect should take on the connector when changes in external configuration providers result in a change in the connector's configuration properties.",
    { validate: oneOf(['none', 'restart'], true), width: 'MEDIUM', displayName: 'Reload Action' },
  )
  .add('Transforms', 'transforms', 'LIST', '', 'LOW', 'Aliases for the transformations to be applied to records.', {
    validate: uniqueAliases,
    width: 'LONG',
    displayName: 'Transforms',
  })
  .add('Predicates', 'predicates', 'LIST', '', 'LOW', 'Aliases for the predicates used by transformations.', {
    validate: (v) => (splitList(v).length > 0 ? 'Predicates are not supported by this worker' : undefined),
    width: 'LONG',
    displayName: 'Predicates',
  })
  .add('Error Handling', 'errors.retry.timeout', 'LONG', '0', 'MEDIUM', 'The maximum duration in milliseconds that a failed operation will be reattempted.', {
    width: 'MEDIUM',
    displayName: 'Retry Timeout for Errors',
  })
  .add('Error Handling', 'errors.retry.delay.max.ms', 'LONG', '60000', 'MEDIUM', 'The maximum duration in milliseconds between consecutive retry attempts.', {
    width: 'MEDIUM',
    displayName: 'Maximum Delay Between Retries for Errors',
  })
  .add(
    'Error Handling',
    'errors.tolerance',
    'STRING',
    'none',
    'MEDIUM',
    "Behavior for tolerating errors during connector operation. 'none' fails the task; 'all' skips problematic records.",
    { validate: oneOf(['none', 'all'], true), width: 'SHORT', displayName: 'Error Tolerance' },
  )
  .add(
    'Error Handling',
    'errors.log.enable',
    'BOOLEAN',
    'false',
    'MEDIUM',
    'If true, write each error and the details of the failed operation and problematic record to the Connect application log.',
    { width: 'SHORT', displayName: 'Log Errors' },
  )
  .add(
    'Error Handling',
    'errors.log.include.messages',
    'BOOLEAN',
    'false',
    'MEDIUM',
    'Whether to include in the log the Connect record that resulted in a failure.',
    { width: 'SHORT', displayName: 'Log Error Details' },
  )
  .add('Topic Creation', 'topic.creation.groups', 'LIST', '', 'LOW', 'Groups of configurations for topics created by source connectors.', {
    width: 'LONG',
    displayName: 'Topic Creation Groups',
  })
  .add('Exactly Once Support', 'exactly.once.support', 'STRING', 'requested', 'MEDIUM', 'Permitted values are requested, required.', {
    validate: oneOf(['requested', 'required'], true),
    width: 'SHORT',
    displayName: 'Exactly once support',
  })
  .add('Exactly Once Support', 'transaction.boundary', 'STRING', 'poll', 'MEDIUM', 'Permitted values are: poll, interval, connector.', {
    validate: oneOf(['poll', 'interval', 'connector'], true),
    width: 'SHORT',
    displayName: 'Transaction Boundary',
  })
  .add('offsets.topic', 'offsets.storage.topic', 'STRING', null, 'LOW', 'The name of a separate offsets topic to use for this connector.', {
    width: 'LONG',
    displayName: 'Offsets topic',
  }).keys;

function uniqueAliases(v: string): string | undefined {
  const aliases = splitList(v);
  return new Set(aliases).size === aliases.length ? undefined : 'Duplicate alias provided.';
}

export interface ConnectorPlugin {
  className: string;
  /** What GET /connectors/{name}/tasks reports as task.class. */
  taskClass: string;
  type: 'source' | 'sink';
  version: string;
  keys: ConfigKey[];
  crossChecks(config: Record<string, string>): Map<string, string[]>;
}

export const CONNECTOR_PLUGINS: ConnectorPlugin[] = [
  {
    className: JDBC_SOURCE_CLASS,
    taskClass: 'io.confluent.connect.jdbc.source.JdbcSourceTask',
    type: 'source',
    version: '10.7.6',
    keys: JDBC_KEYS,
    crossChecks: jdbcCrossChecks,
  },
  {
    className: MYSQL_CDC_CLASS,
    taskClass: MYSQL_CDC_TASK_CLASS,
    type: 'source',
    version: DEBEZIUM_VERSION,
    keys: MYSQL_CDC_KEYS,
    crossChecks: mysqlCdcCrossChecks,
  },
];

/** Finds a connector plugin by full class name, simple name, or alias without "Connector" (as Connect does). */
export function findConnectorPlugin(name: string): ConnectorPlugin | undefined {
  const trimmed = name.trim();
  const norm = (s: string): string => (s.endsWith('Connector') && s.length > 'Connector'.length ? s.slice(0, -'Connector'.length) : s);
  return CONNECTOR_PLUGINS.find((p) => {
    const simple = p.className.slice(p.className.lastIndexOf('.') + 1);
    return p.className === trimmed || simple === trimmed || norm(simple) === trimmed;
  });
}

export function noSuchConnectorMessage(name: string): string {
  return `Failed to find any class that implements Connector and which name matches ${name}, available connectors are: ${CONNECTOR_PLUGINS.map((p) => `PluginDesc{klass=class ${p.className}, name='${p.className}', version='${p.version}', encodedVersion=${p.version}, type=${p.type}, typeName='${p.type}', location='classpath'}`).join(', ')}`;
}

function transformKeysFor(config: Record<string, string>): { keys: ConfigKey[]; groups: string[] } {
  const keys: ConfigKey[] = [];
  const groups: string[] = [];
  for (const alias of new Set(splitList(config.transforms))) {
    const group = `Transforms: ${alias}`;
    groups.push(group);
    const prefix = `transforms.${alias}.`;
    keys.push({
      name: `${prefix}type`,
      type: 'CLASS',
      default: null,
      required: true,
      importance: 'HIGH',
      documentation: "Class for the '" + alias + "' transformation.",
      group,
      order: 0,
      width: 'LONG',
      displayName: `Transformation type for ${alias}`,
      validate: (v) => (transformPlugin(v) ? undefined : `Class ${v} could not be found.`),
      recommended: TRANSFORMS.map((t) => t.className),
    });
    const plugin = transformPlugin((config[`${prefix}type`] ?? '').trim());
    if (!plugin) continue;
    let order = 1;
    for (const [sub, def] of Object.entries(plugin.keys)) {
      keys.push({
        name: `${prefix}${sub}`,
        type: def.type,
        default: def.default,
        required: def.required,
        importance: 'HIGH',
        documentation: def.doc,
        group,
        order: order++,
        width: 'NONE',
        displayName: sub,
        ...(def.validate ? { validate: def.validate } : {}),
      });
    }
  }
  return { keys, groups };
}

/**
 * `key.converter.*` / `value.converter.*`: the keys of every converter we ship are accepted (Connect hands
 * them all to the converter, which ignores what it does not use), so switching the class keeps old keys valid.
 */
function converterKeysFor(config: Record<string, string>): ConfigKey[] {
  const keys: ConfigKey[] = [];
  for (const side of ['key', 'value'] as const) {
    const cls = (config[`${side}.converter`] ?? '').trim();
    const seen = new Set<string>();
    const ordered = [cls, ...Object.keys(CONVERTER_SUBKEYS)].filter((c) => CONVERTER_SUBKEYS[c] !== undefined);
    for (const converter of ordered) {
      for (const [sub, def] of Object.entries(CONVERTER_SUBKEYS[converter])) {
        if (seen.has(sub)) continue;
        seen.add(sub);
        keys.push({
          name: `${side}.converter.${sub}`,
          type: def.type,
          default: def.default,
          required: false,
          importance: 'LOW',
          documentation: `${sub} of the ${side} converter (${converter.slice(converter.lastIndexOf('.') + 1)})`,
          group: COMMON,
          order: -1,
          width: 'NONE',
          displayName: `${side}.converter.${sub}`,
          ...(def.choices ? { validate: oneOf(def.choices, true) } : {}),
        });
      }
    }
  }
  return keys;
}

/** Keys passed through untouched by a worker (client overrides): accepted, not validated. */
const PASSTHROUGH_PREFIXES = ['producer.override.', 'consumer.override.', 'admin.override.', 'topic.creation.', 'errors.deadletterqueue.'];

export function unknownKeyMessage(key: string): string {
  return `Configuration is not defined: ${key}`;
}

/** The full ConfigInfos for `config` validated against `plugin`. */
export function validateConnectorConfig(plugin: ConnectorPlugin, config: Record<string, string>): ConfigInfos {
  const transforms = transformKeysFor(config);
  const allKeys = [...CONNECTOR_KEYS, ...converterKeysFor(config), ...transforms.keys, ...plugin.keys];
  const known = new Set(allKeys.map((k) => k.name));
  const cross = plugin.crossChecks(config);
  const configs: ConfigInfo[] = [];
  for (const key of allKeys) {
    const raw = config[key.name];
    let errors = validateKey(key, raw);
    if (key.name === 'connector.class' && raw !== undefined && errors.length === 0 && findConnectorPlugin(raw) !== plugin) {
      errors = [invalidValue(raw, key.name, `Class ${raw} could not be found.`)];
    }
    configs.push(configInfo(key, raw, [...errors, ...(cross.get(key.name) ?? [])]));
  }
  for (const [name, raw] of Object.entries(config)) {
    if (known.has(name) || PASSTHROUGH_PREFIXES.some((p) => name.startsWith(p))) continue;
    const unknown: ConfigKey = {
      name,
      type: 'STRING',
      default: null,
      required: false,
      importance: 'LOW',
      documentation: `Not a configuration of ${plugin.className}, its converters or its transforms.`,
      group: null,
      order: -1,
      width: 'NONE',
      displayName: name,
    };
    configs.push(configInfo(unknown, raw, [unknownKeyMessage(name)]));
  }
  const groups = [COMMON, 'Transforms', 'Predicates', 'Error Handling', 'Topic Creation', 'Exactly Once Support', 'offsets.topic', ...transforms.groups];
  for (const key of plugin.keys) if (key.group !== null && !groups.includes(key.group)) groups.push(key.group);
  const errorCount = configs.reduce((n, c) => n + c.value.errors.length, 0);
  return { name: plugin.className, error_count: errorCount, groups, configs };
}

/** The message of the 400 a POST/PUT with an invalid config gets. */
export function invalidConfigMessage(infos: ConfigInfos): string {
  const lines = infos.configs.flatMap((c) => c.value.errors);
  return (
    `Connector configuration is invalid and contains the following ${infos.error_count} error(s):\n${lines.join('\n')}\n` +
    'You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`'
  );
}
