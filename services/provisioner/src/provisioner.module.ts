import { Module, type DynamicModule } from '@nestjs/common';
import { CONFIG, CoreModule, REDIS } from '@ensemble/shared';
import type { Redis } from 'ioredis';
import { AutoscaleService } from './autoscale/autoscale.service.js';
import { AutoscaleStore } from './autoscale/autoscale.store.js';
import type { ProvisionerConfig } from './config.js';
import { FileSdWriter } from './nodes/file-sd.writer.js';
import { NodeMapFile } from './nodes/node-map.file.js';
import { ProvisionedNodesStore } from './nodes/provisioned-nodes.store.js';
import { ProvisionService } from './run/provision.service.js';
import { RunHandler } from './run/run.handler.js';
import { RunLockStore } from './run/run-lock.store.js';
import { RunStore } from './run/run.store.js';
import { defineScripts } from './scripts.js';
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

/** Terraform runs on Scaleway (scale-out/in), run records, and the autoscale policy. */
@Module({})
export class ProvisionerModule {
  static forRoot(config: ProvisionerConfig, logSink?: (line: string) => void): DynamicModule {
    return {
      module: ProvisionerModule,
      imports: [CoreModule.forRoot({ service: 'provisioner', config, ...(logSink ? { logSink } : {}) })],
      providers: [
        { provide: RunLockStore, useFactory: (r: Redis) => new RunLockStore(r, defineScripts(r)), inject: [REDIS] },
        { provide: AutoscaleStore, useFactory: (r: Redis) => new AutoscaleStore(r, defineScripts(r)), inject: [REDIS] },
        { provide: RunStore, useFactory: (r: Redis) => new RunStore(r), inject: [REDIS] },
        { provide: ProvisionedNodesStore, useFactory: (r: Redis) => new ProvisionedNodesStore(r), inject: [REDIS] },
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
