const swc = [
  '@swc/jest',
  {
    swcrc: false,
    sourceMaps: 'inline',
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      target: 'es2023',
      keepClassNames: true,
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    },
    module: { type: 'es6' },
  },
];

// CommonJS packages that require() an ESM-only dependency work on Node >= 20.19, but jest's
// module runtime supports require(esm) only from Node 24.9: compile those few to CommonJS.
const ESM_REQUIRED_FROM_CJS = ['cookie', 'content-disposition'];
const swcToCommonJs = ['@swc/jest', { swcrc: false, jsc: { target: 'es2022' }, module: { type: 'commonjs' } }];

const shared = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': swc,
    [`/node_modules/(${ESM_REQUIRED_FROM_CJS.join('|')})/.+\\.js$`]: swcToCommonJs,
  },
  transformIgnorePatterns: [`^(?!.*/node_modules/(${ESM_REQUIRED_FROM_CJS.join('|')})/).*/node_modules/`],
  moduleNameMapper: {
    '^@causeway/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testEnvironment: 'node',
};

// The web console's component tests: React in jsdom, TSX compiled by swc with the automatic JSX runtime.
const consoleProject = {
  displayName: 'console',
  testMatch: ['<rootDir>/apps/console/src/**/*.spec.tsx'],
  testEnvironment: 'jsdom',
  setupFiles: ['<rootDir>/apps/console/jest.setup.mjs'],
  extensionsToTreatAsEsm: ['.ts', '.tsx'],
  transform: {
    '^.+\\.tsx?$': [
      '@swc/jest',
      { swcrc: false, jsc: { parser: { syntax: 'typescript', tsx: true }, target: 'es2022', transform: { react: { runtime: 'automatic' } } }, module: { type: 'es6' } },
    ],
  },
  moduleNameMapper: { '\\.css$': '<rootDir>/apps/console/src/testing/style-stub.ts' },
};

export default {
  coverageProvider: 'v8',
  // End-to-end tests boot a gateway and a database; a project-level testTimeout is ignored by jest.
  testTimeout: 60000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/global-setup.mjs',
      globalTeardown: '<rootDir>/test/global-teardown.mjs',
    },
    {
      ...shared,
      // Services against real PostgreSQL without the gateway: migrations applied once, a database per file.
      displayName: 'medium',
      testMatch: ['<rootDir>/test/medium/**/*.medium-spec.ts'],
      globalSetup: '<rootDir>/test/medium/global-setup.mjs',
      globalTeardown: '<rootDir>/test/medium/global-teardown.mjs',
    },
    consoleProject,
  ],
};
