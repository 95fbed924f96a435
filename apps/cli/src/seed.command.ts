import { Command, CommandRunner as CliCommand } from 'nest-commander';
import { BusinessDates, TokenService } from '@app/access';
import { systemClock } from '@app/kernel';
import { CommandRunner } from '@app/event-store';
import { seedDemoOrganization } from '@app/organization';
import { loadConfig } from '@app/platform';
import { DEMO_POLICY_FILES, publishPolicies, readPolicyFiles } from '@app/policies';
import { REPORTING_POLICY, type ReportingPolicy } from '@app/reporting';
import { seedDemoActivity } from '@app/rewards';
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
      const now = systemClock.now();
      const demo = await seedDemoOrganization(runner, now);
      // the demo institution works under example policies from policies/ (review chains, limits, deadlines …)
      await publishPolicies(runner, readPolicyFiles(policiesDir(), DEMO_POLICY_FILES), demo.byRole.administrator.memberId, now);
      // and has two months of reporting behind it: a leaderboard and entitlements of every family at once
      const policy = started.app.get<symbol, ReportingPolicy>(REPORTING_POLICY, { strict: false });
      const activity = await seedDemoActivity({ runner, policy, timeZone: started.app.get(BusinessDates).timeZone }, demo, now);
      const tokens = started.app.get(TokenService);
      const out = process.stdout;
      out.write(`Seeded ${Object.keys(demo.units).length} units, ${demo.members.length} members, ${Object.keys(demo.channels).length} channels; published policies ${DEMO_POLICY_FILES.join(', ')}.\n`);
      out.write(
        `Seeded ${activity.drafts} signed-off drafts, ${activity.publications} publications (WeChat, Weibo), ${activity.observations} metrics observations, ${activity.adoptions} adoptions, ` +
          `${activity.excellent} excellent rating, ${activity.instructions} leader instruction in ${activity.months.join(', ')} (${activity.appended} new events${activity.appended === 0 ? ': seeded before' : ''}).\n\n`,
      );
      out.write('One member per role, with a bearer token (valid 12 h by default):\n\n');
      for (const member of Object.values(demo.byRole)) {
        out.write(`# ${member.role.padEnd(25)} ${member.name} (${member.unitName}) member ${member.memberId}\n`);
        out.write(`export TOKEN_${member.role.toUpperCase()}=${await tokens.mint(member.memberId)}\n`);
      }
      out.write('\nTry: curl -H "Authorization: Bearer $TOKEN_ADMINISTRATOR" localhost:3000/v1/units\n');
      const month = activity.busiestMonth;
      if (month) {
        out.write(`     curl -H "Authorization: Bearer $TOKEN_ADMINISTRATOR" "localhost:3000/v1/rewards/leaderboard?subject=member&by=money&period=${month}"\n`);
        out.write(`     curl -H "Authorization: Bearer $TOKEN_ADMINISTRATOR" "localhost:3000/v1/rewards/leaderboard?subject=unit&by=points&period=${month}"\n`);
        out.write(`     curl -H "Authorization: Bearer $TOKEN_ADMINISTRATOR" "localhost:3000/v1/rewards/entitlements?period=${month}"\n`);
      }
    } finally {
      await started.close();
    }
  }
}
