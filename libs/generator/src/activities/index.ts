import type { Activity } from '../world';
import { channelsActivity } from './channels.activity';
import { commissionsActivity } from './commissions.activity';
import { creditActivity } from './credit.activity';
import { draftsActivity } from './drafts.activity';
import { incidentsActivity } from './incidents.activity';
import { metricsActivity } from './metrics.activity';
import { organizationActivity } from './organization.activity';
import { payoutsActivity } from './payouts.activity';
import { policiesActivity } from './policies.activity';
import { timeFactsActivity } from './time-facts.activity';

/**
 * Every kind of activity of the generated institution, started in this order. A new kind (incidents, credit records, rewards …)
 * is a new file here: an Activity whose start() schedules its tasks on the world's clock; it takes its own random
 * stream (world.rng(name)), so the histories the others produce keep their shape.
 */
export const ACTIVITIES: readonly Activity[] = [organizationActivity, channelsActivity, policiesActivity, draftsActivity, commissionsActivity, metricsActivity, payoutsActivity, incidentsActivity, creditActivity, timeFactsActivity];
