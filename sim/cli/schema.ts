// `repsim schema`: prints the scenario JSON Schema (for editors' YAML
// language servers). The schema itself is generated in sim/scenario/schema.ts;
// a copy is committed as scenarios/scenario.schema.json and a test keeps it current.
import type { Argv } from 'yargs';
import type { Command } from './command.ts';
import { EXIT_OK } from './errors.ts';
import { scenarioJsonSchema } from '../scenario/schema.ts';

/** The exact text `repsim schema` prints (and scenarios/scenario.schema.json holds). */
export function schemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}

/** The `schema` command. */
export const schemaCommand: Command = {
  name: 'schema',
  describe: 'Print the scenario JSON Schema (committed as scenarios/scenario.schema.json)',
  builder: (y: Argv) => y.example('$0 schema > scenarios/scenario.schema.json', 'refresh the committed copy'),
  run: async () => {
    process.stdout.write(schemaText());
    return EXIT_OK;
  },
};
