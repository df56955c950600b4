import { useEffect, useRef, useState } from 'react';
import {
  fleetNodeEventSchema,
  loadSampleSchema,
  nodeHealthEventSchema,
  runEventSchema,
  type FleetNodeEvent,
  type LoadSample,
  type NodeHealthEvent,
  type RunEvent,
} from '@ensemble/contracts';
import { ApiError, type AnswerSchema } from './api.js';
import type { OpsClient } from './ops-api.js';

export interface OpsEventHandlers {
  load(s: LoadSample): void;
  health(e: NodeHealthEvent): void;
  fleet(e: FleetNodeEvent): void;
  run(e: RunEvent): void;
  /** Connected, or events were dropped: what we hold may be stale, read it again. */
  resync(): void;
  unauthorized(): void;
}

export type LiveState = 'connecting' | 'live' | 'reconnecting';

const RETRY_MS = 3000;

/**
 * The ops event stream (docs/decisions/032): a ticket from the API, then an
 * EventSource on `/api/ops/events?ticket=`. The browser reconnects by itself;
 * once it gives up (the ticket expired, the gateway restarted), a new ticket
 * opens a new stream. Events are not replayed, so every (re)connect resyncs.
 */
export function useOpsEvents(client: OpsClient, handlers: OpsEventHandlers): LiveState {
  const [state, setState] = useState<LiveState>('connecting');
  const latest = useRef(handlers);
  latest.current = handlers;

  useEffect(() => {
    let source: EventSource | null = null;
    let timer: number | undefined;
    let stopped = false;
    const later = () => {
      if (!stopped) timer = window.setTimeout(() => void open(), RETRY_MS);
    };
    // Each frame read by its contract's schema; one we cannot read is dropped (the next resync covers it).
    const on = <T>(name: string, schema: AnswerSchema<T>, f: (data: T) => void) =>
      source!.addEventListener(name, (e) => {
        let raw: unknown;
        try {
          raw = JSON.parse((e as MessageEvent<string>).data);
        } catch {
          return;
        }
        const r = schema.safeParse(raw);
        if (r.success) f(r.data);
      });

    const open = async () => {
      let ticket: string;
      try {
        ticket = (await client.ticket()).ticket;
      } catch (e) {
        if (e instanceof ApiError && e.code === 'unauthorized') latest.current.unauthorized();
        else later();
        return;
      }
      if (stopped) return;
      source = new EventSource(`/api/ops/events?ticket=${encodeURIComponent(ticket)}`);
      source.addEventListener('hello', () => {
        setState('live');
        latest.current.resync();
      });
      source.addEventListener('dropped', () => latest.current.resync());
      on('load', loadSampleSchema, (s) => latest.current.load(s));
      on('health', nodeHealthEventSchema, (e) => latest.current.health(e));
      on('fleet', fleetNodeEventSchema, (e) => latest.current.fleet(e));
      on('run', runEventSchema, (e) => latest.current.run(e));
      source.addEventListener('error', () => {
        setState('reconnecting');
        if (source?.readyState === EventSource.CLOSED) {
          source.close();
          source = null;
          later();
        }
      });
    };

    void open();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
      source?.close();
    };
  }, [client]);

  return state;
}
