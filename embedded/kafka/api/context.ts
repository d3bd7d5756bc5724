import type { Broker } from '../broker.ts';
import type { KafkaCluster } from '../cluster.ts';

/** What a handler knows about the request besides its body. */
export interface RequestContext {
  cluster: KafkaCluster;
  broker: Broker;
  apiVersion: number;
  clientId: string;
  clientHost: string;
  /** Aborted when the connection closes (parked requests give up). */
  signal: AbortSignal;
}

/** A handler returns the response body, or undefined for no response (Produce with acks=0). */
export type Handler<Req, Res> = (ctx: RequestContext, request: Req) => Res | undefined | Promise<Res | undefined>;
