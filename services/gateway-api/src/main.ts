import { ConfigError, parseConfig } from '@ensemble/shared';
import { startGateway } from './bootstrap.js';
import { gatewayEnvSchema, withDeprecatedNames } from './config.js';

const { env, used } = withDeprecatedNames(process.env);
for (const name of used) process.stderr.write(`gateway-api: ${name} is deprecated, see .env.example\n`);
let config;
try {
  config = parseConfig('gateway-api', gatewayEnvSchema, env);
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  process.stderr.write(`${e.message}\n`);
  process.exit(78); // EX_CONFIG, as configOrExit
}
const gateway = await startGateway(config);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => void gateway.close().then(() => process.exit(0)));
}
