/** The error a REST call answers with: Connect's {"error_code": <HTTP status>, "message": "…"}. */
export class ConnectRestError extends Error {
  override name = 'ConnectRestError';

  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A connector's own config failing to parse inside its validate() (Java's ConfigException thrown there, e.g. by
 * JdbcSourceConnector.validate constructing its JdbcSourceConnectorConfig). Connect's AbstractHerder passes it to
 * the request's callback, so the REST layer answers 500: POST/PUT /connectors with the exception's message
 * (HerderRequestHandler rethrows the cause), the validate endpoint with the ExecutionException's message, i.e.
 * `org.apache.kafka.common.config.ConfigException: <message>` (ConnectorPluginsResource does not unwrap it).
 */
export class ConfigParseException extends Error {
  override name = 'ConfigParseException';

  /** The answer of the validate endpoint (ConnectExceptionMapper: 500, the ExecutionException's message). */
  asValidateAnswer(): ConnectRestError {
    return new ConnectRestError(500, `org.apache.kafka.common.config.ConfigException: ${this.message}`);
  }

  /** The answer of POST/PUT /connectors (ConnectExceptionMapper: 500, the ConfigException's own message). */
  asConfigAnswer(): ConnectRestError {
    return new ConnectRestError(500, this.message);
  }
}

export const notFound = (name: string): ConnectRestError => new ConnectRestError(404, `Connector ${name} not found`);
