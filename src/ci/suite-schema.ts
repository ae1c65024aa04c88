// JSON Schema (draft 2020-12 subset, checked with ajv) of a benchmark suite file. The same
// schema ships as examples/stepcount-suite.schema.json for editors (a test keeps them equal).
export const SUITE_SCHEMA = {
  $id: 'https://stepcount.dev/schemas/suite-1.json',
  title: 'stepcount benchmark suite',
  type: 'object',
  required: ['benchmarks'],
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    env: { $ref: '#/$defs/env', description: 'variables for every benchmark (an entry env overrides them)' },
    benchmarks: { type: 'array', minItems: 1, items: { $ref: '#/$defs/benchmark' } },
  },
  $defs: {
    env: {
      type: 'object',
      propertyNames: { minLength: 1, pattern: '^[^=\\u0000]+$' },
      additionalProperties: { type: ['string', 'null'], pattern: '^[^\\u0000]*$' },
    },
    benchmark: {
      type: 'object',
      required: ['name', 'command'],
      additionalProperties: false,
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[^\\u0000-\\u001f]+$' },
        command: { type: 'string', minLength: 1, pattern: '^[^\\u0000]+$', description: 'program: a path (relative to cwd) or a name looked up in PATH' },
        args: { type: 'array', items: { type: 'string', pattern: '^[^\\u0000]*$' } },
        cwd: { type: 'string', minLength: 1, description: 'working directory, relative to the suite file (default: its directory)' },
        env: { $ref: '#/$defs/env' },
        stdin: { type: 'string', minLength: 1, description: 'file the command reads as standard input (relative to cwd)' },
        function: { type: 'string', minLength: 1, description: 'count only inside this function (a glob), per call, as run --function does' },
        exitStatus: { type: 'integer', minimum: 0, maximum: 255, description: 'expected exit status (default 0)' },
      },
    },
  },
} as const;
