// @ts-check
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'data/**', 'node_modules/**', 'migrations/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
      'no-console': 'error',
      // async generators that close over their store read better with a named alias than with bound arrows
      '@typescript-eslint/no-this-alias': 'off',
    },
  },
  {
    // The edge's shared mechanisms (libs/platform/src/http/validation.ts): nested objects, dates, integer params.
    files: ['libs/**/*.ts', 'apps/**/*.ts'],
    ignores: ['libs/platform/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          { name: 'class-validator', importNames: ['ValidateNested'], message: 'Use ValidateNestedObjects / ValidateNestedObject from @app/platform: bare ValidateNested lets [[]] through.' },
          { name: 'class-validator', importNames: ['IsISO8601', 'IsDateString'], message: 'Use IsCalendarDate / IsInstant from @app/platform: real calendar days only.' },
          { name: '@nestjs/common', importNames: ['ParseIntPipe'], message: 'Use IntParamPipe from @app/platform: bounded, and the 400 names the parameter.' },
          { name: '@nestjs/common', importNames: ['ParseUUIDPipe'], message: 'Use UuidParamPipe from @app/platform: the 400 names the parameter.' },
        ],
      }],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts', '**/testing/**/*.ts', '**/*.fixtures.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
);
