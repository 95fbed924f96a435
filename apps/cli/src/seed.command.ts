import { Command, CommandRunner as CliCommand } from 'nest-commander';
import { TokenService } from '@app/access';
import { systemClock } from '@app/kernel';
import { CommandRunner } from '@app/event-store';
import { seedDemoOrganization } from '@app/organization';
import { loadConfig } from '@app/platform';
import { DEMO_POLICY_FILES, publishPolicies, readPolicyFiles } from '@app/policies';
import * as path from 'node:path';
import { migrationsDir } from '@app/platform';

/** policies/ beside migrations/ at the repository root. */
const policiesDir = () => path.join(path.dirname(migrationsDir()), 'policies');
import { createApp } from '../../api/src/bootstrap';

@Command({
  name: 'seed',
  arguments: '<what>',
  description: 'seed demo: create a realistic institution (units, members and appointments, channels) and print a token per role',
})
export class SeedCommand extends CliCommand {
  async run([what]: string[]): Promise<void> {
    if (what !== 'demo') throw new Error(`Unknown seed "${what}": the only one is "demo"`);
    // Writes go to the store; the API's projections (running now or at its next start) build the read models.
    const config = loadConfig();
    const started = await createApp({ ...config, runProjections: false, scheduler: { ...config.scheduler, run: false }, logLevel: 'warn' }, { logger: false });
    try {
      const runner = started.app.get(CommandRunner);
      const demo = await seedDemoOrganization(runner, systemClock.now());
      // the demo institution works under example policies from policies/ (review chains, limits, deadlines …)
      await publishPolicies(runner, readPolicyFiles(policiesDir(), DEMO_POLICY_FILES), demo.byRole.administrator.memberId, systemClock.now());
      const tokens = started.app.get(TokenService);
      const out = process.stdout;
      out.write(`Seeded ${Object.keys(demo.units).length} units, ${demo.members.length} members, ${Object.keys(demo.channels).length} channels; published policies ${DEMO_POLICY_FILES.join(', ')}.\n\n`);
      out.write('One member per role, with a bearer token (valid 12 h by default):\n\n');
      for (const member of Object.values(demo.byRole)) {
        out.write(`# ${member.role.padEnd(25)} ${member.name} (${member.unitName}) member ${member.memberId}\n`);
        out.write(`export TOKEN_${member.role.toUpperCase()}=${await tokens.mint(member.memberId)}\n`);
      }
      out.write('\nTry: curl -H "Authorization: Bearer $TOKEN_ADMINISTRATOR" localhost:3000/v1/units\n');
    } finally {
      await started.close();
    }
  }
}
