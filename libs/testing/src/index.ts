export * from './free-port.js';
export * from './server-process.js';
export * from './servers.js';
export * from './wait-for.js';
export * from './prometheus.js';
export * from './load-sample.js';
export * from './simulator-process.js';
export * from './postgres.js';
