export * from './bootstrap.js';
export * from './config.js';
