import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { CONFIG, CoreModule, DATABASE, type Database } from '@ensemble/shared';
import { AutoscaleService } from './autoscale/autoscale.service.js';
import { AutoscaleRepository } from './autoscale/autoscale.repository.js';
import type { ProvisionerConfig } from './config.js';
import type { Kysely } from 'kysely';
import { provisionerMigrations } from './db/migrations/index.js';
import type { ProvisionerTables } from './db/schema.js';
import { FileSdWriter } from './nodes/file-sd.writer.js';
import { NodeMapFile } from './nodes/node-map.file.js';
import { ProvisionedNodesRepository } from './nodes/provisioned-nodes.repository.js';
import { ProvisionService } from './run/provision.service.js';
import { RunHandler } from './run/run.handler.js';
import { RunsRepository } from './run/runs.repository.js';
import { TerraformRunner } from './terraform/terraform-runner.js';

/** Child-process environment: credentials and the basics, nothing else of ours. */
function terraformEnv(c: ProvisionerConfig): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of ['PATH', 'HOME', 'TF_PLUGIN_CACHE_DIR', 'TF_CLI_CONFIG_FILE'] as const) {
    const v = c[k];
    if (v) env[k] = v;
  }
  for (const k of [
    'SCW_ACCESS_KEY',
    'SCW_SECRET_KEY',
    'SCW_DEFAULT_PROJECT_ID',
    'SCW_DEFAULT_ORGANIZATION_ID',
  ] as const) {
    const v = c[k];
    if (v) env[k] = v;
  }
  return env;
}

/** A repository over the provisioner's tables (decision 093: it keeps nothing in Redis). */
const repository = (cls: new (db: Kysely<ProvisionerTables>) => object): Provider => ({
  provide: cls,
  inject: [DATABASE],
  useFactory: (database: Database) => new cls(database.typed<ProvisionerTables>()),
});

/** Terraform runs on Scaleway (scale-out/in), run records, and the autoscale policy. */
@Module({})
export class ProvisionerModule {
  static forRoot(config: ProvisionerConfig, logSink?: (line: string) => void): DynamicModule {
    return {
      module: ProvisionerModule,
      imports: [
        CoreModule.forRoot({
          service: 'provisioner',
          config,
          database: { migrations: provisionerMigrations },
          ...(logSink ? { logSink } : {}),
        }),
      ],
      providers: [
        repository(RunsRepository),
        repository(AutoscaleRepository),
        repository(ProvisionedNodesRepository),
        {
          provide: NodeMapFile,
          useFactory: (c: ProvisionerConfig) => new NodeMapFile(c.TERRAFORM_DIR),
          inject: [CONFIG],
        },
        {
          provide: FileSdWriter,
          useFactory: (c: ProvisionerConfig) => new FileSdWriter(c.PROM_FILE_SD_DIR),
          inject: [CONFIG],
        },
        {
          provide: TerraformRunner,
          useFactory: (c: ProvisionerConfig) =>
            new TerraformRunner({
              bin: c.TERRAFORM_BIN,
              cwd: c.TERRAFORM_DIR,
              env: terraformEnv(c),
              secrets: [c.SCW_SECRET_KEY, c.SCW_ACCESS_KEY].filter((s): s is string => !!s),
              killGraceMs: c.PROVISION_KILL_GRACE_S * 1000,
            }),
          inject: [CONFIG],
        },
        ProvisionService,
        RunHandler,
        AutoscaleService,
      ],
    };
  }
}
