import type { Role } from './roles';

/**
 * The one declarative place that says who may do what. Every HTTP endpoint names exactly one permission (or is
 * public); test/access/access-matrix.e2e-spec.ts walks every role x every endpoint x own/other unit against its own
 * hand-written copy of the grants (from docs/api.md "Permissions"), so changing a grant here means changing the
 * documented table and that spec too; it also fails when an endpoint has no entry.
 *
 * - roles: the roles that grant it (any appointment in force, covering the target unit when scoped).
 * - scope 'unit': the request names a unit (route param, body or query field, or the unit owning the aggregate),
 *   and the granting appointment must cover it. 'global': the role alone is enough.
 * - read: true marks a read; auditors may perform every read and no write; any authenticated member may perform
 *   reads marked `everyone`.
 */
export interface AccessRule {
  readonly roles: readonly Role[];
  readonly scope: 'global' | 'unit';
  readonly read: boolean;
  readonly everyone?: boolean;
  readonly description: string;
}

const admin = (description: string): AccessRule => ({ roles: ['administrator'], scope: 'global', read: false, description });
const everyoneReads = (description: string): AccessRule => ({ roles: [], scope: 'global', read: true, everyone: true, description });
const opsRead = (description: string): AccessRule => ({ roles: ['administrator'], scope: 'global', read: true, description });

