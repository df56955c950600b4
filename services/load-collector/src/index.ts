export { startLoadCollector, type RunningLoadCollector } from './bootstrap.js';
export { loadCollectorEnvSchema, type LoadCollectorConfig } from './config.js';
