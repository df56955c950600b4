import type { FastifyRequest } from 'fastify';

/** Where links point: PUBLIC_URL, else the origin this request was sent to (the gateway as its users reach it). */
export const publicBase = (publicUrl: string | undefined, req: FastifyRequest): string =>
  publicUrl ?? `${req.protocol}://${req.host}`;
