import { defineConfig } from 'tsdown';
import { library } from '../../tooling/tsdown/library.ts';

// Core's SDK slice (the lifecycle, the record store, the queues, the Lua scripts) is inlined, so
// installing the SDK installs neither core nor the worker's logger and metrics libraries.
export default defineConfig(
  library({
    deps: {
      neverBundle: true,
      alwaysBundle: ['@reelay/core/sdk'],
      onlyImport: ['@reelay/contracts', '@reelay/webhooks', 'bullmq', 'ioredis'],
    },
    // lua-script.ts reads `./lua/<name>.lua` next to the module that runs it: the bundle.
    copy: [{ from: '../core/src/lua/*.lua', to: 'dist/lua' }],
  }),
);
