/** The error a REST call answers with: Connect's {"error_code": <HTTP status>, "message": "…"}. */
export class ConnectRestError extends Error {
  override name = 'ConnectRestError';

  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export const notFound = (name: string): ConnectRestError => new ConnectRestError(404, `Connector ${name} not found`);