export const ACCESS_MATRIX = {
  // identity
  'me.read': everyoneReads('Who I am: my appointments in force and the permissions they grant, per unit (GET /v1/me)'),
  // organization
  'org.read': everyoneReads('Read the unit tree, members directory, channels, levels, unit types'),
  'org.manage': admin('Register, rename, move, dissolve units; unit types; publication levels'),
  'members.manage': admin('Register members, update their details and status'),
  'appointments.manage': admin('Appoint members to roles and end appointments'),
  'channels.manage': admin('Register channels and record follower counts'),
  // reporting workflow
  'drafts.create': { roles: ['reporter'], scope: 'unit', read: false, description: 'Create a draft for a unit where one is reporter (信息员)' },
  'drafts.write': {
    roles: ['reporter'],
    scope: 'unit',
    read: false,
    description: 'Edit and submit (报送) a draft of the unit; the decider also requires being one of its authors',
  },
  'drafts.review': {
    roles: ['unit_head', 'leader_in_charge', 'principal_leader', 'office_reviewer', 'confidentiality_reviewer'],
    scope: 'unit',
    read: false,
    description: 'Approve, return (退回修改) or reject a review step; the step names the role that performs it',
  },
  'drafts.record': {
    roles: ['office_reviewer', 'administrator'],
    scope: 'unit',
    read: false,
    description: 'Record publication, adoption (采用), excellent rating, leader instruction (批示), retraction',
  },
  'drafts.read': {
    roles: ['reporter', 'unit_head', 'leader_in_charge', 'principal_leader', 'office_reviewer', 'confidentiality_reviewer', 'administrator'],
    scope: 'unit',
    read: true,
    description: 'Read a draft and its history (members covering its unit; auditors)',
  },
  'drafts.mine': everyoneReads('My drafts and my review inbox'),
  'register.read': {
    roles: ['office_reviewer', 'principal_leader', 'leader_in_charge', 'finance', 'administrator'],
    scope: 'global',
    read: true,
    description: 'The publication register (登记)',
  },
  'commissions.manage': { roles: ['office_reviewer', 'administrator'], scope: 'global', read: false, description: 'Issue and cancel commissions (约稿)' },
  'commissions.read': everyoneReads('Commissions and their status per unit'),
  'attachments.upload': { roles: ['reporter'], scope: 'global', read: false, description: 'Upload an attachment for a draft' },
  'attachments.read': everyoneReads('Download an attachment by its checksum'),
  // policies
  'policies.read': everyoneReads('Read policies, versions, diffs and the policy schema'),
  'policies.manage': admin('Draft, validate and publish policies'),
  // rewards
  'metrics.record': {
    roles: ['office_reviewer', 'administrator'],
    scope: 'global',
    read: false,
    description: 'Record engagement metrics of channel publications (reads, reposts, interactions, followers), in bulk',
  },
  'metrics.read': everyoneReads('Read the engagement metrics of a publication, with their corrections'),
  'rewards.leaderboard': everyoneReads('Leaderboards of people and units (points, money, adoptions, adoption rate) for any period'),
  'rewards.entitlements': {
    roles: ['office_reviewer', 'finance', 'auditor', 'administrator'],
    scope: 'global',
    read: true,
    description: "Everyone's entitlement lines with their rules and events (explain a leaderboard cell or an amount)",
  },
  'rewards.mine': everyoneReads('My own entitlement lines (what I earned, for which items, under which rules)'),
  'rewards.whatif': admin('Run what-ifs (draft policies against the history) and recomputations of published versions'),
  'rewards.whatif.read': { roles: ['finance', 'auditor', 'administrator'], scope: 'global', read: true, description: 'What-if runs and recomputations with their diffs' },
  'payouts.manage': { roles: ['finance'], scope: 'global', read: false, description: 'Open and close payout periods, record payouts' },
  'payouts.read': { roles: ['finance', 'auditor', 'administrator'], scope: 'global', read: true, description: 'Payout periods, statements and the ledger' },
  'payouts.mine': everyoneReads('My statement of a payout period'),
  // incidents (突发事件, regulations §5)
  'incidents.report': {
    roles: ['duty_officer', 'unit_head'],
    scope: 'unit',
    read: false,
    description: 'Report an incident for the unit (first report), file its written, follow-up (续报), case and final (终报) reports, escalate it, answer instructions',
  },
  'incidents.approve': {
    roles: ['principal_leader', 'leader_in_charge'],
    scope: 'unit',
    read: false,
    description: "Approve an incident's external report with one unified wording (统一口径, R5.27) and close it",
  },
  'incidents.instruct': { roles: ['principal_leader', 'leader_in_charge'], scope: 'unit', read: false, description: 'Give an instruction (批示) on an incident' },
  'incidents.read': {
    roles: ['duty_officer', 'unit_head', 'leader_in_charge', 'principal_leader', 'office_reviewer', 'administrator'],
    scope: 'unit',
    read: true,
    description: "Read a unit's incidents: what is due and when, the verdicts, the history",
  },
  // notifications
  'notifications.mine': everyoneReads('My in-app notifications (催报 reminders)'),
  'notifications.acknowledge': {
    roles: ['reporter', 'unit_head', 'leader_in_charge', 'principal_leader', 'office_reviewer', 'confidentiality_reviewer', 'duty_officer', 'finance', 'auditor', 'administrator'],
    scope: 'global',
    read: false,
    description: 'Mark my own notifications read (an auditor too: it changes nothing but their own inbox)',
  },
  'notifications.webhooks': admin('Register and remove outbound webhooks for notifications (signed, retried)'),
  // compliance (regulations §4.1-4.3, §8.1)
  'compliance.read': {
    roles: ['office_reviewer', 'principal_leader', 'leader_in_charge', 'unit_head', 'administrator'],
    scope: 'global',
    read: true,
    description: 'Compliance per unit and period: quotas, shortfalls, escalation, timeliness, incidents, commissions, score and grade',
  },
  'appraisals.manage': {
    roles: ['office_reviewer', 'principal_leader'],
    scope: 'global',
    read: false,
    description: 'Record individual appraisal scores (群众评议, 考评小组, 主任办公会) and deductions or bonuses with evidence (R4.44)',
  },
  'appraisals.read': { roles: ['office_reviewer', 'principal_leader', 'administrator'], scope: 'global', read: true, description: 'Individual appraisal scores per person and period' },
  'bulletins.issue': { roles: ['office_reviewer'], scope: 'global', read: false, description: 'Issue a bulletin (通报) for a period' },
  'bulletins.read': everyoneReads('Read bulletins (as issued, or afresh) in JSON, CSV, XLSX or a printable page'),
  // credit information reporting (信用信息上报, R6.05: 采集单位 collects, 使用单位 reviews, 上报单位 uploads; docs/credit.md)
  'credit.submit': { roles: ['reporter'], scope: 'unit', read: false, description: 'Submit a credit record for the unit (采集, the collector) and correct it when returned' },
  'credit.review': {
    roles: ['unit_head', 'office_reviewer'],
    scope: 'unit',
    read: false,
    description: 'Review credit records of the unit for truth, accuracy and completeness (R6.06): approve, return for correction, reject; the review inbox',
  },
  'credit.upload': { roles: ['office_reviewer', 'administrator'], scope: 'unit', read: false, description: 'Retry a failed upload of an approved credit record to the sharing platform (上报单位)' },
  'credit.read': {
    roles: ['reporter', 'unit_head', 'leader_in_charge', 'principal_leader', 'office_reviewer', 'administrator'],
    scope: 'unit',
    read: true,
    description: "Read a unit's credit records (personal fields masked) and their history",
  },
  'credit.statistics': {
    roles: ['leader_in_charge', 'principal_leader', 'office_reviewer', 'administrator'],
    scope: 'global',
    read: true,
    description: 'Credit reporting statistics per unit and period (submitted, returned, approved, uploaded, overdue, completeness and on-time rates)',
  },
  // operations
  'ops.read': opsRead('Projection status and dead letters'),
  'ops.manage': admin('Rebuild projections, retry or skip dead letters'),
  // audit (issue 12): history, the log, as-of reports, the hash chain and audit bundles
  // personal data (issue 12 item 5): not reads (each appends its audit event), so auditors do not get them by default
  'personal-data.reveal': admin('Read a person\'s personal data in clear (recorded: who, which fields, why)'),
  'personal-data.erase': admin('Erase a person\'s personal data (their key deleted; recorded)'),
  'audit.read': opsRead('Histories of aggregates, the global log, as-of reports, chain verification and audit bundles'),
} as const satisfies Record<string, AccessRule>;

export type Permission = keyof typeof ACCESS_MATRIX;
