/** One jest for the workspace: ESM, TypeScript through swc (decorators + metadata on). */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'es6' },
  },
];

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts', '.tsx'],
  transform: { '^.+\\.tsx?$': swc },
  moduleNameMapper: {
    '^@ensemble/(contracts|shared|testing)$': '<rootDir>/libs/$1/src/index.ts',
    '^@ensemble/bbb-sim$': '<rootDir>/tools/bbb-sim/src/index.ts',
    '^@ensemble/jitsi-sim$': '<rootDir>/tools/jitsi-sim/src/index.ts',
    '^@ensemble/(scheduler|gateway-api|load-collector|provisioner)$': '<rootDir>/services/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: ['<rootDir>/{libs,services,tools,cli,e2e,bench}/**/*.{spec,int-spec,e2e-spec}.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  maxWorkers: 2,
  testTimeout: 30000,
};
