import { Command, CommandRunner as CliCommand } from 'nest-commander';
import { BusinessDates, TokenService } from '@app/access';
import { systemClock } from '@app/kernel';
import { CommandRunner } from '@app/event-store';
import { demoHistoryStart, seedDemoOrganization } from '@app/organization';
import { DEMO_POLICY_FILES, PolicyCatalog, publishPolicies, readPolicyFiles } from '@app/policies';
import { seedDemoIncidents } from '@app/incidents';
import { BulletinsService, seedDemoBulletin } from '@app/compliance';
import { seedDemoTimeFacts } from '@app/scheduler';
import { EVENT_STORE, type EventStore } from '@app/event-store';
import { PG_POOL } from '@app/platform';
import { ReadModels } from '@app/projections';
import { CLOCK, type Clock } from '@app/kernel';
import type { Pool } from 'pg';
import { REPORTING_POLICY, type ReportingPolicy } from '@app/reporting';
import { type DemoPayoutPeriod, PayoutsService, seedDemoActivity, seedDemoPayouts } from '@app/rewards';
import * as path from 'node:path';
import { migrationsDir } from '@app/platform';

/** policies/ beside migrations/ at the repository root. */
const policiesDir = () => path.join(path.dirname(migrationsDir()), 'policies');
import { withApp } from './cli-support';

