/** Injection tokens for what every service's core provides. */
export const CONFIG = Symbol('CONFIG');
export const LOGGER = Symbol('LOGGER');
export const METRICS = Symbol('METRICS');
export const NATS_BUS = Symbol('NATS_BUS');
export const REDIS = Symbol('REDIS');
export const DATABASE = Symbol('DATABASE');
