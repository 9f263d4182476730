// eslint for the panel's sources, tests and build script (run in CI: npm run lint).
import js from '@eslint/js';
import globals from 'globals';

export default [
  js.configs.recommended,
  {
    files: ['src/**/*.js'],
    languageOptions: { ecmaVersion: 2020, sourceType: 'module', globals: globals.browser },
  },
  {
    files: ['test/**/*.js', 'build.mjs', 'eslint.config.js'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: globals.node },
  },
  {
    rules: {
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-var': 'error',
      'prefer-const': 'error',
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-shadow': 'error',
      'no-implicit-globals': 'error',
      'no-restricted-globals': ['error', 'event', 'name', 'status'],
    },
  },
  {
    // The reducer is pure: no DOM, no clock, no timers, no network.
    files: ['src/reducer.js', 'src/model.js', 'src/messages.js'],
    rules: {
      'no-restricted-globals': ['error', 'window', 'document', 'Date', 'setTimeout', 'setInterval', 'fetch', 'WebSocket', 'localStorage', 'console'],
    },
  },
];