@Command({
  name: 'seed',
  arguments: '<what>',
  description: 'seed demo: create a realistic institution (units, members and appointments, channels), its policies, two months of reporting, incidents, a payout ledger, compliance and a bulletin, and print a token per role',
})
export class SeedCommand extends CliCommand {
  async run([what]: string[]): Promise<void> {
    if (what !== 'demo') throw new Error(`Unknown seed "${what}": the only one is "demo"`);
    // Writes go to the store. The projections run here too (each on whichever instance holds its lock, this one or
    // the API): closing the demo payout period records the statement of the live rewards build at the log's head.
    await withApp({ runProjections: true }, async ({ app }) => {
      const runner = app.get(CommandRunner);
      const now = systemClock.now();
      const demo = await seedDemoOrganization(runner, now, app.get(BusinessDates).timeZone);
      // the demo institution works under example policies from policies/ (review chains, limits, deadlines …)
      await publishPolicies(runner, readPolicyFiles(policiesDir(), DEMO_POLICY_FILES), demo.byRole.administrator.memberId, now);
      // and has two months of reporting behind it: a leaderboard and entitlements of every family at once
      const policy = app.get<symbol, ReportingPolicy>(REPORTING_POLICY, { strict: false });
      const activity = await seedDemoActivity({ runner, policy, timeZone: app.get(BusinessDates).timeZone }, demo, now);
      // three incidents last month (on time; late; concealed with its written report never filed)
      const timeZone = app.get(BusinessDates).timeZone;
      const incidents = await seedDemoIncidents({ runner, policies: await app.get(PolicyCatalog).published(), timeZone }, demo, now);
      // what time made facts of: the demo's months ended (compliance final, ranking prizes) and the deadlines passed;
      // the scheduler's read model must know the incidents' deadlines first
      const pool = app.get<symbol, Pool>(PG_POOL, { strict: false });
      await app.get(ReadModels).scope({ minPosition: await runner.store.headPosition() }, ['deadlines']);
      const from = demoHistoryStart(now, timeZone);
      const facts = await seedDemoTimeFacts({ pool, store: app.get<symbol, EventStore>(EVENT_STORE, { strict: false }), clock: app.get<symbol, Clock>(CLOCK, { strict: false }), timeZone }, from);
      // and a payout ledger: a period per month, the older closed with its statement and partly paid, the newest open
      const payouts = await seedDemoPayouts({ runner, payouts: app.get(PayoutsService), timeZone }, demo, activity.months, now);
      // and last month's bulletin (通报), issued by the office
      const bulletin = await seedDemoBulletin({ runner, bulletins: app.get(BulletinsService) }, demo, incidents.month, now);
      const tokens = app.get(TokenService);
      const out = process.stdout;
      out.write(`Seeded ${Object.keys(demo.units).length} units, ${demo.members.length} members, ${Object.keys(demo.channels).length} channels; published policies ${DEMO_POLICY_FILES.join(', ')}.\n`);
      out.write(
        `Seeded ${activity.drafts} signed-off drafts, ${activity.publications} publications (WeChat, Weibo), ${activity.observations} metrics observations, ${activity.adoptions} adoptions, ` +
          `${activity.excellent} excellent rating, ${activity.instructions} leader instruction in ${activity.months.join(', ')} (${activity.appended} new events${activity.appended === 0 ? ': seeded before' : ''}).\n\n`,
      );
      const yuan = (fen: number) => (fen / 100).toFixed(2);
      const periodLine = (p: DemoPayoutPeriod) =>
        `${p.periodId} (${p.from}..${p.to}): ${p.status === 'open' ? `open${p.opened ? ', opened now' : ''} (GET shows a preview)` : `closed${p.closed ? ' now' : ' before'}, ${p.totals!.payees} payees, ${p.totals!.lines} lines, ${yuan(p.totals!.amountFen)} yuan, ${p.totals!.points} points`}`;
      out.write(`Payout periods: ${payouts.periods.map(periodLine).join('; ')}.\n`);
      const memberName = (id: string) => demo.members.find((m) => m.memberId === id)?.name ?? id;
      for (const p of payouts.payouts) {
        out.write(`  paid ${memberName(p.payee.id)} ${yuan(p.amountFen)} of ${yuan(p.entitledFen)} yuan for ${p.periodId} on ${p.paidOn} (${p.reference}${p.recorded ? '' : ', recorded before'}), balance ${yuan(p.balanceFen)} yuan\n`);
      }
      out.write(`(${payouts.appended} new payout events${payouts.appended === 0 ? ': seeded before' : ''})\n\n`);
      out.write(`Incidents in ${incidents.month}: ${incidents.incidents.map((i) => `${i.title} (${i.unitName}, first report ${i.firstReport})`).join('; ')} (${incidents.appended} new events).\n`);
      out.write(`Time facts: ${facts.periods} business periods ended, ${facts.elapsed} deadlines elapsed; bulletin of ${incidents.month} ${bulletin.issued ? 'issued' : 'issued before'} (sha256 ${bulletin.checksum.slice(0, 12)}…).\n\n`);
      out.write('One member per role, with a bearer token (valid 12 h by default):\n\n');
      for (const member of Object.values(demo.byRole)) {
        out.write(`# ${member.role.padEnd(25)} ${member.name} (${member.unitName}) member ${member.memberId}\n`);
        out.write(`export TOKEN_${member.role.toUpperCase()}=${await tokens.mint(member.memberId)}\n`);
      }
      // a reporter with lines in the closed period, partly paid (the demo's first reporter may have none there)
      const closedPeriod = payouts.periods.find((p) => p.status === 'closed');
      const payee = demo.members.find((m) => m.role === 'reporter' && m.memberId === payouts.payouts.at(-1)?.payee.id);
      if (payee) {
        out.write(`# ${'paid reporter'.padEnd(25)} ${payee.name} (${payee.unitName}) member ${payee.memberId}\n`);
        out.write(`export TOKEN_PAID_REPORTER=${await tokens.mint(payee.memberId)}\n`);
      }
      out.write('\nTry: curl -H "Authorization: Bearer $TOKEN_ADMINISTRATOR" localhost:3000/v1/units\n');
      const month = activity.busiestMonth;
      if (month) {
        out.write(`     curl -H "Authorization: Bearer $TOKEN_ADMINISTRATOR" "localhost:3000/v1/rewards/leaderboard?subject=member&by=money&period=${month}"\n`);
        out.write(`     curl -H "Authorization: Bearer $TOKEN_ADMINISTRATOR" "localhost:3000/v1/rewards/leaderboard?subject=unit&by=points&period=${month}"\n`);
        out.write(`     curl -H "Authorization: Bearer $TOKEN_ADMINISTRATOR" "localhost:3000/v1/rewards/entitlements?period=${month}"\n`);
      }
      out.write('     curl -H "Authorization: Bearer $TOKEN_FINANCE" localhost:3000/v1/payouts/ledger\n');
      if (closedPeriod) out.write(`     curl -H "Authorization: Bearer $TOKEN_${payee ? 'PAID_REPORTER' : 'REPORTER'}" localhost:3000/v1/payouts/periods/${closedPeriod.periodId}/my-statement\n`);
      out.write(`     curl -H "Authorization: Bearer $TOKEN_OFFICE_REVIEWER" "localhost:3000/v1/compliance?period=month&key=${incidents.month}"\n`);
      out.write(`     curl -H "Authorization: Bearer $TOKEN_OFFICE_REVIEWER" "localhost:3000/v1/bulletins/month/${incidents.month}?format=html" > bulletin.html\n`);
      out.write('     curl -H "Authorization: Bearer $TOKEN_DUTY_OFFICER" "localhost:3000/v1/incidents?unitId=' + demo.byRole.duty_officer.unitId + '"\n');
      const openPeriod = payouts.periods.find((p) => p.status === 'open');
      if (openPeriod) out.write(`     curl -H "Authorization: Bearer $TOKEN_FINANCE" localhost:3000/v1/payouts/periods/${openPeriod.periodId}\n`);
    });
  }
}
